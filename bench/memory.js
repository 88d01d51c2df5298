'use strict';
// Load time and retained heap for 10,000 distinct type-B flags, for one subject.
//  load:     one cold load (the first in the process; the first evaluation of every flag after it
//            is timed apart), then the median of `loads` timed loads from the JSON string (or from
//            what the subject's untimed `input` step makes of it: the rows a store returns).
//  retained: gc, heapUsed, load (reference kept), gc, heapUsed -> bytes per flag; then every flag
//            is evaluated once (lazy compilation may grow the heap) and measured again. Done on
//            HEAP_SAMPLES fresh loads; the medians are reported.
// Every flag's result is checked against the plain-JS rule after each load that is measured.

const { makeUsers, makeBulkSpecs, bulkReference } = require('./workload');
const { median, gcFully } = require('./stats');

const HEAP_SAMPLES = 3;

async function loadTimed(subject, src) {
  // Untimed: what the load starts from when it is not the source text itself (the rows a store
  // returns, made anew for every load so that what the flag set keeps of them counts as its own).
  const input = subject.input ? subject.input(src) : src;
  const t0 = process.hrtime.bigint();
  let handle = subject.load(input);
  if (handle && typeof handle.then === 'function') handle = await handle;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { handle, ms };
}

/** Evaluates flag i for user i, for every flag; throws on any disagreement with the rule. */
async function evaluateAll(subject, handle, specs, users, ctxs) {
  const { bulk } = subject.evaluators(handle);
  let mismatches = 0;
  let trues = 0;
  for (let i = 0; i < specs.length; i++) {
    let v = bulk(specs[i].key, ctxs[i % ctxs.length]);
    if (subject.async) v = await v;
    if (v === true) trues++;
    if (v !== bulkReference(specs[i], users[i % users.length])) mismatches++;
  }
  if (mismatches || trues === 0) {
    throw new Error(`bulk flags evaluated wrongly: ${mismatches} mismatches, ${trues} true`);
  }
  return trues;
}

// Each step runs in its own async function and returns only numbers: a suspended async frame
// can keep stale registers alive, which would leave a previous load's flag set on the heap.

async function coldLoad(subject, src, bulk) {
  const { handle, ms } = await loadTimed(subject, src);
  const t0 = process.hrtime.bigint();
  await evaluateAll(subject, handle, ...bulk);
  const evaluateMs = Number(process.hrtime.bigint() - t0) / 1e6;
  subject.dispose(handle);
  return { ms, evaluateMs };
}

async function timedLoad(subject, src) {
  await gcFully();
  const { handle, ms } = await loadTimed(subject, src);
  subject.dispose(handle);
  return ms;
}

async function heapSample(subject, src, bulk) {
  await gcFully();
  const before = process.memoryUsage().heapUsed;
  const { handle } = await loadTimed(subject, src);
  await gcFully();
  const afterLoad = process.memoryUsage().heapUsed;
  const trues = await evaluateAll(subject, handle, ...bulk);
  await gcFully();
  const afterEval = process.memoryUsage().heapUsed;
  subject.dispose(handle); // used after the last measurement, so it was live for all of them
  return { afterLoad: afterLoad - before, afterEval: afterEval - before, trues };
}

async function measureMemory(subject, { loads }) {
  const specs = makeBulkSpecs();
  const users = makeUsers();
  const bulk = [specs, users, users.map(subject.format.context)];
  const json = JSON.stringify(subject.format.bulk(specs));
  const src = subject.prepare ? subject.prepare(json) : json;

  // The first load in this process, then the first evaluation of every flag (where an engine
  // that loads lazily does what it deferred), which also warms the evaluation code.
  const cold = await coldLoad(subject, src, bulk);

  const loadMs = [];
  for (let i = 0; i < loads; i++) loadMs.push(await timedLoad(subject, src));

  const samples = [];
  for (let i = 0; i < HEAP_SAMPLES; i++) samples.push(await heapSample(subject, src, bulk));
  const perFlag = samples.map((x) => x.afterLoad / specs.length);
  const perFlagEvaluated = samples.map((x) => x.afterEval / specs.length);

  return {
    flags: specs.length,
    // What the subject parses: the prepared document when it is one (store rows), else the JSON.
    jsonBytes: Buffer.byteLength(subject.preparesDocument ? src : json),
    coldLoadMs: cold.ms,
    coldEvaluateMs: cold.evaluateMs,
    loadMs: median(loadMs),
    loadRunsMs: loadMs,
    bytesPerFlag: median(perFlag),
    bytesPerFlagAfterEval: median(perFlagEvaluated),
    bytesPerFlagSamples: perFlag,
    bytesPerFlagAfterEvalSamples: perFlagEvaluated,
    bulkTrueCount: samples[0].trues,
  };
}

module.exports = { measureMemory };
