#!/usr/bin/env bash
# run.sh [SECONDS] [TARGET...] -- build the fuzz harnesses with clang and
# libFuzzer (ASan + UBSan) and run each for SECONDS (default 60), two at a
# time. Seeds come from tests/fuzz/corpus/<target>/ and
# tests/fuzz/regressions/<target>/ (read only); the inputs libFuzzer
# finds go to tests/fuzz/_work/<target>/, crashes to
# tests/fuzz/crashes/<target>-crash-*, logs to _work/<target>.log.
# Both _work/ and crashes/ are ignored by git. docs/development.md,
# "Fuzzing", says how to turn a crash into a regression file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
all="json bind idnum prereg studentno datetime token sign sqlsplit router conf query"
targets=${*:-$all}

# clang and libFuzzer are Debian packages
if ! command -v clang >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "run.sh: installing clang and libfuzzer-14-dev" >&2
	apt-get update -qq && apt-get install -y -qq clang libfuzzer-14-dev >/dev/null
fi

# config.h: the ASan build's (arena debug: every allocation its own
# malloc, so ASan sees overflows inside request memory), else default's.
if [ -f "$top/_build/asan/config.h" ]; then
	cfg="$top/_build/asan"
else
	[ -f "$top/_build/default/config.h" ] || "$top/scripts/build" default
	cfg="$top/_build/default"
fi

src() {	# the project sources a target needs
	case $1 in
	json)		echo core/json.c ;;
	bind)		echo core/json.c core/bind.c domain/division.c domain/idnum.c parent/regfields.c ;;
	idnum)		echo domain/idnum.c ;;
	prereg)		echo domain/prereg.c domain/division.c ;;
	studentno)	echo domain/studentno.c domain/idnum.c ;;
	datetime)	echo domain/window.c domain/idnum.c ;;
	token)		echo crypto/token.c crypto/field.c crypto/keys.c core/conf.c ;;
	sign)		echo crypto/sign.c ;;
	sqlsplit)	echo store/migrate.c store/sql.c db/db.c core/log.c ;;
	router)		echo core/router.c ;;
	conf)		echo core/conf.c ;;
	query)		echo core/req.c core/router.c ;;
	*)		echo "run.sh: unknown target $1" >&2; exit 2 ;;
	esac
}
maxlen() {
	case $1 in
	json|bind|sqlsplit|conf) echo 16384 ;;
	*) echo 1024 ;;
	esac
}

out="$here/_out"
work="$here/_work"
mkdir -p "$out" "$work" "$here/crashes"
libs="$(pkg-config --cflags --libs yajl libcrypto libmariadb) -lfcgi"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -w
	-I$cfg -I$top/src -I$here"

for t in $targets; do
	files="$here/fuzz_$t.c $top/src/core/arena.c $top/src/core/err.c"
	for f in $(src "$t"); do files="$files $top/src/$f"; done
	echo "build fuzz_$t" >&2
	# shellcheck disable=SC2086
	clang $flags -o "$out/fuzz_$t" $files $libs -lpthread
done

run() {
	local t=$1
	mkdir -p "$work/$t"
	"$out/fuzz_$t" -max_total_time="$secs" -max_len="$(maxlen "$t")" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$here/crashes/$t-" \
	    "$work/$t" "$here/corpus/$t" \
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
