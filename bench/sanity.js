'use strict';
// Checks, once per subject and scenario over all users, that the results mean what the scenario
// says. A misconfigured subject fails here instead of looking fast.

const { reference } = require('./workload');

const C_SHARE = [0.085, 0.115]; // 10% of 10,000 users: sigma is 0.3 points
const D_SHARE = [0.3, 0.37]; // of ~7,500 non-internal users: sigma is ~0.55 points

function fail(id, msg) {
  throw new Error(`sanity check failed for scenario ${id}: ${msg}`);
}

/** FNV-1a over the result sequence, to compare bucketing between subjects. */
function digest(values) {
  let h = 0x811c9dc5;
  for (const v of values) {
    const s = String(v);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h = Math.imul(h ^ 0x2c, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function checkExact(id, users, values) {
  const expected = reference[id];
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < users.length; i++) {
    if (values[i] !== expected(users[i])) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  if (mismatches) {
    fail(
      id,
      `${mismatches} users disagree with the plain-JS rule, e.g. ${JSON.stringify(users[first])} -> ${values[first]}`,
    );
  }
}

function share(values, wanted) {
  let n = 0;
  for (const v of values) if (v === wanted) n++;
  return values.length ? n / values.length : 0;
}

/** Returns a summary of the results; throws when they are not what the scenario means. */
function check(id, users, values) {
  for (const v of values) {
    const ok = id === 'D' ? v === 'a' || v === 'b' || v === 'c' : typeof v === 'boolean';
    if (!ok) fail(id, `unexpected result ${JSON.stringify(v)}`);
  }
  const summary = { digest: digest(values) };
  if (id === 'A' || id === 'B') {
    checkExact(id, users, values);
    summary.trueShare = share(values, true);
  } else if (id === 'C') {
    summary.trueShare = share(values, true);
    if (summary.trueShare < C_SHARE[0] || summary.trueShare > C_SHARE[1]) {
      fail(id, `share of true is ${(summary.trueShare * 100).toFixed(2)}%, expected about 10%`);
    }
  } else if (id === 'D') {
    const rest = [];
    for (let i = 0; i < users.length; i++) {
      if (users[i].plan === 'internal') {
        if (values[i] !== 'b') fail(id, `internal user got ${values[i]}, expected b`);
      } else rest.push(values[i]);
    }
    summary.shares = {};
    for (const v of ['a', 'b', 'c']) {
      const s = share(rest, v);
      summary.shares[v] = s;
      if (s < D_SHARE[0] || s > D_SHARE[1]) {
        fail(
          id,
          `variant ${v} got ${(s * 100).toFixed(2)}% of non-internal users, expected 33-34%`,
        );
      }
    }
  }
  return summary;
}

module.exports = { check, digest };
