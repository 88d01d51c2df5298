'use strict';
// Small numeric helpers shared by the timing and memory code.

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function settle() {
  await new Promise((resolve) => setImmediate(resolve));
}

/** Full collections until the heap stops shrinking (weak callbacks and finalizers need a turn). */
async function gcFully() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    global.gc();
    await settle();
    const used = process.memoryUsage().heapUsed;
    if (i >= 3 && used >= last) break;
    last = used;
  }
}

module.exports = { median, settle, gcFully };
