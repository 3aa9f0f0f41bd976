#!/bin/sh
# man_sync.sh -- the man pages in man/ are what scripts/gen-man.py makes
# from this build's own help (options, commands, configuration keys): a
# key or command added without regenerating them fails here. TAP.
# Regenerate: python3 scripts/gen-man.py _build/default
top=${XJ_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${XJ_BUILDDIR:-$top/_build/default}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..4"
if python3 "$top/scripts/gen-man.py" "$build" "$tmp"; then
	echo "ok 1 - scripts/gen-man.py runs"
else
	echo "not ok 1 - scripts/gen-man.py runs"
fi
n=1
for page in xuejid.8 xuejictl.8 xueji.conf.5; do
	n=$((n + 1))
	if diff -u "$top/man/$page" "$tmp/$page" >"$tmp/diff" 2>&1; then
		echo "ok $n - man/$page is up to date"
	else
		echo "not ok $n - man/$page is up to date (run scripts/gen-man.py)"
		sed 's/^/# /' "$tmp/diff" | head -20
	fi
done
