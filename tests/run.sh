#!/bin/sh
# Runs every test suite against the sanitizer build and prints one line
# per suite, then the totals: "N passed, N failed, N skipped".
#
#   tests/run.sh            all suites
#   tests/run.sh unit cli   only those
#
# Suites: unit (cmocka), cli (black-box zw-collector), policy (the
# isolation rules on crafted and real traffic), store (violations kept,
# reviewed, exported, sent to syslog; kill -9 and a full disk), poller
# (SNMP recordings of real switches served by snmpsim, moving counters),
# agentx (the subagent under a real snmpd, traps to snmptrapd), report
# (reports and the audit chain over a fixed month), webui (the security
# table, hostile requests, TLS versions, the browser test), appliance
# (install, units, privilege drop, backup, the package), ipfix (export to
# nfcapd and to receivers of the test's own), workers (several workers
# give the results of one), conformance (the
# captures in tests/pcap against ndpiReader 4.2's references), fuzz (each
# harness replays its seeds), golden (the collector's flow records and
# counts of each bundled capture, exact), corpus (all 201 captures of ../shared/pcap,
# where that directory exists).
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${ZW_BIN:-build/check}
OUT=tests/out
SHARED=${ZW_SHARED:-../shared}
mkdir -p "$OUT"
export ZW_COLLECTOR="$BIN/zw-collector"
export ZW_ZWCTL="$BIN/zwctl"
export ZW_POLLER="$BIN/zw-poller"
export ZW_AGENTX="$BIN/zw-agentx"
export ZW_WEBUI="$BIN/zw-webui"
# nDPI is not built with the sanitizers; its one-time allocations at
# start-up are released by ndpi_exit_detection_module(), so leaks count.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0 failed=0 skipped=0
want() { [ $# -eq 0 ] || case " $SUITES " in *" $1 "*) return 0;; esac; [ -z "$SUITES" ]; }
SUITES="$*"

tally() {	# suite passed failed skipped
	printf '%-12s %4d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
	passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + $4))
}

if want unit; then
	p=0 f=0
	for t in "$BIN"/tests/test-*; do
		name=$(basename "$t")
		"$t" >"$OUT/$name.log" 2>&1
		run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$OUT/$name.log")
		ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$OUT/$name.log")
		run=${run:-1} ok=${ok:-0}
		p=$((p + ok)); f=$((f + run - ok))
		[ "$ok" = "$run" ] || { echo "unit: $name failed:"; grep -E 'ERROR|FAILED|LINE|Sanitizer' "$OUT/$name.log" | head -20; }
	done
	tally unit $p $f 0
fi

pysuite() {	# suite script
	python3 "$2" >"$OUT/$1.log" 2>&1
	run=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} .*/\1/p' "$OUT/$1.log")
	nf=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' "$OUT/$1.log")
	ne=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' "$OUT/$1.log")
	ns=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$OUT/$1.log")
	run=${run:-1} nf=${nf:-0} ne=${ne:-0} ns=${ns:-0}
	if ! grep -q '^OK' "$OUT/$1.log" && [ $((nf + ne)) -eq 0 ]; then nf=1; fi
	[ $((nf + ne)) -eq 0 ] || grep -E -A12 '^(FAIL|ERROR):' "$OUT/$1.log" | head -60
	grep 'skipped' "$OUT/$1.log" | grep -v '^OK\|^FAILED' | sed "s/^/$1: /"
	tally "$1" $((run - nf - ne - ns)) $((nf + ne)) "$ns"
}

want cli && pysuite cli tests/cli/test_cli.py
want policy && pysuite policy tests/cli/test_policy.py
want store && pysuite store tests/cli/test_store.py
want poller && pysuite poller tests/cli/test_poller.py
want agentx && pysuite agentx tests/cli/test_agentx.py
want report && pysuite report tests/cli/test_report.py
want webui && pysuite webui tests/cli/test_webui.py
want appliance && pysuite appliance tests/cli/test_appliance.py
want ipfix && pysuite ipfix tests/cli/test_ipfix.py
want workers && pysuite workers tests/cli/test_workers.py

conformance() {	# suite pcaps refs
	if python3 tests/conformance/compare.py --collector "$ZW_COLLECTOR" \
	    --pcaps "$2" --refs "$3" >"$OUT/$1.log" 2>&1; then
		r=0
	else
		r=1
	fi
	grep '^conformance:' "$OUT/$1.log" | sed "s/^conformance:/$1:/"
	[ $r -eq 0 ] || grep -v '^conformance:' "$OUT/$1.log" | head -40
	tally "$1" $((1 - r)) $r 0
}

want conformance && conformance conformance tests/pcap/ndpi tests/pcap/ndpi-ref

# The collector's own records of each bundled capture, byte for byte.
if want golden; then
	if python3 tests/golden/golden.py --check >"$OUT/golden.log" 2>&1; then
		tally golden 1 0 0
	else
		head -60 "$OUT/golden.log"
		tally golden 0 1 0
	fi
fi

# The fuzz harnesses replay their seed corpora (make fuzz mutates them).
if want fuzz; then
	if FUZZ_SECONDS=0 tests/fuzz/run.sh >"$OUT/fuzz.log" 2>&1; then
		n=$(grep -c ': ok' "$OUT/fuzz.log"); tally fuzz "$n" 0 0
	else
		cat "$OUT/fuzz.log"
		tally fuzz "$(grep -c ': ok' "$OUT/fuzz.log")" "$(grep -c FAILED "$OUT/fuzz.log")" 0
	fi
fi

if want corpus; then
	if [ -d "$SHARED/pcap/ndpi" ] && [ -d "$SHARED/pcap/ndpi-ref" ]; then
		conformance corpus "$SHARED/pcap/ndpi" "$SHARED/pcap/ndpi-ref"
	else
		echo "corpus: SKIPPED: $SHARED/pcap not found (only the bundled captures were compared)"
		tally corpus 0 0 1
	fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
