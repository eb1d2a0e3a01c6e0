#!/bin/sh
# make deb: a Debian package of the built appliance, with dpkg-deb.
#   deb.sh OUTDIR VERSION ENTERPRISE
# The dependencies are the packages of the shared libraries the programs
# load (dpkg -S of what ldd finds), plus what they run or read at run
# time; the configuration files are conffiles, so that an upgrade asks
# before it changes one the operator edited.
set -eu
cd "$(dirname "$0")/.."
out=$1 version=$2 enterprise=$3
stage=build/deb/root
rm -rf build/deb
mkdir -p "$stage/DEBIAN" "$out"
PREFIX=/usr DESTDIR=$stage SYSCONFDIR=/etc LOCALSTATEDIR=/var \
    SYSTEMDDIR=/lib/systemd/system ENTERPRISE=$enterprise CREATE_USER=no \
    appliance/install.sh >/dev/null
install -d "$stage/usr/share/doc/zonewatch" "$stage/usr/share/zonewatch"
install -m 0644 appliance/copyright "$stage/usr/share/doc/zonewatch/copyright"
install -m 0755 appliance/user.sh "$stage/usr/share/zonewatch/user.sh"
# The state directory is the package's to make, with its owner.
rm -rf "${stage:?}/var"

libs=$(for p in "$stage"/usr/sbin/*; do ldd "$p"; done |
    awk '$3 ~ /^\// { print $3 }' | sort -u)
deps=$(for l in $libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null ||
    dpkg -S "$l" 2>/dev/null; done | cut -d: -f1 | sort -u |
    grep -v '^libc6$' | tr '\n' ',' | sed 's/,$//; s/,/, /g')
arch=$(dpkg --print-architecture)
size=$(du -sk "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: zonewatch
Version: $version
Architecture: $arch
Maintainer: zonewatch <root@localhost>
Installed-Size: $size
Depends: libc6, $deps, fonts-wqy-microhei, adduser | passwd
Recommends: snmpd, rrdcached
Section: net
Priority: optional
Description: extranet isolation and bandwidth monitoring appliance
 zonewatch watches a government extranet uplink from a mirror port:
 bandwidth trends per county and township, isolation violations with
 their evidence, switch ports over SNMP, its own MIB through snmpd, a web
 UI with separated administrator roles, and signed reports for auditors.
CONTROL
(cd "$stage" && find etc -type f | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	/usr/share/zonewatch/user.sh /etc /var
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
	echo "zonewatch: make the first administrator with" \
	    "'zwctl user add NAME --role sysadmin'," \
	    "set ZW_INTERFACE in /etc/default/zonewatch, then" \
	    "'systemctl enable --now zonewatch-collector zonewatch-poller" \
	    "zonewatch-webui zonewatch-agentx zonewatch-reports.timer'"
fi
exit 0
SCRIPT
cat >"$stage/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && { [ "$1" = remove ] || [ "$1" = upgrade ]; }; then
	systemctl stop zonewatch-collector zonewatch-poller zonewatch-webui \
	    zonewatch-agentx zonewatch-reports.timer 2>/dev/null || true
fi
exit 0
SCRIPT
cat >"$stage/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
# The data (violations, audit trail, reports) stays unless purged.
if [ "$1" = purge ]; then
	rm -rf /var/lib/zonewatch
	for u in zw-collector zw-poller zw-webui zw-agentx zonewatch; do
		userdel "$u" 2>/dev/null || true
	done
	groupdel zonewatch 2>/dev/null || true
fi
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
exit 0
SCRIPT
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" \
    "$stage/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$stage" \
    "$out/zonewatch_${version}_$arch.deb" >/dev/null
echo "$out/zonewatch_${version}_$arch.deb"
