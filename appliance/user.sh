#!/bin/sh
# The system user zonewatch, its state directory and the configuration's
# group: run by make install (as root) and by the Debian package's
# postinst.  Idempotent.
#   user.sh [sysconfdir] [localstatedir] [user] [group]
set -eu
etc=${1:-/etc}
var=${2:-/var}
user=${3:-zonewatch}
group=${4:-$user}
getent group "$group" >/dev/null || groupadd --system "$group"
getent passwd "$user" >/dev/null ||
	useradd --system --gid "$group" --home-dir "$var/lib/zonewatch" \
	    --no-create-home --shell /usr/sbin/nologin \
	    --comment "zonewatch appliance" "$user"
install -d -m 0750 -o "$user" -g "$group" "$var/lib/zonewatch"
chown -R "$user:$group" "$var/lib/zonewatch"
# The daemons read the configuration; only root writes it.
chgrp -R "$group" "$etc/zonewatch"
chmod 0750 "$etc/zonewatch"
