#!/bin/sh
# make run: the whole zonewatch appliance on one machine with no real
# network, in $ZW_DEMO_DIR (/tmp/zonewatch-demo, made anew each run).
#
#   - the collector replays the captures bundled in tests/pcap in a loop,
#     at their recorded pace (silences over a second shortened), as if they
#     came from a mirror port, onto the demo city of conf/ (抚州市, three
#     counties and their townships); violations appear in the store;
#   - snmpsim serves recordings of real switches with moving counters
#     (tests/snmprec: a Huawei S5720 and a ZTE 5928), and zw-poller polls
#     them as the counties' uplink switches; RRDs fill;
#   - a private snmpd, with zw-agentx attached, serves ZONEWATCH-MIB;
#   - zw-webui serves the UI on https://localhost:8443; the logins of the
#     four roles are printed below, made anew each run.
#
# Ctrl-C stops it all.  Ports: ZW_DEMO_LISTEN (127.0.0.1:8443),
# ZW_DEMO_SNMPSIM (11161), ZW_DEMO_SNMPD (11162).
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${ZW_DEMO_DIR:-/tmp/zonewatch-demo}
SPEED=${ZW_DEMO_SPEED:-1}
LISTEN=${ZW_DEMO_LISTEN:-127.0.0.1:8443}
SIM_PORT=${ZW_DEMO_SNMPSIM:-11161}
SNMPD_PORT=${ZW_DEMO_SNMPD:-11162}
COLLECTOR=${ZW_COLLECTOR:-collector/zw-collector}
POLLER=${ZW_POLLER:-poller/zw-poller}
WEBUI=${ZW_WEBUI:-webui/zw-webui}
AGENTX=${ZW_AGENTX:-snmpd-ext/zw-agentx}
ZWCTL=${ZW_ZWCTL:-ctl/zwctl}

rm -rf "$DIR"
mkdir -p "$DIR/snmpsim"
# As root, the daemons run as the appliance's accounts (made as make
# install makes them, appliance/user.sh), the state laid out as
# installed under $DIR/var; otherwise as the user running the demo.
STATE=$DIR
SIGS=$ROOT/signatures
USERS=""
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$DIR/etc/zonewatch"
	appliance/user.sh "$DIR/etc" "$DIR/var"
	STATE=$DIR/var/lib/zonewatch
	# The status files, written by the collector and the poller; the
	# others (snmpsim's nobody) may pass through to their own.
	chgrp zonewatch "$DIR"
	chmod 1771 "$DIR"
	# The accounts may not reach the checkout (a home directory).
	SIGS=$DIR/signatures
	mkdir -p "$SIGS"
	cp signatures/isolation.rules signatures/protos.txt "$SIGS/"
	chmod 0755 "$SIGS"
	chmod 0644 "$SIGS"/*
	USERS="collector-user zw-collector
poller-user zw-poller
webui-user zw-webui
agentx-user zw-agentx"
else
	mkdir -p "$STATE/rrd"
fi
PIDS=""
stop() {
	trap - INT TERM
	# TERM: programs started in the background of a script ignore INT.
	# The collector first (it writes its last records), then the rest.
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	# Fifteen seconds to end; a program still there then is killed.
	n=0
	while [ $n -lt 150 ]; do
		left=""
		for p in $PIDS; do
			kill -0 "$p" 2>/dev/null && left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.1
		n=$((n + 1))
	done
	for p in $left; do
		echo "zonewatch demo: $(ps -o comm= -p "$p") did not stop: killed" >&2
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	echo "zonewatch demo: stopped"
	exit 0
}
trap stop INT TERM

# The demo city, with the counties' uplinks on two simulated switches;
# the captures' private networks (192.168/16) become its offices', so
# that their traffic lands on its counties and townships.
sed -e '/^site fuzhou {/a\	network 192.168.0.0/16' \
    -e '/^site nancheng {/a\	network 192.168.0.0/18\n\tuplink sw-fuzhou GigabitEthernet0/0/1' \
    -e '/^site nancheng-jianchang {/a\	network 192.168.1.0/24' \
    -e '/^site nancheng-zhuliang {/a\	network 192.168.0.0/24' \
    -e '/^site lichuan {/a\	network 192.168.64.0/18\n\tuplink sw-fuzhou GigabitEthernet0/0/2' \
    -e '/^site lichuan-rifeng {/a\	network 192.168.100.0/24' \
    -e '/^site chongren {/a\	network 192.168.128.0/17\n\tuplink sw-chongren xgei_5/1' \
    -e '/^site chongren-bashan {/a\	network 192.168.178.0/24' \
    conf/sites.conf >"$DIR/sites.conf"
sed -e '/^zone external {/a\	network 192.168.0.0/16' conf/zones.conf \
    >"$DIR/zones.conf"
cp conf/exits.conf "$DIR/"
cat >"$DIR/zonewatch.conf" <<CONF
# The demo appliance: conf/zonewatch.conf's city, simulated switches.
include "zones.conf"
include "sites.conf"
include "exits.conf"
rules "$SIGS/isolation.rules"
protos "$SIGS/protos.txt"
retention-days 180
store "$STATE/events.db"
rrd-dir "$STATE/rrd"
status "$DIR/status.json"
poller-status "$DIR/poller.json"
report-dir "$STATE/reports"
report-key "$STATE/admin/report-key.pem"
webui-cert "$STATE/admin/webui.crt"
webui-key "$STATE/admin/webui.key"
$USERS
webui-listen "$LISTEN"
agentx-socket "$DIR/agentx.sock"
poll-interval 10
device sw-fuzhou {
	address 127.0.0.1
	port $SIM_PORT
	community dynamic-demo
}
device sw-chongren {
	address 127.0.0.1
	port $SIM_PORT
	community dynamic-demo-32bit
}
CONF

# Four logins, one a role, with passwords made now.
: >"$DIR/logins.txt"
chmod 600 "$DIR/logins.txt"
printf '  %-10s %-11s %s\n' user role password >>"$DIR/logins.txt"
for u in admin:sysadmin secadmin:secadmin auditor:auditadmin viewer:viewer; do
	pw="Zw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	printf '%s\n' "$pw" | "$ZWCTL" -c "$DIR/zonewatch.conf" user add \
	    "${u%%:*}" --role "${u#*:}" --password-stdin
	printf '  %-10s %-11s %s\n' "${u%%:*}" "${u#*:}" "$pw" >>"$DIR/logins.txt"
done

# The damaged captures are for the tests, not for a demo.
set --
for f in tests/pcap/ndpi/*; do
	case "${f##*/}" in
	fuzz-*|malformed*|*garbage*|*fragmented*) continue ;;
	esac
	set -- "$@" -r "$f"
done

if command -v snmpsimd >/dev/null; then
	SIMUSER=""
	RECS=$ROOT/tests/snmprec
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$DIR/snmpsim"
		SIMUSER="--process-user=nobody --process-group=nogroup"
		# nobody may not reach the checkout: a copy it can read.
		RECS=$DIR/snmprec
		cp -r tests/snmprec "$RECS"
		chmod -R a+rX "$RECS"
	fi
	# shellcheck disable=SC2086
	snmpsimd --data-dir="$RECS" --cache-dir="$DIR/snmpsim" \
	    --agent-udpv4-endpoint=127.0.0.1:"$SIM_PORT" \
	    --logging-method=null $SIMUSER &
	PIDS="$PIDS $!"
fi
if command -v snmpd >/dev/null || [ -x /usr/sbin/snmpd ]; then
	mkdir -p "$DIR/snmpd"
	cat >"$DIR/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:$SNMPD_PORT
master agentx
agentXSocket $DIR/agentx.sock
agentXPerms 0660 0770
rocommunity public 127.0.0.1
CONF
	SNMP_PERSISTENT_DIR="$DIR/snmpd" MIBS='' /usr/sbin/snmpd -f -C \
	    -c "$DIR/snmpd.conf" -I -smux -Lf "$DIR/snmpd.log" &
	PIDS="$PIDS $!"
fi
"$WEBUI" -c "$DIR/zonewatch.conf" 2>>"$DIR/webui.log" &
PIDS="$PIDS $!"
"$POLLER" --config "$DIR/zonewatch.conf" --status "$DIR/poller.json" \
    2>>"$DIR/poller.log" &
PIDS="$PIDS $!"
sleep 1
"$AGENTX" -c "$DIR/zonewatch.conf" --refresh 5 2>>"$DIR/agentx.log" &
PIDS="$PIDS $!"

cat <<MSG
zonewatch demo: the appliance on this machine, replaying $(($# / 2)) captures
  web UI           https://${LISTEN%:*}:${LISTEN##*:}  (self-signed certificate)
$(cat "$DIR/logins.txt")
  switches         snmpsim on 127.0.0.1:$SIM_PORT, polled every 10 s
  SNMP             snmpwalk -v2c -c public 127.0.0.1:$SNMPD_PORT .1.3.6.1.4.1.32473
  administration   $ZWCTL -c $DIR/zonewatch.conf status
  files            $DIR (state in $STATE)
  stop with Ctrl-C
MSG
"$COLLECTOR" --config "$DIR/zonewatch.conf" --loop 0 --speed "$SPEED" \
    --console --status "$DIR/status.json" --status-interval 5 \
    --flows-json "$DIR/flows.json" --store "$STATE/events.db" \
    --rrd-dir "$STATE/rrd" "$@" &
PIDS="$! $PIDS"
# Here until Ctrl-C; a daemon that ends on its own ends the demo.
wait "${PIDS%% *}" || true
stop
