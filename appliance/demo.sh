#!/bin/sh
# make run: zonewatch on one machine with no real network.
#
# The collector replays the captures bundled in tests/pcap in a loop, at
# their recorded pace (silences over a second shortened), as if they came
# from a mirror port, and prints what it sees every five seconds.  Its
# status snapshot, flow records and violations store go to $ZW_DEMO_DIR.
# Ctrl-C stops it.
set -eu
cd "$(dirname "$0")/.."
DIR=${ZW_DEMO_DIR:-/tmp/zonewatch-demo}
SPEED=${ZW_DEMO_SPEED:-1}
mkdir -p "$DIR"

# The damaged captures are for the tests, not for a demo.
set --
for f in tests/pcap/ndpi/*; do
	case "${f##*/}" in
	fuzz-*|malformed*|*garbage*|*fragmented*) continue ;;
	esac
	set -- "$@" -r "$f"
done

cat <<MSG
zonewatch demo: replaying $(($# / 2)) bundled captures in a loop (speed $SPEED)
  status snapshot  $DIR/status.json
  flow records     $DIR/flows.json (JSON lines)
  violations       ctl/zwctl -s $DIR/events.db violations list
  stop with Ctrl-C
MSG
exec "${ZW_COLLECTOR:-collector/zw-collector}" --config conf/zonewatch.conf \
    --loop 0 --speed "$SPEED" --console \
    --status "$DIR/status.json" --status-interval 5 \
    --flows-json "$DIR/flows.json" --store "$DIR/events.db" "$@"
