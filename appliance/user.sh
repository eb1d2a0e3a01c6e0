#!/bin/sh
# The daemons' accounts, their directories and the configuration's group:
# run by make install (as root) and by the Debian package's postinst.
# Idempotent; on an installation of one shared account it moves the files
# to the accounts that own them now.
#   user.sh [sysconfdir] [localstatedir] [group] [prefix]
#
# One account per daemon ({prefix}collector, {prefix}poller, {prefix}webui,
# {prefix}agentx), all of the group, which reads the configuration and
# shares the event store.  The administrators' store, the audit key, the
# report key and the TLS key are the web UI's account's alone: the packet
# parser cannot read them.
#
#   state/              root:group 1770  (the group makes the event store;
#                                         sticky: none removes another's)
#   state/events.db     collector 0660   (the poller and the web UI write)
#   state/rrd/          collector 1770   (the poller's RRDs beside)
#   state/admin/        webui 0750       (admin.db, audit.key 0600;
#                                         audit-head 0640, for the others)
#   state/reports/      webui 0750
#   state/collector/ state/poller/ state/agentx/   each its own, 0700
set -eu
etc=${1:-/etc}
var=${2:-/var}
group=${3:-zonewatch}
prefix=${4:-zw-}
state=$var/lib/zonewatch

getent group "$group" >/dev/null || groupadd --system "$group"
for d in collector poller webui agentx; do
	u=$prefix$d
	home=$state/$d
	[ "$d" = webui ] && home=$state/admin
	getent passwd "$u" >/dev/null ||
		useradd --system --gid "$group" --home-dir "$home" \
		    --no-create-home --shell /usr/sbin/nologin \
		    --comment "zonewatch $d" "$u"
done

install -d -m 1770 -o root -g "$group" "$state"
install -d -m 1770 -o "${prefix}collector" -g "$group" "$state/rrd"
install -d -m 0750 -o "${prefix}webui" -g "$group" "$state/admin"
install -d -m 0750 -o "${prefix}webui" -g "$group" "$state/reports"
for d in collector poller agentx; do
	install -d -m 0700 -o "$prefix$d" -g "$group" "$state/$d"
done

# Owners of what is there (an upgrade from one shared account, a restore);
# never through a link: find does not follow them, chown -h and chmod are
# given only regular files and directories.
own() {	# owner mode file...
	o=$1 m=$2
	shift 2
	for f in "$@"; do
		[ -f "$f" ] && [ ! -L "$f" ] || continue
		chown -h "$o:$group" "$f"
		chmod "$m" "$f"
	done
}
own "${prefix}collector" 0660 "$state"/*.db "$state"/*.db-wal "$state"/*.db-shm
find "$state/rrd" -xdev \( -type d -o -type f \) -exec chown -h "${prefix}collector:$group" {} + \
    -exec chmod g+rw,o-rwx {} +
own "${prefix}webui" 0600 "$state"/admin/admin.db* "$state"/admin/audit.key \
    "$state/audit.key" "$state/report-key.pem" "$state/webui.key" \
    "$state"/admin/report-key.pem "$state"/admin/webui.key
own "${prefix}webui" 0640 "$state/admin/audit-head" "$state/webui.crt" \
    "$state/admin/webui.crt" "$state/report-key.pub"
find "$state/reports" -xdev \( -type d -o -type f \) -exec chown -h "${prefix}webui:$group" {} +

# The daemons read the configuration; only root writes it.
chgrp -R "$group" "$etc/zonewatch"
chmod 0750 "$etc/zonewatch"

# The status files' directory, shared by the collector and the poller.
if [ -d /usr/lib/tmpfiles.d ] && command -v systemd-tmpfiles >/dev/null &&
    [ "$var" = /var ]; then
	systemd-tmpfiles --create zonewatch.conf 2>/dev/null || true
fi
