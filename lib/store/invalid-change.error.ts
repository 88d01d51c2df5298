/**
 * A change no store could hold exactly as given (a key too long, text a database cannot store,
 * a revision out of range). Thrown before anything is written; retrying cannot help.
 * @publicApi
 */
export class InvalidChangeError extends RangeError {
  constructor(message: string) {
    super(`Invalid flag set change: ${message}`);
    this.name = 'InvalidChangeError';
  }
}
