/**
 * Thrown by {@link TypeOrmFlagStore} when the flag tables do not exist in the database: the
 * migrations have not run. The database's own error is the `cause`.
 *
 * @example
 * new DataSource({ ..., entities: [...FLAG_ENTITIES], migrations: [...FLAG_MIGRATIONS], migrationsRun: true })
 * @publicApi
 */
export class FlagTablesMissingError extends Error {
  override readonly name = 'FlagTablesMissingError';

  constructor(cause: unknown) {
    // Duck-typed: a native driver's errors may come from another realm (worker, vm, test sandbox).
    const message = (cause as { message?: unknown } | null)?.message;
    const detail = typeof message === 'string' ? ` (${message})` : '';
    super(
      `The feature flag tables do not exist${detail}. Add FLAG_MIGRATIONS to the DataSource's ` +
        '`migrations` and run them (`dataSource.runMigrations()`, or `migrationsRun: true` in ' +
        'the DataSource options).',
      { cause },
    );
  }
}
