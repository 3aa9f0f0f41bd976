#!/bin/sh
# replay.sh -- make check's fuzz regression test (TAP): every saved input
# of tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/
# through the target's harness, linked with replay.c instead of
# libFuzzer (tests/fuzz/run.sh does the fuzzing itself). One line per
# target; a crash, a sanitizer report or a failed invariant fails it.
src=${XJ_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${XJ_BUILDDIR:-.}
# every harness there is: one without a replay binary in Makefile.am fails
targets=$(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')

set -- $targets
echo "1..$#"
n=0
for t in $targets; do
	n=$((n + 1))
	bin="$build/tests/fuzz/replay_$t"
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz $t: $bin not built"
		continue
	fi
	if out=$("$bin" "$src/tests/fuzz/corpus/$t" "$src/tests/fuzz/regressions/$t" 2>&1); then
		echo "ok $n - fuzz $t: ${out##*: }"
	else
		echo "not ok $n - fuzz $t replay failed"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
	fi
done
