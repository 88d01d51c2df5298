/** Thrown at startup when an option is wrong; the message says what to change. @publicApi */
export class FlagsConfigurationError extends Error {
  constructor(message: string) {
    super(`FlagsModule: ${message}`);
    this.name = 'FlagsConfigurationError';
  }
}
