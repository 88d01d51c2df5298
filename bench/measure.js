'use strict';
// Evaluation timing for one subject and one scenario: warm up, calibrate a round to ~roundMs,
// then time `rounds` rounds with process.hrtime.bigint(); every result feeds a checked sink.
// Each child process times exactly one scenario, so these loops only ever see one function.

const { median, settle } = require('./stats');

// One pass = every prebuilt context once. Booleans count `true`; strings sum their first char.
function passBoolean(fn, ctxs) {
  let acc = 0;
  for (let i = 0; i < ctxs.length; i++) if (fn(ctxs[i]) === true) acc++;
  return acc;
}

function passString(fn, ctxs) {
  let acc = 0;
  for (let i = 0; i < ctxs.length; i++) acc += fn(ctxs[i]).charCodeAt(0);
  return acc;
}

async function passBooleanAsync(fn, ctxs) {
  let acc = 0;
  for (let i = 0; i < ctxs.length; i++) if ((await fn(ctxs[i])) === true) acc++;
  return acc;
}

async function passStringAsync(fn, ctxs) {
  let acc = 0;
  for (let i = 0; i < ctxs.length; i++) acc += (await fn(ctxs[i])).charCodeAt(0);
  return acc;
}

function pickPass(type, isAsync) {
  if (type === 'string') return isAsync ? passStringAsync : passString;
  return isAsync ? passBooleanAsync : passBoolean;
}

/** The sink value one pass must produce, from the per-user results of the sanity pass. */
function expectedSink(type, values) {
  let acc = 0;
  for (const v of values) acc += type === 'string' ? String(v).charCodeAt(0) : v === true ? 1 : 0;
  return acc;
}

/**
 * @returns {{ nsPerOp: number, roundsNsPerOp: number[], passesPerRound: number, warmupPasses: number }}
 */
async function timeScenario({ fn, ctxs, type, isAsync, perPass, rounds, roundMs, warmupMs }) {
  const pass = pickPass(type, isAsync);
  let sink = 0;
  let expected = 0;

  // Warm-up: at least warmupMs of work in chunks of ~100 ms, each after a full gc() like the
  // timed rounds (collections can deoptimise code that embeds dead maps; the timed rounds should
  // see the state after that), remembering how long recent passes took.
  const passNs = [];
  const warmStart = process.hrtime.bigint();
  let warmupPasses = 0;
  let chunkStart = -Infinity;
  while (warmupPasses < 3 || Number(process.hrtime.bigint() - warmStart) < warmupMs * 1e6) {
    if (Number(process.hrtime.bigint() - warmStart) - chunkStart >= 100e6) {
      global.gc();
      await settle();
      chunkStart = Number(process.hrtime.bigint() - warmStart);
    }
    const t0 = process.hrtime.bigint();
    sink += await pass(fn, ctxs);
    passNs.push(Number(process.hrtime.bigint() - t0));
    expected += perPass;
    warmupPasses++;
  }
  const recent = median(passNs.slice(-3));
  const passesPerRound = Math.max(1, Math.round((roundMs * 1e6) / recent));

  const roundsNsPerOp = [];
  for (let r = 0; r < rounds; r++) {
    global.gc();
    await settle();
    let acc = 0;
    const t0 = process.hrtime.bigint();
    if (isAsync) {
      for (let p = 0; p < passesPerRound; p++) acc += await pass(fn, ctxs);
    } else {
      for (let p = 0; p < passesPerRound; p++) acc += pass(fn, ctxs);
    }
    const elapsed = Number(process.hrtime.bigint() - t0);
    sink += acc;
    expected += perPass * passesPerRound;
    roundsNsPerOp.push(elapsed / (passesPerRound * ctxs.length));
  }

  if (sink !== expected) {
    throw new Error(`result sink ${sink} != expected ${expected}: results changed between passes`);
  }
  return {
    nsPerOp: median(roundsNsPerOp),
    roundsNsPerOp,
    passesPerRound,
    warmupPasses,
    sink,
  };
}

module.exports = { timeScenario, expectedSink };
