'use strict';
// What the results were measured with: Node, machine, and the exact installed package versions.

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

function installedVersion(name) {
  try {
    const file = path.join(ROOT, 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function gitRevision() {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lib'], { cwd: ROOT })
      .toString()
      .trim();
    return dirty ? `commit ${rev} + uncommitted lib/ changes` : `commit ${rev}`;
  } catch {
    return 'no commit yet';
  }
}

/** A short hash of the built engine's JavaScript, so results can be traced to a build. */
function buildHash(dir) {
  if (!fs.existsSync(dir)) return 'not built';
  const hash = crypto.createHash('sha256');
  const walk = (d) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.js')) hash.update(e.name).update(fs.readFileSync(f));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 12);
}

function describe(subjects) {
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const oursDist = process.env.BENCH_OURS_DIST
    ? path.dirname(process.env.BENCH_OURS_DIST)
    : path.join(ROOT, 'dist', 'lib');
  const packages = {
    [own.name]: `${own.version} (${gitRevision()}, build ${buildHash(oursDist)})`,
  };
  for (const s of subjects) for (const p of s.packages) packages[p] = installedVersion(p);
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    packages,
  };
}

module.exports = { describe, installedVersion };
