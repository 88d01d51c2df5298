#!/usr/bin/env bash
# Checks the tarball `npm publish` would upload, not the working tree: what `files` ships, the
# types every resolver finds (attw), package.json against Node's and bundlers' rules (publint),
# and an ES-module application installing it (test/package/esm-smoke.sh).
#
#   .ci/check-package.sh [dir]   leaves the tarball and the installed smoke app in dir (default:
#                                a temporary directory, removed at the end), so .ci/run can run
#                                the app again under other Node versions
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "check-package: $*" >&2
  exit 1
}

if [ $# -ge 1 ]; then
  out=$1
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# npm pack builds afresh first (the prepack script): tsc never deletes what an earlier build
# emitted (maps, renamed files), and npm pack ships whatever dist/ holds. Its output goes to
# stderr so that stdout stays the JSON.
pack_json=$(npm pack --json --pack-destination "$out" 2>/dev/null)
tarball="$out/$(node -e 'process.stdout.write(JSON.parse(process.argv[1])[0].filename)' "$pack_json")"
[ -f "$tarball" ] || fail "npm pack did not write $tarball"
files=$(node -e 'for (const f of JSON.parse(process.argv[1])[0].files) console.log(f.path)' "$pack_json")
echo "check-package: $(basename "$tarball"), $(wc -l <<<"$files") files, $(du -k "$tarball" | cut -f1) KiB"

# Maps would point at lib/*.ts, which the tarball does not hold (tsconfig.build.json).
if maps=$(grep -E '\.map$' <<<"$files"); then
  fail "the tarball ships source maps: $(head -3 <<<"$maps")"
fi
for needed in package.json README.md LICENSE dist/lib/index.js dist/lib/index.d.ts \
  dist/lib/openfeature/index.js dist/lib/testing/index.js dist/lib/cli/main.js \
  dist/migrations/index.js schematics/collection.json schematics/nest-add/schema.json \
  dist/schematics/nest-add/nest-add.schematic.js docs/protocol.md CHANGELOG.md; do
  grep -qx "$needed" <<<"$files" || fail "the tarball lacks $needed"
done

# attw's default profile ("strict") resolves every entry point as node10 (require without
# exports, TypeScript's moduleResolution node), node16 from CommonJS, node16 from ESM (where it
# also checks that Node's cjs-module-lexer finds the named exports TypeScript promises) and
# bundler; --profile node16 would skip node10, which typesVersions exists for. It exits 1 on any
# problem. No rule is ignored: each applies to a CommonJS package with subpath exports.
echo "check-package: attw"
npx --no-install attw "$tarball" --format ascii || fail "attw found problems in the types"

# --strict fails on warnings as well as errors; suggestions are printed only.
echo "check-package: publint"
npx --no-install publint run "$tarball" --strict || fail "publint found problems in package.json"

echo "check-package: ESM smoke test"
rm -rf "$out/esm-app"
test/package/esm-smoke.sh install "$tarball" "$out/esm-app"
test/package/esm-smoke.sh run "$out/esm-app"
