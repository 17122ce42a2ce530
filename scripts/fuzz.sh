#!/usr/bin/env bash
# scripts/fuzz.sh TARGET|all SECONDS — fuzz one target (or each in turn)
# for SECONDS, niced, then merge what is new into tests/fuzz/corpus/TARGET/.
# scripts/fuzz.sh --minimise TARGET|all — shrink the committed corpus.
#
# Builds build-fuzz (clang, libFuzzer, ASan+UBSan) if needed. New inputs go
# to a scratch directory first; `-merge=1` then copies into the committed
# corpus only those that add coverage, so the corpus stays small. A crash
# leaves crash-*/leak-*/timeout-* files in the scratch directory's parent
# (printed at the end) and makes the script exit 1.
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (default 1: the
# machine is shared), FUZZ_MAX_LEN (default 4096 bytes), FUZZ_KEEP=1 keeps
# the scratch directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
jobs=${FUZZ_JOBS:-1}
max_len=${FUZZ_MAX_LEN:-4096}

usage() {
	echo "usage: $0 TARGET|all SECONDS    (fuzz, then merge into the corpus)" >&2
	echo "       $0 --minimise TARGET|all (shrink the committed corpus)" >&2
	echo "targets: $(targets | tr '\n' ' ')" >&2
	exit 2
}

# The targets are the fuzz/fuzz-*.c files (fuzz/meson.build lists the same).
targets() {
	local f
	for f in "$root"/fuzz/fuzz-*.c; do
		f=${f##*/fuzz-}
		echo "${f%.c}"
	done
}

minimise=0
if [ "${1:-}" = --minimise ]; then
	[ $# -eq 2 ] || usage
	minimise=1
	what=$2
	seconds=1
else
	[ $# -eq 2 ] || usage
	what=$1
	seconds=$2
fi
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
if [ "$what" = all ]; then
	list=$(targets)
else
	targets | grep -qx -- "$what" || usage
	list=$what
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$root" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# Only the fuzzers: the rest of build-fuzz is not needed to fuzz.
nice -n 19 ninja -C "$build" -j2 $(for t in $list; do echo "fuzz/fuzz-$t"; done) >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Rebuild a corpus from its named files (seed-*, crash-*, regress-*: always
# kept) plus those of the others that still add a coverage edge.
minimise_corpus() {
	local t=$1 corpus=$root/tests/fuzz/corpus/$1 tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tasdid-fuzz-min-$t.XXXXXX")
	mkdir "$tmp/keep" "$tmp/rest"
	find "$corpus" -maxdepth 1 -type f \( -name 'seed-*' -o -name 'crash-*' \
		-o -name 'regress-*' \) -exec cp {} "$tmp/keep/" \;
	find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' ! -name 'crash-*' \
		! -name 'regress-*' -exec cp {} "$tmp/rest/" \;
	# -use_counters=0: keep a file only for a new edge, not for a new hit
	# count of a known one; this halves the corpus and keeps every edge.
	nice -n 19 "$build/fuzz/fuzz-$t" -merge=1 -use_counters=0 \
		-max_len="$max_len" "$tmp/keep" "$tmp/rest" 2>"$tmp/merge.log" || return 1
	find "$corpus" -maxdepth 1 -type f -delete
	cp "$tmp/keep"/* "$corpus/"
	echo "== $t: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB" >&2
	rm -rf "$tmp"
}

rc=0
if [ $minimise = 1 ]; then
	for t in $list; do
		minimise_corpus "$t" || rc=1
	done
	exit $rc
fi
for t in $list; do
	corpus=$root/tests/fuzz/corpus/$t
	work=$(mktemp -d "${TMPDIR:-/tmp}/tasdid-fuzz-$t.XXXXXX")
	mkdir -p "$corpus" "$work/new" "$work/artifacts"
	echo "== $t: $seconds s, corpus $(ls "$corpus" | wc -l) files, scratch $work" >&2
	# -jobs>1 runs workers that log to fuzz-N.log in the current directory.
	par=()
	[ "$jobs" -le 1 ] || par=(-jobs="$jobs" -workers="$jobs")
	# The committed corpus is read-only input; new inputs go to $work/new.
	if ! (cd "$work" && nice -n 19 "$build/fuzz/fuzz-$t" \
		-max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "${par[@]}" \
		-artifact_prefix="$work/artifacts/" \
		"$work/new" "$corpus" 2>"$work/log"); then
		rc=1
	fi
	grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb' "$work/log" | tail -3 >&2 || true
	if [ -n "$(ls "$work/artifacts")" ]; then
		echo "!! $t: crash inputs in $work/artifacts (log: $work/log)" >&2
		rc=1
		continue
	fi
	# Keep what adds a coverage edge to the committed corpus (as
	# --minimise does; new hit counts alone would only grow it).
	nice -n 19 "$build/fuzz/fuzz-$t" -merge=1 -use_counters=0 -max_len="$max_len" \
		"$corpus" "$work/new" 2>"$work/merge.log" || rc=1
	grep -E 'MERGE-OUTER: [0-9]+ new files' "$work/merge.log" >&2 || true
	[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
done
exit $rc
