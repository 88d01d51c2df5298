/** The module options after defaults and checks. @internal */
export const RESOLVED_FLAGS_OPTIONS = 'FLAGS:RESOLVED_OPTIONS';

/** The options given to `FlagsModule.forRoot()` / `forRootAsync()`. @internal */
export const FLAGS_MODULE_OPTIONS = 'FLAGS:MODULE_OPTIONS';
