#!/usr/bin/env bash
# run.sh [SECONDS] [TARGET...] -- build the fuzz harnesses with clang and
# libFuzzer (ASan + UBSan) and run each for SECONDS (default 60), two at a
# time; without TARGETs, every tests/fuzz/fuzz_*.c. Seeds come from
# tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ (read
# only); the inputs libFuzzer finds go to $FUZZ_DIR/_work/<target>/,
# crashes to $FUZZ_DIR/crashes/<target>-crash-*, logs to
# $FUZZ_DIR/_work/<target>.log (FUZZ_DIR: default tests/fuzz, whose _work/,
# _out/ and crashes/ git ignores). docs/development.md, "Fuzzing", says how
# to turn a crash into a regression file.
#
# Every harness links against ONE library of all of src/ (but the two
# programs' mains) compiled by clang with the fuzzer's instrumentation: a
# hand-kept list of the sources each target needs went stale twice (review
# L8: token lacked crypto/kmac.c, query core/log.c) and is gone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')
fi
dir=${FUZZ_DIR:-$here}

# clang and libFuzzer are Debian packages (scripts/install-deps has them)
if ! command -v clang >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "run.sh: clang with libFuzzer is missing: run scripts/install-deps" >&2
	exit 1
fi

# config.h: any configured build's; the arena's debug mode (every
# allocation its own malloc, so ASan sees overflows inside request
# memory) is forced on below whatever that build chose.
cfg=""
for b in "${XJ_BUILDDIR:-}" "$top/_build/asan" "$top/_build/default"; do
	if [ -n "$b" ] && [ -f "$b/config.h" ]; then cfg=$b; break; fi
done
if [ -z "$cfg" ]; then
	"$top/scripts/build" default
	cfg="$top/_build/default"
fi

out="$dir/_out"
work="$dir/_work"
mkdir -p "$out/obj" "$work" "$dir/crashes"
libs="$(pkg-config --cflags --libs yajl libcrypto libmariadb libxml-2.0 libqrencode) -lfcgi -lpthread"
common="-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined -std=gnu11
	-D_GNU_SOURCE -DXJ_ARENA_DEBUG=1 -w -I$cfg -I$top/src -I$here
	$(pkg-config --cflags yajl libcrypto libmariadb libxml-2.0 libqrencode)"

# the library: every source of src/ but the mains, rebuilt when any
# source or header is newer than it
lib="$out/libxueji-fuzz.a"
newest=$(find "$top/src" "$cfg/config.h" -newer "$lib" \( -name '*.[ch]' \) -print -quit 2>/dev/null || true)
if [ ! -f "$lib" ] || [ -n "$newest" ]; then
	echo "build the fuzzing library of src/" >&2
	rm -f "$out"/obj/*.o "$lib"
	# shellcheck disable=SC2086
	find "$top/src" -name '*.c' ! -name xuejid.c ! -name xuejictl.c -print0 |
	    xargs -0 -P "$(nproc)" -I{} sh -c \
	    'o="$1/obj/$(echo "$2" | sed "s|^$3/src/||; s|/|_|g; s|\.c$|.o|")";
	     clang $4 -fsanitize=fuzzer-no-link,address,undefined -c "$2" -o "$o"' \
	    _ "$out" {} "$top" "$common"
	ar cr "$lib" "$out"/obj/*.o
fi

for t in $targets; do
	[ -f "$here/fuzz_$t.c" ] || { echo "run.sh: no harness tests/fuzz/fuzz_$t.c" >&2; exit 2; }
	echo "build fuzz_$t" >&2
	# shellcheck disable=SC2086
	clang $common -fsanitize=fuzzer,address,undefined -o "$out/fuzz_$t" \
	    "$here/fuzz_$t.c" "$lib" $libs
done

maxlen() {
	case $1 in
	json|bind|sqlsplit|conf|regform|certs|xmlin) echo 16384 ;;
	*) echo 1024 ;;
	esac
}

run() {
	local t=$1
	mkdir -p "$work/$t"
	"$out/fuzz_$t" -max_total_time="$secs" -max_len="$(maxlen "$t")" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$dir/crashes/$t-" \
	    "$work/$t" $( [ -d "$here/corpus/$t" ] && echo "$here/corpus/$t" ) \
	    $( [ -d "$here/regressions/$t" ] && echo "$here/regressions/$t" ) \
	    >"$work/$t.log" 2>&1
}

status=0
set -- $targets
while [ $# -gt 0 ]; do
	pids=""
	for t in "$1" "${2:-}"; do
		[ -n "$t" ] || continue
		run "$t" & pids="$pids $!:$t"
	done
	shift; [ $# -gt 0 ] && shift
	for p in $pids; do
		t=${p#*:}
		if wait "${p%%:*}"; then r=ok; else r=CRASH; status=1; fi
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
		cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1)
		printf '%-10s %-5s %8s execs in %ss, %s\n' "$t" "$r" "${execs:-?}" "$secs" "${cov:-}"
		[ $r = ok ] || grep -m3 -E 'ERROR|SUMMARY|invariant|Test unit written' "$work/$t.log" || true
	done
done
exit $status
