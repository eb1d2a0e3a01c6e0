#!/bin/sh
# make install: puts zonewatch where Debian users look for things.
#
#   $DESTDIR$PREFIX/sbin             zw-collector zw-poller zw-webui zw-agentx zwctl
#   $DESTDIR$PREFIX/share/man/man8   their manual pages
#   $DESTDIR$PREFIX/share/zonewatch  signatures (isolation rules, custom protocols)
#   $DESTDIR/usr/share/snmp/mibs     ZONEWATCH-MIB, with the build's enterprise number
#   $DESTDIR$SYSCONFDIR/zonewatch    the configuration (never overwritten: upgrades keep it)
#   $DESTDIR$SYSCONFDIR/default/zonewatch   the capture interface
#   $DESTDIR$SYSTEMDDIR              the units
#   $DESTDIR$TMPFILESDIR             /run/zonewatch, the status files' directory
#   $DESTDIR$LOCALSTATEDIR/lib/zonewatch    the state (stores, RRDs, reports, keys)
#
# With CREATE_USER=yes (the default when installing as root without
# DESTDIR), the daemons' accounts are made, one each (zw-collector,
# zw-poller, zw-webui, zw-agentx, of the group zonewatch), and given
# their directories (appliance/user.sh).  DAEMON_PREFIX and DAEMON_GROUP
# name them otherwise.
set -eu
: "${PREFIX:=/usr/local}" "${SYSCONFDIR:=/etc}" "${LOCALSTATEDIR:=/var}"
: "${SYSTEMDDIR:=/lib/systemd/system}" "${DESTDIR:=}" "${ENTERPRISE:=32473}"
: "${TMPFILESDIR:=/usr/lib/tmpfiles.d}"
: "${CREATE_USER:=auto}" "${DAEMON_PREFIX:=zw-}" "${DAEMON_GROUP:=zonewatch}"
cd "$(dirname "$0")/.."

d() { install -d -m "${2:-0755}" "$DESTDIR$1"; }

d "$PREFIX/sbin"
d "$PREFIX/share/man/man5"
d "$PREFIX/share/man/man8"
d "$PREFIX/share/zonewatch/signatures"
d /usr/share/snmp/mibs
d "$SYSCONFDIR/zonewatch"
d "$SYSCONFDIR/default"
d "$SYSTEMDDIR"
d "$TMPFILESDIR"
d "$LOCALSTATEDIR/lib/zonewatch" 0750

install -m 0755 collector/zw-collector poller/zw-poller webui/zw-webui \
    snmpd-ext/zw-agentx ctl/zwctl "$DESTDIR$PREFIX/sbin/"
install -m 0644 collector/zw-collector.8 ctl/zwctl.8 poller/zw-poller.8 \
    snmpd-ext/zw-agentx.8 webui/zw-webui.8 "$DESTDIR$PREFIX/share/man/man8/"
install -m 0644 conf/zonewatch.conf.5 "$DESTDIR$PREFIX/share/man/man5/"
install -m 0644 signatures/isolation.rules signatures/protos.txt \
    "$DESTDIR$PREFIX/share/zonewatch/signatures/"
sed "s/{ enterprises 32473 }/{ enterprises $ENTERPRISE }/" \
    snmpd-ext/ZONEWATCH-MIB.txt >"$DESTDIR/usr/share/snmp/mibs/ZONEWATCH-MIB.txt"
chmod 0644 "$DESTDIR/usr/share/snmp/mibs/ZONEWATCH-MIB.txt"

# The units name the programs where this install put them.
for u in appliance/systemd/*; do
	sed -e "s|/usr/sbin/|$PREFIX/sbin/|g" \
	    -e "s|/etc/zonewatch/|$SYSCONFDIR/zonewatch/|g" \
	    -e "s|/etc/default/zonewatch|$SYSCONFDIR/default/zonewatch|g" \
	    -e "s|/var/lib/zonewatch|$LOCALSTATEDIR/lib/zonewatch|g" \
	    -e "s|^User=zw-|User=$DAEMON_PREFIX|" \
	    -e "s|^Group=zonewatch\$|Group=$DAEMON_GROUP|" \
	    "$u" >"$DESTDIR$SYSTEMDDIR/$(basename "$u")"
	chmod 0644 "$DESTDIR$SYSTEMDDIR/$(basename "$u")"
done

# The configuration: the shipped one, made to point at the installed
# signatures, the state directory and the daemons' user; a file already
# there is the operator's and stays as it is.
conf="$DESTDIR$SYSCONFDIR/zonewatch"
for f in conf/*.conf; do
	[ -e "$conf/$(basename "$f")" ] && continue
	sed -e "s|\"\.\./signatures/|\"$PREFIX/share/zonewatch/signatures/|" \
	    -e "s|/var/lib/zonewatch|$LOCALSTATEDIR/lib/zonewatch|g" \
	    "$f" >"$conf/$(basename "$f")"
	if [ "$(basename "$f")" = zonewatch.conf ]; then
		printf '\n# Installed: each daemon becomes its own account once what needs\n# root is open.\n' >>"$conf/zonewatch.conf"
		for dm in collector poller webui agentx; do
			printf '%s-user %s%s\n' "$dm" "$DAEMON_PREFIX" "$dm" \
			    >>"$conf/zonewatch.conf"
		done
	fi
	chmod 0640 "$conf/$(basename "$f")"
done
[ -e "$DESTDIR$SYSCONFDIR/default/zonewatch" ] ||
	install -m 0644 appliance/zonewatch.default \
	    "$DESTDIR$SYSCONFDIR/default/zonewatch"

sed "s/ root zonewatch / root $DAEMON_GROUP /" appliance/tmpfiles.conf \
    >"$DESTDIR$TMPFILESDIR/zonewatch.conf"
chmod 0644 "$DESTDIR$TMPFILESDIR/zonewatch.conf"

if [ "$CREATE_USER" = auto ]; then
	CREATE_USER=no
	[ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && CREATE_USER=yes
fi
if [ "$CREATE_USER" = yes ]; then
	appliance/user.sh "$SYSCONFDIR" "$LOCALSTATEDIR" "$DAEMON_GROUP" \
	    "$DAEMON_PREFIX"
fi
echo "zonewatch installed under ${DESTDIR:-/}"
