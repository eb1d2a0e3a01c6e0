#!/bin/sh
# The system user zonewatch, its state directory and the configuration's
# group: run by make install (as root) and by the Debian package's
# postinst.  Idempotent.
#   user.sh [sysconfdir] [localstatedir]
set -eu
etc=${1:-/etc}
var=${2:-/var}
getent group zonewatch >/dev/null || groupadd --system zonewatch
getent passwd zonewatch >/dev/null ||
	useradd --system --gid zonewatch --home-dir "$var/lib/zonewatch" \
	    --no-create-home --shell /usr/sbin/nologin \
	    --comment "zonewatch appliance" zonewatch
install -d -m 0750 -o zonewatch -g zonewatch "$var/lib/zonewatch"
chown -R zonewatch:zonewatch "$var/lib/zonewatch"
# The daemons read the configuration; only root writes it.
chgrp -R zonewatch "$etc/zonewatch"
chmod 0750 "$etc/zonewatch"
