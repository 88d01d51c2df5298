'use strict';
// The SDK-neutral workload: the same 10,000 users for every subject, the four scenarios with a
// plain-JavaScript reference of their semantics, and the specs of the 10,000 bulk flags.

const USER_COUNT = 10000;
const BULK_FLAG_COUNT = 10000;
const SEED = 0x5eed1234;

const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP'];
const PLANS = ['free', 'premium', 'internal', 'team'];

/** mulberry32: a small, fast, seeded 32-bit PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex32(rand) {
  return Math.floor(rand() * 4294967296)
    .toString(16)
    .padStart(8, '0');
}

/** A UUID-v4-shaped id drawn from the PRNG. */
function uuidLike(rand) {
  const h = hex32(rand) + hex32(rand) + hex32(rand) + hex32(rand);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The users, as plain SDK-neutral records: { id, country, plan }. */
function makeUsers(count = USER_COUNT, seed = SEED) {
  const rand = prng(seed);
  const users = new Array(count);
  for (let i = 0; i < count; i++) {
    users[i] = {
      id: uuidLike(rand),
      country: COUNTRIES[Math.floor(rand() * COUNTRIES.length)],
      plan: PLANS[Math.floor(rand() * PLANS.length)],
    };
  }
  return users;
}

/** Flag keys are the same in every SDK (flagd-style fractional bucketing hashes the key). */
const SCENARIOS = {
  A: { key: 'scenario-a', type: 'boolean', title: 'boolean flag on, no rules' },
  B: { key: 'scenario-b', type: 'boolean', title: 'country in [US, CA] and plan == premium' },
  C: { key: 'scenario-c', type: 'boolean', title: '10% rollout of a boolean' },
  D: { key: 'scenario-d', type: 'string', title: '3 variants 33/33/34 + plan == internal -> b' },
};

/** Exact expectations where the rule is deterministic without hashing. */
const reference = {
  A: () => true,
  B: (u) => (u.country === 'US' || u.country === 'CA') && u.plan === 'premium',
};

/**
 * The 10,000 distinct type-B flags: `country in countries and plan == plan`. Each country list
 * holds two real countries and one code unique to the flag, so no two rules are the same string.
 */
function makeBulkSpecs(count = BULK_FLAG_COUNT) {
  const specs = new Array(count);
  for (let i = 0; i < count; i++) {
    const c1 = COUNTRIES[i % 8];
    const c2 = COUNTRIES[(i + 1 + ((i >> 3) % 7)) % 8];
    specs[i] = {
      key: `bulk-${String(i).padStart(5, '0')}`,
      countries: [c1, c2, `X${i.toString(36).toUpperCase()}`],
      plan: PLANS[(i >> 1) % 4],
    };
  }
  return specs;
}

function bulkReference(spec, user) {
  return spec.countries.includes(user.country) && user.plan === spec.plan;
}

module.exports = {
  USER_COUNT,
  BULK_FLAG_COUNT,
  SEED,
  COUNTRIES,
  PLANS,
  SCENARIOS,
  reference,
  makeUsers,
  makeBulkSpecs,
  bulkReference,
};
