#!/bin/sh
# Runs each fuzz harness for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus; with FUZZ_SECONDS=0, replays the seeds only (a regression
# run, used by `make check`).  Crashes are kept in tests/out/fuzz/.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=build/fuzz/fuzz
SECS=${FUZZ_SECONDS:-60}
OUT=tests/out/fuzz
mkdir -p "$OUT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
status=0
for h in "$BIN"/fuzz-*; do
	name=${h##*/fuzz-}
	seeds=tests/fuzz/corpus/$name
	work=$OUT/corpus-$name
	rm -rf "$work"; mkdir -p "$work"; cp "$seeds"/* "$work"/
	if [ "$SECS" -eq 0 ]; then
		args="-runs=0"
	else
		# The code under test may warn of each input it refuses:
		# millions of lines in a few minutes.  libFuzzer's own output
		# and the sanitizers' reports are kept.
		args="-max_total_time=$SECS -max_len=4096 -close_fd_mask=2"
	fi
	# shellcheck disable=SC2086
	if "$h" $args -artifact_prefix="$OUT/$name-" "$work" >"$OUT/$name.log" 2>&1; then
		echo "fuzz-$name: ok ($(grep -c . "$OUT/$name.log") log lines, $(ls "$work" | wc -l) inputs)"
	else
		echo "fuzz-$name: FAILED, see $OUT/$name.log"
		tail -30 "$OUT/$name.log"
		status=1
	fi
done
exit $status
