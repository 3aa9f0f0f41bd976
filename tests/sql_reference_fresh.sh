#!/bin/sh
# sql_reference_fresh.sh -- sql/0002_reference_data.sql is generated from
# the CSV files in sql/data by sql/tools/gen_reference.py; this test fails
# when the committed file is stale (the CSVs or the generator changed and
# the file was not regenerated). TAP output. gen_reference.py --check only
# reads the source tree, so a read-only tree is fine.
#
# Environment: XJ_SRCDIR  source tree (default: the directory above this
#                         script's)
#              PYTHON3    python interpreter (default python3)

set -u

NAME='sql/0002_reference_data.sql is what sql/tools/gen_reference.py generates from sql/data'

top=${XJ_SRCDIR:-}
if [ -z "$top" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
fi
py=${PYTHON3:-python3}
if [ ! -f "$top/sql/tools/gen_reference.py" ]; then
	echo "1..0 # SKIP $top/sql/tools/gen_reference.py not found"
	exit 0
fi
if ! command -v "$py" >/dev/null 2>&1; then
	echo "1..0 # SKIP $py not found"
	exit 0
fi

echo "1..1"
# no __pycache__ is written: the script is run, not imported
out=$(PYTHONDONTWRITEBYTECODE=1 "$py" "$top/sql/tools/gen_reference.py" --check 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - $NAME"
else
	echo "not ok 1 - $NAME"
	printf '%s\n' "$out" | sed 's/^/# /'
	echo "# gen_reference.py --check exited with status $rc"
	exit 1
fi
