/**
 * A change no store could hold exactly as given (a key too long, text a database cannot store,
 * a revision out of range), or usage counts no store could hold. Thrown before anything is
 * written; retrying cannot help.
 * @publicApi
 */
export class InvalidChangeError extends RangeError {
  /** @param subject What was refused, for the message: a flag set change unless said otherwise. */
  constructor(message: string, subject = 'flag set change') {
    super(`Invalid ${subject}: ${message}`);
    this.name = 'InvalidChangeError';
  }
}
