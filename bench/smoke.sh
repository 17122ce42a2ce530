#!/usr/bin/env bash
# bench/smoke.sh BUILD_DIR: every benchmark in bench/ at tiny sizes
# (SMOKE=1, seconds each), so that a schema, option or output change that
# breaks one fails the test suite instead of waiting for the next person to
# run it by hand (bench/settle-bench.sh once broke that way and nothing
# noticed). Not a measurement: the figures it prints mean nothing. Run by
# `meson test` as bench-smoke (tests/meson.build), so by `./run test`.
#
# A new script in bench/ must be added below; the check at the end fails
# when one is missing.
set -euo pipefail
BUILD=$(cd "${1:?usage: smoke.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
export SMOKE=1
WORK=$(mktemp -d /tmp/tasdid-bench-smoke-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ran=()

# smoke NAME COMMAND...: run one benchmark, its output kept in the log.
smoke() {
  local name=$1; shift
  local t0=$SECONDS
  echo "== $name"
  if ! "$@" >"$WORK/$name.out" 2>&1; then
    cat "$WORK/$name.out"
    echo "bench smoke: $name FAILED" >&2
    exit 1
  fi
  tail -n 3 "$WORK/$name.out"
  echo "   ($((SECONDS - t0)) s)"
  ran+=("$name")
}

mkdir -p "$WORK/post"
smoke post-bench.c "$BUILD/bench/post-bench" --count 4000 --batch 500 \
  --accounts 200 --dir "$WORK/post"
smoke intake-bench.sh "$SRC/bench/intake-bench.sh" "$BUILD"
smoke intake-ab.sh "$SRC/bench/intake-ab.sh" 1 1 "" "" "$BUILD" "$BUILD"
smoke intake-overload.sh "$SRC/bench/intake-overload.sh" "$BUILD"
smoke inquiry-bench.sh "$SRC/bench/inquiry-bench.sh" "$BUILD"
smoke e2e-bench.sh "$SRC/bench/e2e-bench.sh" "$BUILD"
smoke journal-readers.sh "$SRC/bench/journal-readers.sh" "$BUILD"
smoke statement-rss.sh env TASDID="$BUILD/cli/tasdid" "$SRC/bench/statement-rss.sh"

# Every script and program in bench/ must have been run above.
for f in "$SRC"/bench/*.sh "$SRC"/bench/*.c; do # (*.py, *.lua: helpers of these)
  name=$(basename "$f")
  [ "$name" = smoke.sh ] && continue
  [ "$name" = settle-bench.sh ] && continue # being mended (issue #15)
  printf '%s\n' "${ran[@]}" | grep -qx "$name" ||
    { echo "bench smoke: bench/$name has no smoke run in bench/smoke.sh" >&2; exit 1; }
done
echo "bench smoke: ${#ran[@]} benchmarks ran"
