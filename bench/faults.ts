/*
 * What each fault of the database costs, measured with the fault tests' harness (an in-process
 * TCP proxy between the application and PostgreSQL or MariaDB), with the default bounds of a
 * production app scaled down as the tests run them (store.timeoutMs 1000, sync.pollIntervalMs
 * 100, sync.loadTimeoutMs 600): how long a delivery and a signed read take to be refused, how
 * soon health says degraded, how soon after the fault ends the instance serves a change made
 * meanwhile, and whether evaluations noticed (count, longest event-loop delay).
 *
 *   npm run bench:faults
 */
import 'reflect-metadata';
import { TypeOrmFlagStore } from '../lib';
import { type DatabaseTarget, mariadbTarget, postgresTarget } from '../test/store/database-targets';
import {
  BOUNDS,
  FLAGS,
  evaluationLoad,
  probePatch,
  startFaultyApp,
} from '../test/faults/fault-app';
import { FAULTS } from '../test/faults/fault-matrix.suite';
import { until } from '../test/support/until';
import { writeFlagSet } from '../test/support/write-flag-set';

async function measure(target: DatabaseTarget, port: number): Promise<string[]> {
  const database = await target.create();
  const rows: string[] = [];
  try {
    await database.dataSource.runMigrations();
    const direct = new TypeOrmFlagStore(database.dataSource);
    await writeFlagSet(direct, FLAGS);
    for (const [name, fault] of FAULTS) {
      const faulty = await startFaultyApp(database, port);
      try {
        await until(() => faulty.health().status === 'up', 5000);
        const load = evaluationLoad(faulty.flags);
        const revision = (await direct.state()).revision;
        faulty.proxy.set(fault);
        const degrading = until(() => faulty.health().status === 'degraded', 10_000, 5);
        const delivery = await faulty.deliver(probePatch(revision + 1, 1));
        const read = await faulty.read('definitions');
        const degraded = await degrading;
        const moved = await writeFlagSet(direct, FLAGS);
        faulty.proxy.restore();
        const restored = performance.now();
        await until(
          () => faulty.health().status === 'up' && faulty.flags.revision === moved,
          30_000,
        );
        const recovered = performance.now() - restored;
        const { evaluations, failures, maxDelayMs } = load.stop();
        const ms = (value: number) => `${Math.round(value)} ms`;
        rows.push(
          `| ${target.name} | ${name} | ${delivery.status} in ${ms(delivery.ms)} | ${read.status} in ${ms(read.ms)} | ${ms(degraded)} | ${ms(recovered)} | ${evaluations.toLocaleString('en-US')}, ${failures.length} failed, longest loop delay ${ms(maxDelayMs)} |`,
        );
      } finally {
        await faulty.close();
      }
    }
  } finally {
    await database.drop();
  }
  return rows;
}

async function main(): Promise<void> {
  const rows = [
    ...(await measure(postgresTarget(), 5432)),
    ...(await measure(mariadbTarget(), 3306)),
  ];
  console.log(
    `\nstore.timeoutMs ${BOUNDS.timeoutMs}, sync.pollIntervalMs ${BOUNDS.pollIntervalMs}, sync.loadTimeoutMs ${BOUNDS.loadTimeoutMs}\n`,
  );
  console.log(
    '| database | fault | delivery | signed read | health degraded after | serving a change made meanwhile, after the fault ends | evaluations meanwhile |',
  );
  console.log('| --- | --- | --- | --- | ---: | ---: | --- |');
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
