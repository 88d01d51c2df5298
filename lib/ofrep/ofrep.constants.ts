/** The resolved `ofrep` extra. @internal */
export const OFREP_OPTIONS = 'FLAGS:OFREP_OPTIONS';
