/**
 * Runs the evaluation scenarios of an extracted open-feature/flagd-testbed checkout against our
 * engine (default) or against @openfeature/flagd-core (`--engine flagd-core`, a sanity check of
 * this runner).
 *
 *   npm run testbed -- /path/to/flagd-testbed [--engine ours|flagd-core] [--verbose]
 *
 * Nothing from the testbed is committed to this repository; it is read from the given directory.
 * The last line printed is exactly `N passed, M failed`; the exit code is 1 if anything failed
 * or if no scenario ran.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_NAMES, createEngine, type EngineName, type TestbedEngine } from './engines';
import { loadFeatureFile, type TestbedScenario } from './feature-loader';
import { FlagSources } from './flag-sources';
import { StepFailure, runStep, show, type ScenarioState } from './steps';

/** Scenarios (or Examples) carrying one of these tags, anywhere up the tree, are not run. */
const SKIPPED_TAGS = ['@fractional-v1', '@fractional-v3', '@deprecated'];

/** The provider features that exercise flag evaluation (the others test connections, events...). */
const PROVIDER_FEATURES = ['evaluation', 'targeting', 'disabled', 'metadata', 'selector'];

interface Options {
  testbedDir: string;
  engine: EngineName;
  verbose: boolean;
}

interface Failure {
  scenario: TestbedScenario;
  message: string;
  step?: string;
}

function parseArgs(argv: string[]): Options {
  const usage = 'usage: run-testbed <testbed-dir> [--engine ours|flagd-core] [--verbose]';
  let testbedDir: string | undefined;
  let engine: EngineName = 'ours';
  let verbose = false;
  // `--engine=x` is the same as `--engine x`
  const args = argv.flatMap((arg) =>
    arg.startsWith('--engine=') ? ['--engine', arg.slice(9)] : arg,
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--engine') {
      const name = args[++i];
      if (!ENGINE_NAMES.includes(name as EngineName)) throw new Error(usage);
      engine = name as EngineName;
    } else if (arg === '--verbose' || arg === '-v') {
      verbose = true;
    } else if (!arg.startsWith('-') && testbedDir === undefined) {
      testbedDir = arg;
    } else {
      throw new Error(usage);
    }
  }
  if (!testbedDir) throw new Error(usage);
  return { testbedDir, engine, verbose };
}

/** Every scenario to run, in file order: evaluator features first, then provider features. */
function collectScenarios(testbedDir: string): { scenarios: TestbedScenario[]; skipped: number } {
  const evaluatorDir = join(testbedDir, 'evaluator/gherkin');
  const files = [
    ...readdirSync(evaluatorDir)
      .filter((file) => file.endsWith('.feature'))
      .sort()
      .map((file) => `evaluator/gherkin/${file}`),
    ...PROVIDER_FEATURES.map((name) => `gherkin/${name}.feature`),
  ];
  const all = files.flatMap((file) => {
    const path = join(testbedDir, file);
    if (!existsSync(path)) throw new Error(`missing feature file ${path}`);
    return loadFeatureFile(path, file);
  });
  const scenarios = all.filter((s) => !s.tags.some((tag) => SKIPPED_TAGS.includes(tag)));
  return { scenarios, skipped: all.length - scenarios.length };
}

function runScenario(
  scenario: TestbedScenario,
  engine: TestbedEngine,
  sources: FlagSources,
): { failures: Failure[]; state: ScenarioState } {
  const state: ScenarioState = { engine, sources, options: {} };
  const failures: Failure[] = [];
  for (const step of scenario.steps) {
    const stepText = `${step.keyword}${step.text}`;
    try {
      runStep(state, step.text, step.table);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ scenario, step: stepText, message });
      // A failed expectation doesn't stop the scenario (later checks are still informative);
      // anything else (undefined step, set-up error, engine throwing) does.
      if (!(error instanceof StepFailure)) break;
    }
  }
  return { failures, state };
}

function describeFailure({ scenario, step, message }: Failure, result?: string): string {
  const lines = [
    `FAIL ${scenario.file} › ${scenario.feature} › ${scenario.scenario}`,
    scenario.example
      ? `  example: ${Object.entries(scenario.example)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}`
      : undefined,
    step ? `  step:    ${step}` : undefined,
    `  ${message}`,
    result,
  ];
  return lines.filter((line) => line !== undefined).join('\n');
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  const engine = createEngine(options.engine);
  const sources = new FlagSources(options.testbedDir);
  const { scenarios, skipped } = collectScenarios(options.testbedDir);

  console.log(
    `flagd-testbed at ${options.testbedDir}, engine ${engine.name}: ` +
      `${scenarios.length} scenarios (${skipped} skipped by tag: ${SKIPPED_TAGS.join(' ')})`,
  );

  let passed = 0;
  let failed = 0;
  for (const scenario of scenarios) {
    const { failures, state } = runScenario(scenario, engine, sources);
    if (failures.length === 0) {
      passed++;
      if (options.verbose) console.log(`ok   ${scenario.file} › ${scenario.scenario}`);
      continue;
    }
    failed++;
    const result = state.result ? `  result:  ${show(state.result)}` : undefined;
    console.log(
      failures.map((f, i) => describeFailure(f, i === 0 ? result : undefined)).join('\n'),
    );
  }

  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.log('0 passed, 0 failed');
  process.exitCode = 1;
}
