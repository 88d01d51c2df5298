#!/usr/bin/env bash
# Installs the packed tarball into a fresh application of "type": "module", compiled the way
# `nest new` compiles today (module/moduleResolution nodenext), and boots it with node. This is
# the path no unit test takes: Node's ESM loader reading our CommonJS build (named exports found
# by cjs-module-lexer), our CommonJS requiring NestJS 12's ESM-only packages (require(esm)), the
# subpath exports, the bin as npm links it, and what the tarball leaves out.
#
#   test/package/esm-smoke.sh <tarball>               install, compile and run in a temporary dir
#   test/package/esm-smoke.sh install <tarball> <dir> install and compile into <dir>
#   test/package/esm-smoke.sh run <dir>               run an installed app with the current node
#
# `install` once then `run` under each Node version saves an install per version.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() {
  echo "esm-smoke: $*" >&2
  exit 1
}

# The peers at the versions this repository's lock file tested, so the app differs from the
# repository's own tests only in how it loads the package.
locked() {
  node -e '
    const lock = require(process.argv[1]);
    const entry = lock.packages["node_modules/" + process.argv[2]];
    if (!entry) { console.error("not in package-lock.json: " + process.argv[2]); process.exit(1); }
    process.stdout.write(process.argv[2] + "@" + entry.version);
  ' "$root/package-lock.json" "$1"
}

# The app's files are written from here, not kept as files under test/: the repository's
# tsconfig.json compiles test/ as CommonJS, where this ESM code (import.meta, top-level await)
# does not typecheck.
write_app() {
  local dir=$1
  cat >"$dir/package.json" <<'JSON'
{ "name": "esm-smoke-app", "private": true, "type": "module" }
JSON
  # What `nest new` generates today, with strict on and the library's declarations checked too.
  cat >"$dir/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "ES2023",
    "strict": true,
    "experimentalDecorators": true,
    "emitDecoratorMetadata": true,
    "skipLibCheck": false,
    "outDir": "dist",
    "rootDir": "src",
    "types": ["node"]
  },
  "include": ["src"]
}
JSON
  cat >"$dir/flags.json" <<'JSON'
{
  "flags": {
    "new-checkout": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "if": [{ "==": [{ "var": "plan" }, "premium"] }, "on", "off"] },
      "metadata": { "owner": "ci", "type": "release", "description": "ESM smoke test" }
    }
  }
}
JSON
  cat >"$dir/src/main.ts" <<'TS'
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
// Named imports of a CommonJS package: Node finds them only if cjs-module-lexer can.
import { FlagService, FlagsModule, InMemoryFlagStore } from 'nestjs-hybrid-flags';
import { FlagsTestingModule } from 'nestjs-hybrid-flags/testing';

const seed = fileURLToPath(new URL('../flags.json', import.meta.url));

@Module({ imports: [FlagsModule.forRoot({ store: new InMemoryFlagStore(), seed })] })
class AppModule {}

@Module({ imports: [FlagsTestingModule.forRoot({ flags: { 'new-checkout': true } })] })
class TestingAppModule {}

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
const flags = app.get(FlagService);
assert.equal(flags.isEnabled('new-checkout', { targetingKey: 'ada', plan: 'premium' }), true);
assert.equal(flags.isEnabled('new-checkout', { targetingKey: 'bob', plan: 'free' }), false);
assert.equal(flags.evaluate('new-checkout', { plan: 'premium' }).variant, 'on');
await app.close();

const testing = await NestFactory.createApplicationContext(TestingAppModule, { logger: false });
assert.equal(testing.get(FlagService).isEnabled('new-checkout'), true);
await testing.close();

console.log('esm-smoke: FlagsModule served new-checkout from the seed; FlagsTestingModule too');
TS
}

install_app() {
  local tarball dir
  tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  dir=$2
  [ -f "$tarball" ] || fail "no tarball at $1"
  mkdir -p "$dir/src"
  write_app "$dir"
  local peers=() name
  # The optional peers (event-emitter, OpenFeature, prom-client) stay out on purpose: the main
  # entry and the testing entry must load without them.
  for name in @nestjs/common @nestjs/core @nestjs/platform-express @nestjs/typeorm \
    reflect-metadata rxjs typeorm typescript @types/node; do
    peers+=("$(locked "$name")")
  done
  echo "esm-smoke: installing $(basename "$tarball") with ${peers[*]}"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$tarball" "${peers[@]}")
  echo "esm-smoke: compiling (tsc, module nodenext)"
  (cd "$dir" && ./node_modules/.bin/tsc -p tsconfig.json) || fail "the app did not compile"
}

run_app() {
  local dir=$1 out
  [ -f "$dir/dist/main.js" ] || fail "no compiled app in $dir (run install first)"
  echo "esm-smoke: node $(node --version) runs the app"
  (cd "$dir" && node dist/main.js) || fail "the app failed on node $(node --version)"

  # The bin as npm linked it: the shebang, its requires resolved from the installed package.
  out=$(cd "$dir" && npx --no-install hybrid-flags --help) ||
    fail "hybrid-flags --help failed on node $(node --version)"
  grep -q '^Usage: hybrid-flags' <<<"$out" || fail "hybrid-flags --help printed no usage: $out"
  out=$(cd "$dir" && npx --no-install hybrid-flags validate flags.json) ||
    fail "hybrid-flags validate refused flags.json on node $(node --version): $out"
  echo "esm-smoke: $out"
}

case "${1:-}" in
  install)
    [ $# = 3 ] || fail "usage: $0 install <tarball> <dir>"
    install_app "$2" "$3"
    ;;
  run)
    [ $# = 2 ] || fail "usage: $0 run <dir>"
    run_app "$2"
    ;;
  -h | --help)
    sed -n '2,12p' "$0"
    ;;
  *)
    [ $# = 1 ] || fail "usage: $0 <tarball> (or install <tarball> <dir>, or run <dir>)"
    app=$(mktemp -d)
    trap 'rm -rf "$app"' EXIT
    install_app "$1" "$app"
    run_app "$app"
    ;;
esac
