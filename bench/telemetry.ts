/*
 * Telemetry benchmark: what the `telemetry` option (on by default where @opentelemetry/api is
 * installed) costs `FlagService`, as evaluations per second with it on over the same with
 * `telemetry: false`, in four phases:
 *
 * - noop: the API installed, no SDK registered (no tracer, no context manager): the tracer stays
 *   inactive and evaluations never call it.
 * - span: a context manager registered and every evaluation inside an active span that is not
 *   recording, outside any request (background work): each evaluation looks the span up, finds
 *   it and stops there.
 * - request: the same span, and the evaluations made in a request's handler behind the module's
 *   interceptor (what an application's evaluations are): the span is looked up once, when the
 *   interceptor sets the request up, and the evaluations use what it found. An anonymous request
 *   (empty context) and each evaluation given its user's context, merged over it.
 * - request-ambient: the same, a signed-in user's request, and evaluations given no context: they
 *   use the request's (`{ targetingKey }`), as `@FlagValue()` and `requestContext` users do.
 *
 *   npm run bench:telemetry [-- --processes 2] [--rounds 10] [--round-ms 200] [--warmup-ms 500]
 *
 * Each process (bench/telemetry/child.ts) runs both sides and measures them in alternation,
 * round after round, as bench:usage does. The ratio per phase and scenario is the median, over
 * every round of every process, of the round's on / off ratio. Results go to
 * bench/results/telemetry.json (not committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OnOffRounds,
  SCENARIO_TITLES,
  type SideSpeeds,
  millions,
  option,
  runChild,
  runDescription,
} from './on-off';

const TARGET_RATIO = 0.97;
const PHASES = {
  noop: 'API installed, no SDK',
  span: 'non-recording span, outside a request',
  request: 'non-recording span, inside a request, context passed',
  'request-ambient': "non-recording span, inside a request, the request's context",
} as const;

type Phase = keyof typeof PHASES;

function main(): void {
  const processes = option('processes', 2);
  const rounds = option('rounds', 10);
  const roundMs = option('round-ms', 200);
  const warmupMs = option('warmup-ms', 500);
  const rows = [];
  const raw: Record<string, OnOffRounds> = {};
  for (const phase of Object.keys(PHASES) as Phase[]) {
    const measured = new OnOffRounds();
    for (let run = 0; run < processes; run++) {
      process.stdout.write(`${phase}: process ${run + 1}/${processes}...\n`);
      const args = [phase, rounds, roundMs, warmupMs];
      measured.add(runChild<{ results: SideSpeeds }>('telemetry/child.ts', args).results);
    }
    raw[phase] = measured;
    for (const id of Object.keys(SCENARIO_TITLES)) rows.push({ phase, ...measured.row(id) });
  }
  const text = [
    `${runDescription(processes, rounds, roundMs)} per side, phase and scenario. ` +
      `Target: telemetry on keeps ≥ ${TARGET_RATIO * 100}% of the throughput.`,
    '',
    '| Phase | Scenario | telemetry: false | telemetry on | on / off (median) | per-round range | ns added per evaluation |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${PHASES[row.phase]} | ${row.id}: ${SCENARIO_TITLES[row.id]} | ${millions(row.off)} | ` +
        `${millions(row.on)} | **${row.ratio.toFixed(3)}** | ` +
        `${row.low.toFixed(3)}–${row.high.toFixed(3)} | ${(1e9 / row.on - 1e9 / row.off).toFixed(1)} |`,
    ),
  ].join('\n');
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'telemetry.json'),
    `${JSON.stringify({ processes, rounds, roundMs, warmupMs, raw, rows }, null, 2)}\n`,
  );
  process.stdout.write(`\n${text}\n`);
  const missed = rows.filter((row) => row.ratio < TARGET_RATIO);
  if (missed.length > 0) {
    process.stdout.write(
      `\nTarget missed on ${missed.map((row) => `${row.phase} ${row.id}`).join(', ')}.\n`,
    );
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
