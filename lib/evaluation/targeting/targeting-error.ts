/**
 * Thrown while compiling or running targeting. Compile-time throws make the flag invalid
 * (PARSE_ERROR); run-time throws make one evaluation fail (GENERAL).
 * @internal
 */
export class TargetingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetingError';
  }
}

/** @internal */
export function invalidArguments(operator: string, expected: string): TargetingError {
  return new TargetingError(`"${operator}" expects ${expected}`);
}

/** @internal */
export function notANumber(operator: string): TargetingError {
  return new TargetingError(`"${operator}" got a value that is not a number`);
}

/**
 * A rule that is not JsonLogic flagd can run (an unknown operation, a missing `$ref`, too deep):
 * always refused when the flag loads, wherever it appears.
 * @internal
 */
export class TargetingStructureError extends TargetingError {}
