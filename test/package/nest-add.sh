#!/usr/bin/env bash
# What a new user does, with no hand edit in between: `nest new` (the real Nest CLI 12), the
# packed package, `nest add nestjs-hybrid-flags` (previewed with --dry-run first, then run twice:
# the second run must change nothing), the app's build and its generated unit and e2e tests,
# `npm run start` answering, then `flags:push` after an edit of flags.json and `flags:state`
# reporting no drift.
#
#   test/package/nest-add.sh <tarball> [dir]   dir: where to make the app (default: temporary)
set -euo pipefail

tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -f "$tarball" ] || {
  echo "nest-add: no tarball at $1" >&2
  exit 2
}
if [ $# -ge 2 ]; then
  work=$2
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
app="$work/demo"
port=${NEST_ADD_PORT:-39531}
app_pid=""

fail() {
  echo "nest-add: $*" >&2
  [ -n "$app_pid" ] && kill -- "-$app_pid" 2>/dev/null
  [ -f "$work/app.log" ] && tail -40 "$work/app.log" >&2
  exit 1
}
step() { printf '\n-- nest-add: %s\n' "$*"; }
# Every file of the app but what npm and the build make, with its checksum.
fingerprint() {
  (cd "$app" && find . -path ./node_modules -prune -o -path ./dist -prune -o -type f -print |
    grep -v -e '\.tsbuildinfo$' -e '\.sqlite$' | sort | xargs sha256sum)
}

step "nest new"
rm -rf "$app"
(cd "$work" && npx -y @nestjs/cli@12 new demo --package-manager npm --skip-git >"$work/new.log" 2>&1) ||
  { tail -30 "$work/new.log" >&2; fail "nest new failed"; }
cd "$app"

step "npm install the packed package"
npm install --no-audit --no-fund "$tarball" >/dev/null

step "nest add --dry-run (shows the changes, writes nothing)"
before=$(fingerprint)
dry=$(npx nest add nestjs-hybrid-flags --skip-install --dry-run 2>&1) || fail "nest add --dry-run failed: $dry"
grep -q 'CREATE src/feature-flags.ts' <<<"$(sed 's/\x1b\[[0-9;]*m//g' <<<"$dry")" ||
  fail "nest add --dry-run did not list src/feature-flags.ts: $dry"
[ "$(fingerprint)" = "$before" ] || fail "nest add --dry-run changed files"

step "nest add (installs TypeORM and better-sqlite3)"
npx nest add nestjs-hybrid-flags --skip-install || fail "nest add failed"
added=$(fingerprint)
for file in src/feature-flags.ts src/data-source.ts flags.json keys/hybrid-flags-public.pem \
  keys/hybrid-flags-private.pem; do
  [ -f "$file" ] || fail "nest add did not write $file"
done
grep -qx 'keys/\*-private.pem' .gitignore || fail ".gitignore does not ignore the private key"

step "nest add again (changes nothing)"
npx nest add nestjs-hybrid-flags --skip-install >/dev/null || fail "the second nest add failed"
[ "$(fingerprint)" = "$added" ] || fail "the second nest add changed: $(diff <(echo "$added") <(fingerprint))"

step "npm run build, the generated tests, and the README's override under Vitest"
# The override the README documents, as a user of the generated app would write it.
cat >test/flags.e2e-spec.ts <<'TS'
import { Test } from '@nestjs/testing';
import { FlagService } from 'nestjs-hybrid-flags';
import { FlagsTestingModule, TestingFlags } from 'nestjs-hybrid-flags/testing';
import { AppModule } from './../src/app.module.js';
import { flagsModule } from './../src/feature-flags.js';

describe('FlagsModule replaced in the app', () => {
  it('serves the test flags, changed by TestingFlags', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(flagsModule)
      .useModule(FlagsTestingModule.forRoot({ flags: { 'welcome-banner': true } }))
      .compile();
    const app = await moduleRef.createNestApplication().init();
    expect(app.get(FlagService).isEnabled('welcome-banner')).toBe(true);
    app.get(TestingFlags).set({ 'welcome-banner': false });
    expect(app.get(FlagService).isEnabled('welcome-banner')).toBe(false);
    await app.close();
  });
});
TS
npm run build || fail "npm run build failed"
npm test || fail "the app's unit tests failed"
npm run test:e2e || fail "the app's e2e tests (with the override) failed"
rm test/flags.e2e-spec.ts

step "npm run start"
# In a session of its own, so that stopping it stops what `nest start` spawned too.
PORT=$port setsid npm run start >"$work/app.log" 2>&1 &
app_pid=$!
answer=""
for _ in $(seq 1 90); do
  answer=$(curl -fsS "http://127.0.0.1:$port/" 2>/dev/null) && break
  sleep 1
done
[ "$answer" = 'Hello World!' ] || fail "npm run start did not answer GET / (got: $answer)"

step "flags:state, then flags:push of an edited flags.json, then flags:state"
PORT=$port npm run -s flags:state || fail "flags:state reported drift after the seed"
node -e '
  const fs = require("node:fs");
  const d = JSON.parse(fs.readFileSync("flags.json", "utf8"));
  d.flags["welcome-banner"].defaultVariant = "on";
  fs.writeFileSync("flags.json", JSON.stringify(d, null, 2));
'
PORT=$port npm run -s flags:push || fail "flags:push failed"
PORT=$port npm run -s flags:state || fail "flags:state reported drift after the push"
npm run -s flags:validate >/dev/null || fail "flags:validate failed"

kill -- "-$app_pid" 2>/dev/null || true
app_pid=""
echo "nest-add: a nest new app took nest add, built, passed its tests, answered and took a push"
