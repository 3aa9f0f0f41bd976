#!/bin/sh
# deb.sh -- `make check-deb` (issue 15 item 5): build the Debian package
# from this build's release tarball (`make dist`: what is shipped, not the
# working tree) with `dpkg-buildpackage -us -uc -b`, unpack it into a
# scratch root with `dpkg -x`, and check its contents and that the
# unpacked programs answer --version. TAP. Slow (a full package build):
# not part of `make check`; scripts/check runs it after the default build.
# XJ_DEB_NO_BUILDDEPS=1 passes -d (build dependencies not checked), for a
# host whose debhelper is not installed as a package.
top=${XJ_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${XJ_BUILDDIR:-$top/_build/default}
tmp=$(mktemp -d /tmp/xj-deb.XXXXXX)
[ -n "${XJ_KEEP_DEB:-}" ] || trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { what=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$what"; else notok "$what"; sed 's/^/# /' "$tmp/out" | tail -25; fi; }

echo "1..9"
t0=$(date +%s)
check "make dist makes the release tarball" sh -c "make -s -C '$build' dist-gzip &&
	mv '$build'/xueji-*.tar.gz '$tmp/xueji-src.tar.gz'"
if ! [ -f "$tmp/xueji-src.tar.gz" ]; then
	echo "# no tarball; stopping"
	exit 1
fi
mkdir "$tmp/src"
tar -xzf "$tmp/xueji-src.tar.gz" -C "$tmp/src"
src=$(echo "$tmp"/src/*)
check "the tarball carries debian/" test -x "$src/debian/rules"
flags="-us -uc -b"
[ "${XJ_DEB_NO_BUILDDEPS:-}" = 1 ] && flags="$flags -d"
# shellcheck disable=SC2086
check "dpkg-buildpackage $flags" sh -c "cd '$src' && dpkg-buildpackage $flags"
t1=$(date +%s)
echo "# package built in $((t1 - t0)) s"
deb=$(ls "$tmp"/src/xueji_*.deb 2>/dev/null | head -1)
check "a .deb was made" test -f "$deb"
root=$tmp/root
check "dpkg -x into a scratch root" dpkg -x "$deb" "$root"
check "unpacked xuejid --version" sh -c "'$root/usr/sbin/xuejid' --version | grep -E '^xuejid [0-9.]+ \(schema [0-9]+\)$'"
check "unpacked xuejictl --version" sh -c "'$root/usr/sbin/xuejictl' --version | grep -E '^xuejictl [0-9.]+ \(schema [0-9]+\)$'"
check "units, config sample, migrations, pages, man pages where Debian expects them" sh -c "
	for f in lib/systemd/system/xuejid@.service lib/systemd/system/xuejid@.socket \
	    lib/systemd/system/xueji-jobs.service etc/xueji/xueji.conf.example \
	    usr/share/xueji/sql/0001_core.sql usr/share/xueji/www/index.html \
	    usr/share/xueji/nginx/production.conf.template \
	    usr/share/man/man8/xuejid.8.gz usr/share/man/man8/xuejictl.8.gz \
	    usr/share/man/man5/xueji.conf.5.gz; do
		test -f '$root'/\$f || { echo \"missing /\$f\"; exit 1; }
	done
	grep -qx 'ExecStart=/usr/sbin/xuejid -c /etc/xueji/xueji.conf' '$root/lib/systemd/system/xuejid@.service'"
check "the package depends on the run-time libraries and creates its user" sh -c "
	dpkg-deb -f '$deb' Depends | tee /dev/stderr | grep -q libfcgi &&
	dpkg-deb -e '$deb' '$tmp/control' && grep -q 'adduser --system' '$tmp/control/postinst'"
[ $fails -eq 0 ]
