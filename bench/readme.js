'use strict';
// Rewrites the results block of bench/README.md (between the markers) from a results object,
// formatted with the repository's Prettier settings so `prettier --check` stays clean.

const fs = require('fs');
const path = require('path');
const { markdown } = require('./report');

const README = path.join(__dirname, 'README.md');

/** Replaces the block between `<!-- name:start -->` and `<!-- name:end -->` with `text`. */
async function writeBlock(name, text) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const doc = fs.readFileSync(README, 'utf8');
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${README} has no ${start} ... ${end} block`);
  let next = `${doc.slice(0, a + start.length)}\n\n${text}\n\n${doc.slice(b)}`;
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(README)) || {};
  next = await prettier.format(next, { ...options, filepath: README });
  fs.writeFileSync(README, next);
}

async function writeReadme(results) {
  await writeBlock('bench:results', markdown(results));
}

module.exports = { writeBlock, writeReadme };
