/** The databases `nest add` sets up, with the driver each needs. */
export type Database = 'sqlite' | 'postgres' | 'mysql';

/** Packages the application needs, by database: the versions this package is tested with. */
export function dependenciesFor(database: Database): Record<string, string> {
  const driver: Record<Database, [string, string]> = {
    sqlite: ['better-sqlite3', '^12.0.0'],
    postgres: ['pg', '^8.11.0'],
    mysql: ['mysql2', '^3.9.0'],
  };
  const [name, version] = driver[database];
  return { '@nestjs/typeorm': '^12.0.0', typeorm: '^1.0.0', [name]: version };
}

/** The TypeORM connection options of `data-source.ts`, by database. */
function connection(database: Database, name: string): string {
  switch (database) {
    case 'sqlite':
      return `type: 'better-sqlite3',\n  database: process.env.DATABASE_FILE ?? '${name}.sqlite',`;
    case 'postgres':
      return `type: 'postgres',\n  url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/${name}',`;
    case 'mysql':
      return `type: 'mysql',\n  url: process.env.DATABASE_URL ?? 'mysql://root@localhost:3306/${name}',`;
  }
}

/**
 * `data-source.ts`: one place for the database options, read by the application module and, as
 * compiled JavaScript, by the TypeORM CLI (an application of ES modules has no ts-node to run it).
 */
export function dataSourceFile(database: Database, name: string): string {
  return `import { FLAG_ENTITIES, FLAG_MIGRATIONS } from 'nestjs-hybrid-flags';
import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * The database, for the application (app.module.ts) and for the TypeORM CLI:
 * \`npm run migration:run\` runs the compiled file, dist/data-source.js.
 */
export const dataSourceOptions: DataSourceOptions = {
  ${connection(database, name)}
  entities: [...FLAG_ENTITIES],
  migrations: [...FLAG_MIGRATIONS],
};

export default new DataSource(dataSourceOptions);
`;
}

/** `feature-flags.ts`: the configured module, in a constant that tests can override. */
export function featureFlagsFile(audience: string): string {
  return `import { readFileSync } from 'node:fs';
import { FlagsModule } from 'nestjs-hybrid-flags';

/**
 * Feature flags: defined in flags.json, stored in the application's database, changed by
 * \`npm run flags:push\` through the signed webhook under /_flags. In a test, replace it:
 *   Test.createTestingModule({ imports: [AppModule] })
 *     .overrideModule(flagsModule)
 *     .useModule(FlagsTestingModule.forRoot({ flags: { 'welcome-banner': true } }))
 * (FlagsTestingModule from 'nestjs-hybrid-flags/testing').
 */
export const flagsModule = FlagsModule.forRoot({
  // Written to the flag tables on the first start, while they are empty: after that, push.
  seed: 'flags.json',
  webhook: {
    audience: '${audience}',
    // The public half only: keys/hybrid-flags-private.pem signs pushes and stays out of git.
    keys: [{ publicKey: readFileSync('keys/hybrid-flags-public.pem', 'utf8') }],
  },
});
`;
}

/** `flags.json`: one flag to start from, in the flagd format. */
export const FLAGS_FILE = `{
  "flags": {
    "welcome-banner": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "metadata": { "type": "release", "description": "A sample flag: change it, then npm run flags:push" }
    }
  }
}
`;

/** The scripts that push, check and validate the flag file, as the README shows them. */
export function flagScripts(audience: string): Record<string, string> {
  const url = 'http://localhost:${PORT:-3000}/_flags';
  const key = 'keys/hybrid-flags-private.pem';
  return {
    'flags:push': `hybrid-flags push flags.json --url ${url} --key ${key} --aud ${audience} --sub "\${USER:-developer}"`,
    'flags:state': `hybrid-flags state --expect flags.json --url ${url} --key ${key} --aud ${audience}`,
    'flags:validate': 'hybrid-flags validate flags.json',
    'migration:run': 'nest build && typeorm migration:run -d dist/data-source.js',
  };
}
