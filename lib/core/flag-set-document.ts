/**
 * A flag set in flagd's format, parsed: what a bootstrap file, a seed or a snapshot delivery holds.
 * @publicApi
 */
export interface FlagSetDocument {
  flags: Record<string, unknown>;
  $evaluators?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
