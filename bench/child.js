'use strict';
// One child process = one subject doing one job: timing one scenario ("eval") or the load and
// memory measurement ("memory"). Started by run.js with --expose-gc; reports through IPC.

const guard = require('./no-network');
guard.install();

const { loadSubject } = require('./subjects');
const { SCENARIOS, makeUsers } = require('./workload');
const { check } = require('./sanity');
const { timeScenario, expectedSink } = require('./measure');
const { measureMemory } = require('./memory');

async function evalJob(subject, job) {
  const scenario = SCENARIOS[job.scenario];
  const users = makeUsers();
  const ctxs = users.map(subject.format.context); // prebuilt, reused for every call
  const json = JSON.stringify(subject.format.scenarios());
  const src = subject.prepare ? subject.prepare(json) : json;
  let handle = subject.load(src);
  if (handle && typeof handle.then === 'function') handle = await handle;
  const fn = subject.evaluators(handle)[job.scenario];

  const values = new Array(ctxs.length);
  for (let i = 0; i < ctxs.length; i++) values[i] = subject.async ? await fn(ctxs[i]) : fn(ctxs[i]);
  const sanity = check(job.scenario, users, values);

  const timing = await timeScenario({
    fn,
    ctxs,
    type: scenario.type,
    isAsync: subject.async,
    perPass: expectedSink(scenario.type, values),
    rounds: job.rounds,
    roundMs: job.roundMs,
    warmupMs: job.warmupMs,
  });
  subject.dispose(handle);
  return { sanity, timing };
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  const subject = loadSubject(job.subject);
  const result =
    job.mode === 'memory' ? await measureMemory(subject, job) : await evalJob(subject, job);
  if (guard.attempts.length) {
    throw new Error(`subject tried to use the network: ${guard.attempts.join('; ')}`);
  }
  process.send({ ok: true, result }, () => process.exit(0));
}

function fail(err) {
  const message = err && err.stack ? err.stack : String(err);
  const network = guard.attempts.length ? ` (network attempts: ${guard.attempts.join('; ')})` : '';
  process.send({ ok: false, error: message + network }, () => process.exit(1));
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main().catch(fail);
