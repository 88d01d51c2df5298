/*
 * The fleet benchmark's results as the console prints them and as bench/README.md shows them.
 */
import type { FleetResult, FleetSettings } from './measure-fleet';

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
/** One decimal, rounded the same way for a mean and a maximum (1.15 and 1.1500000001). */
const tenth = (value: number) => (Math.round(value * 10 + 1e-6) / 10).toFixed(1);
const perInstance = (value: { mean: number; max: number } | undefined) =>
  value === undefined
    ? 'n/a'
    : tenth(value.max) === tenth(value.mean)
      ? tenth(value.mean)
      : `${tenth(value.mean)} (max ${tenth(value.max)})`;

/** The results table, one row per setup and fleet size. */
export function resultsTable(results: FleetResult[]): string {
  const rows = results.map((r) =>
    [
      r.name,
      r.instances,
      r.idlePerInstance.toFixed(3),
      perInstance(r.databaseConnections),
      perInstance(r.redisConnections),
      r.perChangePerInstance.toFixed(2),
      ms(r.p50),
      ms(r.p99),
      ms(r.max),
    ].join(' | '),
  );
  return [
    '| setup | N | idle statements/s per instance | DB connections per instance | Redis connections per instance | statements per change per instance | p50 | p99 | max |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

const met = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The targets, met or missed, and anything that went wrong, one line each. */
export function targetLines(results: FleetResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const what = `${r.name}, ${r.instances} instances`;
    const parts = [
      `p99 ${ms(r.p99)} (target ≤ ${r.targetP99Ms} ms: ${met(r.p99 <= r.targetP99Ms)})`,
    ];
    if (r.targetIdle !== undefined) {
      parts.push(
        `idle ${r.idlePerInstance.toFixed(3)} statements/s per instance (target ≤ ${r.targetIdle}: ${met(r.idlePerInstance <= r.targetIdle)})`,
      );
    }
    if (r.connectionsOpenedPerMinute !== undefined) {
      parts.push(
        `${r.connectionsOpenedPerMinute.toFixed(2)} database connections opened per minute per idle instance`,
      );
    }
    if (r.notConverged > 0) {
      parts.push(`**${r.notConverged} of ${r.pairs} did not serve the change in time**`);
    }
    if (r.wrongFinalValue > 0) {
      parts.push(`**${r.wrongFinalValue} instances served another value at the end**`);
    }
    lines.push(`- ${what}: ${parts.join('; ')}.`);
  }
  return lines;
}

/**
 * Statements per delivery split between the instance that received it and each other instance,
 * per setup measured at two sizes or more: total(N) = receiver + (N - 1) × other, least squares.
 */
export function splitLines(results: FleetResult[]): string[] {
  const lines: string[] = [];
  for (const name of new Set(results.map((r) => r.name))) {
    const points = results
      .filter((r) => r.name === name)
      .map((r) => ({ x: r.instances - 1, y: r.perChangePerInstance * r.instances }));
    if (new Set(points.map((p) => p.x)).size < 2) continue;
    const mx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
    const my = points.reduce((sum, p) => sum + p.y, 0) / points.length;
    const other =
      points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0) /
      points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
    const receiver = my - other * mx;
    lines.push(
      `- ${name}: ${receiver.toFixed(1)} by the instance that received it, ${other.toFixed(2)} by each other instance.`,
    );
  }
  return lines;
}

/** The README block: on what, how, the table, the split per delivery and the targets. */
export function markdown(
  results: FleetResult[],
  settings: Omit<FleetSettings, 'deliveries'>,
  machine: string,
  minutes: number,
): string {
  const deliveries = [
    ...new Set(results.map((r) => `${r.deliveries} with ${r.instances} instances`)),
  ];
  const split = splitLines(results);
  return [
    `${machine} Idle window ${settings.idleSeconds} s; deliveries: ${deliveries.join(', ')}; revisions probed every ${settings.probeTickMs} ms; the whole run took ${minutes.toFixed(0)} minutes.`,
    '',
    resultsTable(results),
    ...(split.length > 0
      ? [
          '',
          'Statements (PostgreSQL: transactions) per delivery, fitted over the fleet sizes:',
          '',
          ...split,
        ]
      : []),
    '',
    'Targets:',
    '',
    ...targetLines(results),
  ].join('\n');
}
