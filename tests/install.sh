#!/bin/sh
# install.sh -- `make install DESTDIR=...` of this build puts every part
# where Debian expects it (issue 15 item 5): the programs in sbindir, the
# configuration sample in sysconfdir/xueji, migrations, pages and nginx
# files in datadir/xueji, the man pages, and the systemd units with the
# installed paths and the hardening; the installed programs answer
# --version; the units pass `systemd-analyze verify`. TAP.
top=${XJ_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${XJ_BUILDDIR:-$top/_build/default}
tmp=$(mktemp -d /tmp/xj-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { what=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$what"; else notok "$what"; sed 's/^/# /' "$tmp/out" | head -15; fi; }

root=$tmp/root
# the automake variables of this build, as configured
var() { sed -n "s|^$1 = ||p" "$build/Makefile" | head -1; }
prefix=$(var prefix)
# make distcheck configures it as $(prefix)/lib/systemd/system
unitdir=$(var systemdsystemunitdir | sed -e "s|[$][({]prefix[)}]|$prefix|g")
echo "1..17"
check "make install DESTDIR=... succeeds" make -s -C "$build" install DESTDIR="$root"
sbin=$root$prefix/sbin
share=$root$prefix/share
for f in "$sbin/xuejid" "$sbin/xuejictl"; do
	check "$(basename "$f") in sbindir, executable" test -x "$f"
done
check "config sample in sysconfdir/xueji" test -f "$root$prefix/etc/xueji/xueji.conf.example"
check "migrations, pages, XSDs and nginx files in datadir/xueji" sh -c "
	test -f '$share/xueji/sql/0001_core.sql' &&
	test \$(ls '$share/xueji/sql' | wc -l) -eq \$(ls '$top'/sql/*.sql | wc -l) &&
	test -f '$share/xueji/www/index.html' &&
	test -f '$share/xueji/xml/v1/exchange.xsd' && test -f '$share/xueji/xml/v1/receipt.xsd' &&
	test -f '$share/xueji/nginx/production.conf.template'"
check "man pages xuejid(8), xuejictl(8), xueji.conf(5)" sh -c "
	test -f '$share/man/man8/xuejid.8' && test -f '$share/man/man8/xuejictl.8' &&
	test -f '$share/man/man5/xueji.conf.5'"
check "the man pages format without warnings" sh -c "
	for p in '$share'/man/man8/xuejid.8 '$share'/man/man8/xuejictl.8 '$share'/man/man5/xueji.conf.5; do
		groff -Tutf8 -man -ww -z \"\$p\" 2>&1 | grep . && exit 1
	done; exit 0"
check "installed xuejid --version" sh -c "'$sbin/xuejid' --version | grep -E '^xuejid [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+\)$'"
check "installed xuejictl --version" sh -c "'$sbin/xuejictl' --version | grep -E '^xuejictl [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+\)$'"

if [ -z "$unitdir" ]; then
	for i in 1 2 3 4 5 6 7 8; do ok "# SKIP configured without systemd units"; done
	exit 0
fi
u=$root$unitdir
check "units xuejid@.socket, xuejid@.service, xueji-jobs.service installed" sh -c "
	test -f '$u/xuejid@.socket' && test -f '$u/xuejid@.service' && test -f '$u/xueji-jobs.service'"
check "the units name the installed programs and configuration" sh -c "
	grep -qx 'ExecStart=$prefix/sbin/xuejid -c $prefix/etc/xueji/xueji.conf' '$u/xuejid@.service' &&
	grep -qx 'ExecStart=$prefix/sbin/xuejictl -c $prefix/etc/xueji/xueji.conf jobs' '$u/xueji-jobs.service' &&
	! grep -q '@[a-z]*@' '$u/xuejid@.service' '$u/xueji-jobs.service'"
check "worker: socket on fd 0, Restart=always, dedicated user" sh -c "
	grep -qx 'StandardInput=socket' '$u/xuejid@.service' &&
	grep -qx 'StandardOutput=journal' '$u/xuejid@.service' &&
	grep -qx 'Restart=always' '$u/xuejid@.service' && grep -qx 'User=xueji' '$u/xuejid@.service' &&
	grep -qx 'ListenStream=/run/xueji/%i.sock' '$u/xuejid@.socket'"
check "jobs runner: Restart=always, dedicated user" sh -c "
	grep -qx 'Restart=always' '$u/xueji-jobs.service' && grep -qx 'User=xueji' '$u/xueji-jobs.service'"
check "both services hardened (ProtectSystem=strict, NoNewPrivileges, PrivateTmp, no capabilities)" sh -c "
	for f in '$u/xuejid@.service' '$u/xueji-jobs.service'; do
		for l in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes CapabilityBoundingSet=; do
			grep -qx \"\$l\" \"\$f\" || { echo \"\$f: \$l missing\"; exit 1; }
		done
	done"
# systemd-analyze checks that the programs exist: point the units at the
# DESTDIR copies; an instance of each template
mkdir -p "$tmp/units"
for f in "$u"/*; do
	sed -e "s|$prefix/sbin/|$sbin/|g" -e "s|$prefix/etc/|$root$prefix/etc/|g" "$f" > "$tmp/units/$(basename "$f")"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	check "systemd-analyze verify the units" sh -c "
		systemd-analyze verify --man=no '$tmp/units/xuejid@parent.socket' \
		    '$tmp/units/xuejid@parent.service' '$tmp/units/xueji-jobs.service' 2>&1 | tee '$tmp/verify'
		! grep -q . '$tmp/verify'"
else
	ok "# SKIP systemd-analyze not installed"
fi
check "debian/changelog's version is configure.ac's ($(var PACKAGE_VERSION))" sh -c "
	v=\$(cd '$top' && dpkg-parsechangelog -S Version 2>/dev/null || sed -n '1s/.*(\\(.*\\)).*/\\1/p' debian/changelog)
	echo \"changelog: \$v\"; test \"\$v\" = '$(var PACKAGE_VERSION)'"
check "make uninstall removes what install put" sh -c "
	make -s -C '$build' uninstall DESTDIR='$root' && test -z \"\$(find '$root' -type f)\""
[ $fails -eq 0 ]
