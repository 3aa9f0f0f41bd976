#!/bin/sh
# smoke.sh -- make check's fuzzing run (TAP), review finding L8: build every
# harness tests/fuzz/fuzz_*.c with clang + libFuzzer (ASan + UBSan) through
# run.sh and fuzz each for $XJ_FUZZ_SECS seconds (default 3), starting from
# its saved corpus and regressions. A harness that does not build, a crash,
# a sanitizer report or a failed invariant fails it. Runs in the default
# build only: the clang build is its own sanitizer build, so the
# --enable-sanitizers pass would repeat it. Longer runs: tests/fuzz/run.sh.
src=${XJ_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${XJ_BUILDDIR:-.}
secs=${XJ_FUZZ_SECS:-3}
targets=$(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')

set -- $targets
echo "1..$#"
if grep -q '^#define XJ_SANITIZERS 1' "$build/config.h" 2>/dev/null; then
	n=0
	for t in $targets; do
		n=$((n + 1))
		echo "ok $n - fuzz $t # SKIP run in the default build"
	done
	exit 0
fi
dir="$build/tests/fuzz"
mkdir -p "$dir"
FUZZ_DIR=$dir XJ_BUILDDIR=$build "$src/tests/fuzz/run.sh" "$secs" $targets \
    >"$dir/smoke.out" 2>&1
n=0
for t in $targets; do
	n=$((n + 1))
	line=$(grep "^$t " "$dir/smoke.out" | tail -1)
	case $line in
	*" ok "*) echo "ok $n - fuzz $t for ${secs}s: $(echo "$line" | sed 's/^[^ ]* *ok *//')" ;;
	"")	echo "not ok $n - fuzz $t did not build or run"
		tail -n 20 "$dir/smoke.out" | sed 's/^/# /' ;;
	*)	echo "not ok $n - fuzz $t: $line"
		grep -m5 -E 'ERROR|SUMMARY|invariant|Test unit written' "$dir/_work/$t.log" |
		    sed 's/^/# /' ;;
	esac
done
