#!/bin/sh
# domain_ids.sh -- every domain rule the code, SQL, docs or tests cite
# (R-XXX-n) has its entry in docs/domain.md, so that the repository stands
# alone (issue 15 item 8). TAP: one line per cited rule.
top=${XJ_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
doc=docs/domain.md
ids=$(grep -rhoE 'R-[A-Z]+-[0-9]+' src sql docs tests --exclude=domain.md | sort -u)
n=$(echo "$ids" | grep -c .)
echo "1..$((n + 1))"
i=0
fails=0
for id in $ids; do
	i=$((i + 1))
	# an entry: a list item starting with the bold id, with text after it
	if grep -qE "^- \*\*$id\*\* .{20,}" "$doc"; then
		echo "ok $i - $id has an entry in $doc"
	else
		fails=$((fails + 1))
		echo "not ok $i - $id has an entry in $doc"
		echo "# cited in: $(grep -rlE "$id([^0-9]|\$)" src sql docs tests --exclude=domain.md | head -5 | tr '\n' ' ')"
	fi
done
i=$((i + 1))
dups=$(grep -oE '^- \*\*R-[A-Z]+-[0-9]+\*\*' "$doc" | sort | uniq -d)
if [ -z "$dups" ]; then
	echo "ok $i - no rule has two entries"
else
	fails=$((fails + 1))
	echo "not ok $i - no rule has two entries: $dups"
fi
[ $fails -eq 0 ]
