/*
 * The tables of the two stores as they were first made, shared by the
 * migrations of a store from before (lib/store.c) and the schemas a new
 * store is made at in one step (lib/store.c, lib/store-admin.c).  A
 * later change to a table is a migration of its own, never an edit here.
 */
#ifndef ZW_STORE_SCHEMA_H
#define ZW_STORE_SCHEMA_H

#define SCHEMA_VIOLATIONS \
	"CREATE TABLE violations (" \
	"  id INTEGER PRIMARY KEY," \
	"  rule INTEGER NOT NULL, severity INTEGER NOT NULL," \
	"  msg_zh TEXT NOT NULL, msg_en TEXT NOT NULL," \
	"  l4proto TEXT NOT NULL," \
	"  src_ip TEXT NOT NULL, src_port INTEGER NOT NULL," \
	"  dst_ip TEXT NOT NULL, dst_port INTEGER NOT NULL," \
	"  vlan INTEGER NOT NULL," \
	"  src_zone TEXT NOT NULL, dst_zone TEXT NOT NULL," \
	"  src_site TEXT NOT NULL, dst_site TEXT NOT NULL," \
	"  exit TEXT NOT NULL, app TEXT NOT NULL, category TEXT NOT NULL," \
	"  hostname TEXT NOT NULL, detail TEXT NOT NULL," \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL," \
	"  flows INTEGER NOT NULL, packets INTEGER NOT NULL," \
	"  bytes INTEGER NOT NULL," \
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3)," \
	"  reviewed_by TEXT NOT NULL DEFAULT ''," \
	"  reviewed_us INTEGER NOT NULL DEFAULT 0," \
	"  comment TEXT NOT NULL DEFAULT ''," \
	"  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL);" \
	"CREATE INDEX violations_repeat ON violations" \
	"  (rule, src_ip, dst_ip, app, last_us);" \
	"CREATE INDEX violations_last ON violations (last_us);" \
	"CREATE INDEX violations_updated ON violations (updated_us);" \
	"CREATE INDEX violations_state ON violations (state, severity);"

#define SCHEMA_EVIDENCE \
	"CREATE TABLE evidence (" \
	"  id INTEGER PRIMARY KEY," \
	"  violation INTEGER NOT NULL" \
	"    REFERENCES violations (id) ON DELETE CASCADE," \
	"  first_us INTEGER NOT NULL, packets INTEGER NOT NULL," \
	"  pcap BLOB NOT NULL);" \
	"CREATE INDEX evidence_violation ON evidence (violation);"

#define SCHEMA_EVENTS \
	"CREATE TABLE events (" \
	"  id INTEGER PRIMARY KEY," \
	"  kind TEXT NOT NULL, severity INTEGER NOT NULL," \
	"  device TEXT NOT NULL, port TEXT NOT NULL, site TEXT NOT NULL," \
	"  detail TEXT NOT NULL, at_us INTEGER NOT NULL," \
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3)," \
	"  reviewed_by TEXT NOT NULL DEFAULT ''," \
	"  reviewed_us INTEGER NOT NULL DEFAULT 0," \
	"  comment TEXT NOT NULL DEFAULT ''," \
	"  created_us INTEGER NOT NULL);" \
	"CREATE INDEX events_at ON events (at_us);" \
	"CREATE INDEX events_created ON events (created_us);"

#define SCHEMA_EXCEPTIONS \
	"CREATE TABLE exceptions (" \
	"  id INTEGER PRIMARY KEY," \
	"  host TEXT NOT NULL, rule INTEGER NOT NULL DEFAULT 0," \
	"  app TEXT NOT NULL DEFAULT '', peer TEXT NOT NULL DEFAULT ''," \
	"  until_us INTEGER NOT NULL, reason TEXT NOT NULL," \
	"  made_by TEXT NOT NULL, made_us INTEGER NOT NULL," \
	"  violation INTEGER NOT NULL DEFAULT 0," \
	"  revoked_us INTEGER NOT NULL DEFAULT 0," \
	"  revoked_by TEXT NOT NULL DEFAULT ''," \
	"  hits INTEGER NOT NULL DEFAULT 0," \
	"  last_hit_us INTEGER NOT NULL DEFAULT 0);"

#define SCHEMA_AUDIT \
	"CREATE TABLE audit (" \
	"  id INTEGER PRIMARY KEY AUTOINCREMENT," \
	"  at_us INTEGER NOT NULL," \
	"  actor TEXT NOT NULL, role TEXT NOT NULL, address TEXT NOT NULL," \
	"  action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT NOT NULL," \
	"  outcome TEXT NOT NULL," \
	"  alg TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);" \
	"CREATE INDEX audit_at ON audit (at_us);" \
	"CREATE INDEX audit_action ON audit (action, at_us);" \
	"CREATE TABLE audit_anchor (" \
	"  one INTEGER PRIMARY KEY CHECK (one = 1)," \
	"  first_id INTEGER NOT NULL, prev TEXT NOT NULL);"

#define SCHEMA_LOGIN_FAILURES \
	"CREATE TABLE login_failures (" \
	"  name TEXT NOT NULL, address TEXT NOT NULL," \
	"  failures INTEGER NOT NULL, locked_until_us INTEGER NOT NULL," \
	"  seen_us INTEGER NOT NULL," \
	"  PRIMARY KEY (name, address));"

#define SCHEMA_USER_CHANGES \
	"CREATE TABLE user_changes (" \
	"  id INTEGER PRIMARY KEY," \
	"  action TEXT NOT NULL, target TEXT NOT NULL," \
	"  role INTEGER NOT NULL, hash TEXT NOT NULL," \
	"  requested_by TEXT NOT NULL, requested_role INTEGER NOT NULL," \
	"  requested_us INTEGER NOT NULL," \
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 2)," \
	"  decided_by TEXT NOT NULL DEFAULT ''," \
	"  decided_us INTEGER NOT NULL DEFAULT 0);"

#endif
