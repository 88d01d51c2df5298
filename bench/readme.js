'use strict';
// Rewrites the results block of bench/README.md (between the markers) from a results object,
// formatted with the repository's Prettier settings so `prettier --check` stays clean.

const fs = require('fs');
const path = require('path');
const { markdown } = require('./report');

const README = path.join(__dirname, 'README.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

async function writeReadme(results) {
  const doc = fs.readFileSync(README, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${README} has no ${START} ... ${END} block`);
  let next = `${doc.slice(0, a + START.length)}\n\n${markdown(results)}\n\n${doc.slice(b)}`;
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(README)) || {};
  next = await prettier.format(next, { ...options, filepath: README });
  fs.writeFileSync(README, next);
}

module.exports = { writeReadme };
