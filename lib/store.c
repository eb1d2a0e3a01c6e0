/*
 * The event store on SQLite.  WAL lets readers (zwctl, the web UI) work
 * while the collector writes; synchronous=FULL makes a commit survive a
 * power cut, not only a crash, and the collector commits once a second,
 * so the cost is one fsync a second.  The schema carries its version in
 * user_version and migrates forward on open.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "afile.h"
#include "store.h"
#include "store-db.h"
#include "store-key.h"
#include "store-schema.h"

#define BUSY_TIMEOUT_MS	5000

struct store {
	sqlite3		*db;
	char		*path;
	int		 readonly;
	const struct store_schema *schema;
	int		 key_state;	/* 0 not read yet, 1 held, -1 none */
	unsigned char	 key[STORE_KEY_LEN];
	sqlite3_stmt	*find, *name, *insert, *repeat, *count,
			*nevidence, *evidence;
};

#define STORE_STATE_NAME(id, name)	name,
static const char *const state_names[STORE_NSTATES] = {
	STORE_STATES(STORE_STATE_NAME)
};
#undef STORE_STATE_NAME

const char *
store_state_name(enum store_state s)
{
	return (unsigned)s < STORE_NSTATES ? state_names[s] : "?";
}

int
store_state_parse(const char *name)
{
	int	 i;

	for (i = 0; i < STORE_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

/* Each schema version is the step from the one before. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 1 */
	SCHEMA_VIOLATIONS
	SCHEMA_EVIDENCE
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  violation INTEGER NOT NULL"
	"    REFERENCES violations (id) ON DELETE CASCADE,"
	"  old_state INTEGER NOT NULL, new_state INTEGER NOT NULL,"
	"  who TEXT NOT NULL, at_us INTEGER NOT NULL,"
	"  comment TEXT NOT NULL);"
	"CREATE INDEX reviews_violation ON reviews (violation);",
	/* 2: events of the network, beside the violations */
	SCHEMA_EVENTS,
	/* 3: the audit trail (lib/audit.c), hash-chained */
	SCHEMA_AUDIT,
	/* 4: the administrators (lib/users.c) */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE, role INTEGER NOT NULL,"
	"  hash TEXT NOT NULL, password_us INTEGER NOT NULL,"
	"  must_change INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until_us INTEGER NOT NULL DEFAULT 0,"
	"  totp TEXT NOT NULL DEFAULT '',"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_us INTEGER NOT NULL,"
	"  last_login_us INTEGER NOT NULL DEFAULT 0);",
	/*
	 * 5: sessions follow the account (generation, bumped by every change
	 * that must end them), a TOTP step used once, enrolment confirmed by
	 * a first code, failures counted per address, and changes of another
	 * administrator role that wait for a second administrator.
	 */
	"ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';"
	SCHEMA_LOGIN_FAILURES
	SCHEMA_USER_CHANGES,
	/*
	 * 6: each administrator's row carries a MAC with the store's key
	 * (lib/users.c), so that one added or changed with SQL is refused.
	 */
	"ALTER TABLE users ADD COLUMN mac TEXT NOT NULL DEFAULT '';",
	/*
	 * 7: what administrators own moved to a database of its own
	 * (lib/store-admin.c), which the collector cannot open; the tables
	 * of a store from before leave at that store's first open.
	 */
	"",
	/* 8: exceptions (lib/store-exceptions.c) */
	SCHEMA_EXCEPTIONS,
};

/* A new store is made at the current version in one step. */
static const char events_create[] =
	SCHEMA_VIOLATIONS
	SCHEMA_EVIDENCE
	SCHEMA_EVENTS
	SCHEMA_EXCEPTIONS;

const struct store_schema store_events_schema = {
	"store", migrations, STORE_SCHEMA_VERSION, events_create,
	/* The collector, the poller and the web UI's account all write it. */
	0660,
	/* It holds no rows that a key seals. */
	NULL
};

static int
rc_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_IOERR:
		/* A write that the file system refused is a full disk too. */
		return rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
		    rc == SQLITE_IOERR_TRUNCATE ? STORE_FULL : STORE_ERR;
	default:
		return STORE_ERR;
	}
}

static int
exec(struct store *s, const char *sql)
{
	return rc_of(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

static int
migrate(struct store *s, const struct store_schema *sc, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;
	int		 version = 0, v;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > sc->version) {
		snprintf(err, errlen, "%s: schema version %d is newer than "
		    "this program's (%d)", s->path, version, sc->version);
		return -1;
	}
	if (version == sc->version)
		return 0;
	if (s->readonly) {
		/* A step that changes no table needs no writer to read. */
		for (v = version; v < sc->version; v++)
			if (sc->migrations[v][0] != '\0')
				break;
		if (v == sc->version && version > 0)
			return 0;
		snprintf(err, errlen, "%s: schema version %d needs an upgrade; "
		    "start the collector once", s->path, version);
		return -1;
	}
	if (exec(s, "BEGIN IMMEDIATE") != 0)
		goto fail;
	/* Another writer may have made it meanwhile. */
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail_rollback;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	for (v = version; v < sc->version; v++) {
		char	 sql[64];

		if (v == 0 && sc->create != NULL) {
			v = sc->version - 1;
			if (exec(s, sc->create) != 0)
				goto step_failed;
		} else if (exec(s, sc->migrations[v]) != 0)
			goto step_failed;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, sql) != 0)
			goto step_failed;
		continue;
step_failed:
		snprintf(err, errlen, "%s: migration to schema %d: %s",
		    s->path, v + 1, sqlite3_errmsg(s->db));
		exec(s, "ROLLBACK");
		return -1;
	}
	if (exec(s, "COMMIT") == 0)
		return 0;
fail_rollback:
	exec(s, "ROLLBACK");
fail:
	snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

/*
 * A new store is made whole under a name of its own (mode, owner, WAL,
 * schema) and linked into place only then: the daemons start together
 * and each may open it first, and a database seen before its owner was
 * set gave its -shm file (which SQLite, as root, gives the database's
 * owner of that moment) an owner the others could not open.  link()
 * fails if another made it meanwhile; theirs is used.
 */
static int
create_whole(const char *path, const struct store_schema *sc, char *err,
    size_t errlen)
{
	struct store	 t;
	char		 tmp[PATH_MAX];
	int		 fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.new-%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* Left by a crash of a process of this pid: never a link. */
	(void)unlink(tmp);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, sc->mode)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, sc->mode) == -1) {
		/* the file stays as umask made it: stricter, never wider */
	}
	close(fd);
	afile_own_like_dir(tmp);
	memset(&t, 0, sizeof(t));
	t.path = tmp;
	t.schema = sc;
	rc = -1;
	if (sqlite3_open_v2(tmp, &t.db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    exec(&t, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(&t, "PRAGMA synchronous = FULL") != 0) {
		snprintf(err, errlen, "%s: %s", tmp, t.db == NULL ?
		    "cannot open" : sqlite3_errmsg(t.db));
	} else if (migrate(&t, sc, err, errlen) == 0)
		rc = 0;
	/* The last to close removes its -wal and -shm. */
	sqlite3_close(t.db);
	if (rc == 0 && link(tmp, path) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	(void)unlink(tmp);
	return rc;
}

static int
prepare(struct store *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    st, NULL) == SQLITE_OK ? 0 : -1;
}

static int
prepare_writes(struct store *s)
{
	return prepare(s, &s->find,
	    "SELECT id FROM violations WHERE rule = ?1 AND src_ip = ?2 AND "
	    "dst_ip = ?3 AND (app = ?4 OR app = '' OR ?4 = '') AND"
	    " state <= 1 AND last_us >= ?5 AND first_us <= ?6"
	    " ORDER BY id DESC LIMIT 1") |
	    prepare(s, &s->name,
	    "UPDATE violations SET app = ?1, category = ?2,"
	    " hostname = CASE hostname WHEN '' THEN ?3 ELSE hostname END"
	    " WHERE id = ?4 AND app = ''") |
	    prepare(s, &s->insert,
	    "INSERT INTO violations (rule, severity, msg_zh, msg_en, l4proto,"
	    " src_ip, src_port, dst_ip, dst_port, vlan, src_zone, dst_zone,"
	    " src_site, dst_site, exit, app, category, hostname, detail,"
	    " first_us, last_us, flows, packets, bytes, created_us,"
	    " updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)") |
	    prepare(s, &s->repeat,
	    "UPDATE violations SET flows = flows + 1,"
	    " first_us = min(first_us, ?1), last_us = max(last_us, ?2),"
	    " packets = packets + ?3, bytes = bytes + ?4, updated_us = ?5"
	    " WHERE id = ?6") |
	    prepare(s, &s->count,
	    "UPDATE violations SET packets = packets + ?1,"
	    " bytes = bytes + ?2, last_us = max(last_us, ?3) WHERE id = ?4") |
	    prepare(s, &s->nevidence,
	    "SELECT count(*) FROM evidence WHERE violation = ?") |
	    prepare(s, &s->evidence,
	    "INSERT INTO evidence (violation, first_us, packets, pcap)"
	    " VALUES (?, ?, ?, ?)");
}

struct store *
store_open(const char *path, int flags, char *err, size_t errlen)
{
	return store_open_schema(path, flags, &store_events_schema, err,
	    errlen);
}

struct store *
store_open_schema(const char *path, int flags, const struct store_schema *sc,
    char *err, size_t errlen)
{
	struct store	*s;
	int		 oflags;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->readonly = (flags & STORE_READONLY) != 0;
	s->schema = sc;
	oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if ((flags & STORE_CREATE) && !s->readonly &&
	    access(path, F_OK) == -1 && errno == ENOENT &&
	    create_whole(path, sc, err, errlen) == -1) {
		store_close(s);
		return NULL;
	}
	/*
	 * A link in the store's place is never followed: the daemons'
	 * account could have planted it for root's zwctl.
	 */
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db == NULL ?
		    "cannot open" : sqlite3_extended_errcode(s->db) ==
		    SQLITE_CANTOPEN_SYMLINK ? "a symbolic link, not followed" :
		    sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if ((!s->readonly && (exec(s, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(s, "PRAGMA synchronous = FULL") != 0)) ||
	    exec(s, "PRAGMA foreign_keys = ON") != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	/* A file that is not a database says so here. */
	if (migrate(s, sc, err, errlen) == -1) {
		store_close(s);
		return NULL;
	}
	if (!s->readonly && sc == &store_events_schema &&
	    prepare_writes(s) != 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->find);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->repeat);
	sqlite3_finalize(s->count);
	sqlite3_finalize(s->name);
	sqlite3_finalize(s->nevidence);
	sqlite3_finalize(s->evidence);
	sqlite3_close(s->db);
	OPENSSL_cleanse(s->key, sizeof(s->key));
	free(s->path);
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return sqlite3_errmsg(s->db);
}

sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

const unsigned char *
store_key(struct store *s)
{
	int	 made = 0;

	if (s->key_state == 0) {
		s->key_state = storekey_load(s->path, !s->readonly, s->key,
		    &made) == 0 ? 1 : -1;
		/* What the schema does with a key it has just been given. */
		if (made && s->schema->key_made != NULL)
			s->schema->key_made(s);
	}
	return s->key_state == 1 ? s->key : NULL;
}

const unsigned char *
store_key_made(struct store *s)
{
	/* A writer that finds none yet may make it later (store_key()). */
	if (s->key_state == 0) {
		if (storekey_load(s->path, 0, s->key, NULL) == 0)
			s->key_state = 1;
		else if (s->readonly)
			s->key_state = -1;
	}
	return s->key_state == 1 ? s->key : NULL;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

int
store_begin(struct store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *s)
{
	int	 rv;

	if ((rv = exec(s, "COMMIT")) != 0)
		store_rollback(s);
	return rv;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
}

/* Runs a prepared write to its end and resets it for the next use. */
static int
step(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc_of(rc);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

int
store_violation_add(struct store *s, struct store_violation *v,
    int64_t window_us, int *created)
{
	sqlite3_stmt	*st;
	int		 rc, i = 1;

	*created = 0;
	if (window_us > 0) {
		st = s->find;
		sqlite3_bind_int64(st, 1, v->rule);
		bind_text(st, 2, v->src_ip);
		bind_text(st, 3, v->dst_ip);
		bind_text(st, 4, v->app);
		/*
		 * Within the window on either side: a capture read later
		 * may hold older traffic than the record has seen.
		 */
		sqlite3_bind_int64(st, 5, v->first_us - window_us);
		sqlite3_bind_int64(st, 6, v->last_us + window_us);
		rc = sqlite3_step(st);
		v->id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return rc_of(rc);
		if (v->id != 0) {
			st = s->repeat;
			sqlite3_bind_int64(st, 1, v->first_us);
			sqlite3_bind_int64(st, 2, v->last_us);
			sqlite3_bind_int64(st, 3, v->packets);
			sqlite3_bind_int64(st, 4, v->bytes);
			sqlite3_bind_int64(st, 5, v->updated_us);
			sqlite3_bind_int64(st, 6, v->id);
			return step(st);
		}
	}
	st = s->insert;
	sqlite3_bind_int64(st, i++, v->rule);
	sqlite3_bind_int(st, i++, v->severity);
	bind_text(st, i++, v->msg_zh);
	bind_text(st, i++, v->msg_en);
	bind_text(st, i++, v->l4proto);
	bind_text(st, i++, v->src_ip);
	sqlite3_bind_int(st, i++, v->src_port);
	bind_text(st, i++, v->dst_ip);
	sqlite3_bind_int(st, i++, v->dst_port);
	sqlite3_bind_int(st, i++, v->vlan);
	bind_text(st, i++, v->src_zone);
	bind_text(st, i++, v->dst_zone);
	bind_text(st, i++, v->src_site);
	bind_text(st, i++, v->dst_site);
	bind_text(st, i++, v->exit);
	bind_text(st, i++, v->app);
	bind_text(st, i++, v->category);
	bind_text(st, i++, v->hostname);
	bind_text(st, i++, v->detail);
	sqlite3_bind_int64(st, i++, v->first_us);
	sqlite3_bind_int64(st, i++, v->last_us);
	sqlite3_bind_int64(st, i++, v->packets);
	sqlite3_bind_int64(st, i++, v->bytes);
	sqlite3_bind_int64(st, i++, v->created_us);
	sqlite3_bind_int64(st, i++, v->updated_us);
	if ((rc = step(st)) != 0)
		return rc;
	v->id = sqlite3_last_insert_rowid(s->db);
	*created = 1;
	return 0;
}

int
store_violation_name(struct store *s, int64_t id, const char *app,
    const char *category, const char *hostname)
{
	bind_text(s->name, 1, app);
	bind_text(s->name, 2, category);
	bind_text(s->name, 3, hostname);
	sqlite3_bind_int64(s->name, 4, id);
	return step(s->name);
}

int
store_violation_count(struct store *s, int64_t id, int64_t packets,
    int64_t bytes, int64_t last_us)
{
	sqlite3_bind_int64(s->count, 1, packets);
	sqlite3_bind_int64(s->count, 2, bytes);
	sqlite3_bind_int64(s->count, 3, last_us);
	sqlite3_bind_int64(s->count, 4, id);
	return step(s->count);
}

int
store_evidence_add(struct store *s, int64_t violation, int64_t first_us,
    int64_t packets, const void *pcap, size_t len, int max)
{
	int64_t	 have;
	int	 rc;

	sqlite3_bind_int64(s->nevidence, 1, violation);
	rc = sqlite3_step(s->nevidence);
	have = rc == SQLITE_ROW ? sqlite3_column_int64(s->nevidence, 0) : 0;
	sqlite3_reset(s->nevidence);
	if (rc != SQLITE_ROW)
		return rc_of(rc);
	if (have >= max)
		return 0;
	sqlite3_bind_int64(s->evidence, 1, violation);
	sqlite3_bind_int64(s->evidence, 2, first_us);
	sqlite3_bind_int64(s->evidence, 3, packets);
	sqlite3_bind_blob64(s->evidence, 4, pcap, len, SQLITE_TRANSIENT);
	return step(s->evidence);
}

/*
 * What can be reviewed, a row each: the kind the history names, the
 * table, and what a review also changes there.  A violation's review is
 * a change that retention counts from; an event's purge reads
 * reviewed_us itself.
 */
static const struct {
	const char	*kind;
	const char	*table;
	const char	*also;
} reviewed[] = {
	[STORE_REVIEW_VIOLATION] = { "violation", "violations",
	    ", updated_us = max(updated_us, ?3)" },
	[STORE_REVIEW_EVENT] = { "event", "events", "" },
};

/*
 * A review is a state change with who, when and why, for a violation and
 * an event alike; the history is kept (the administrators' store), the
 * record shows the latest.  Marking a false positive or a resolution
 * needs a comment: someone will ask why.
 */
int
store_review(struct store *s, struct store *admin, enum store_review kind,
    int64_t id, enum store_state state, const char *who, const char *comment,
    int64_t now_us)
{
	sqlite3_stmt	*st = NULL;
	char		 sql[256];
	int		 rc, old;

	if ((unsigned)kind >= sizeof(reviewed) / sizeof(reviewed[0]) ||
	    (unsigned)state >= STORE_NSTATES || who == NULL || *who == '\0')
		return STORE_INVALID;
	if ((state == STORE_RESOLVED || state == STORE_FALSE_POSITIVE) &&
	    (comment == NULL || *comment == '\0'))
		return STORE_INVALID;
	if (comment == NULL)
		comment = "";
	if ((rc = store_begin(s)) != 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT state FROM %s WHERE id = ?",
	    reviewed[kind].table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = STORE_ERR;
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	old = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : rc_of(rc);
		goto fail;
	}
	if (old == (int)state) {
		rc = STORE_INVALID;
		goto fail;
	}
	snprintf(sql, sizeof(sql), "UPDATE %s SET state = ?1,"
	    " reviewed_by = ?2, reviewed_us = ?3, comment = ?4%s WHERE id = ?5",
	    reviewed[kind].table, reviewed[kind].also);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = STORE_ERR;
		goto fail;
	}
	sqlite3_bind_int(st, 1, state);
	bind_text(st, 2, who);
	sqlite3_bind_int64(st, 3, now_us);
	bind_text(st, 4, comment);
	sqlite3_bind_int64(st, 5, id);
	rc = step(st);
	sqlite3_finalize(st);
	if (rc != 0)
		goto fail;
	/*
	 * The history is committed before the state: a crash between the
	 * two leaves a change asked for and not shown, never one shown
	 * that the history lacks.
	 */
	if (sqlite3_prepare_v2(admin->db, "INSERT INTO reviews (kind, record,"
	    " old_state, new_state, who, at_us, comment) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		rc = STORE_ERR;
		goto fail;
	}
	bind_text(st, 1, reviewed[kind].kind);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, old);
	sqlite3_bind_int(st, 4, state);
	bind_text(st, 5, who);
	sqlite3_bind_int64(st, 6, now_us);
	bind_text(st, 7, comment);
	rc = step(st);
	sqlite3_finalize(st);
	if (rc != 0)
		goto fail;
	return store_commit(s);
fail:
	store_rollback(s);
	return rc;
}

/* Deletes the rows sql names as older than before_us; adds how many. */
static int
delete_before(struct store *s, const char *sql, int64_t before_us,
    int64_t *removed)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, before_us);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc_of(rc);
	*removed += sqlite3_changes64(s->db);
	return 0;
}

int
store_purge(struct store *s, int64_t before_us, int64_t *removed)
{
	int	 rc;

	*removed = 0;
	if ((rc = delete_before(s, "DELETE FROM violations WHERE updated_us"
	    " < ?", before_us, removed)) != 0)
		return rc;
	/* Events are kept as long, from when they were written. */
	return delete_before(s, "DELETE FROM events WHERE max(created_us,"
	    " reviewed_us) < ?", before_us, removed);
}

/* Events --------------------------------------------------------------- */

int
store_event_add(struct store *s, struct store_event *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO events (kind, severity,"
	    " device, port, site, detail, at_us, created_us) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	bind_text(st, 1, e->kind);
	sqlite3_bind_int(st, 2, e->severity);
	bind_text(st, 3, e->device);
	bind_text(st, 4, e->port);
	bind_text(st, 5, e->site);
	bind_text(st, 6, e->detail);
	sqlite3_bind_int64(st, 7, e->at_us);
	sqlite3_bind_int64(st, 8, e->created_us);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc_of(rc);
	e->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

#define SELECT_EVENT	"SELECT id, kind, severity, device, port, site,"	\
	" detail, at_us, state, reviewed_by, reviewed_us, comment,"	\
	" created_us FROM events"

/* Hands each row of a SELECT_EVENT to fn, then finalizes. */
static int
each_event(sqlite3_stmt *st, store_event_fn fn, void *arg)
{
	struct store_event	 e;
	int			 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, e.kind, sizeof(e.kind));
		e.severity = sqlite3_column_int(st, 2);
		store_col_text(st, 3, e.device, sizeof(e.device));
		store_col_text(st, 4, e.port, sizeof(e.port));
		store_col_text(st, 5, e.site, sizeof(e.site));
		store_col_text(st, 6, e.detail, sizeof(e.detail));
		e.at_us = sqlite3_column_int64(st, 7);
		e.state = (enum store_state)sqlite3_column_int(st, 8);
		store_col_text(st, 9, e.reviewed_by, sizeof(e.reviewed_by));
		e.reviewed_us = sqlite3_column_int64(st, 10);
		store_col_text(st, 11, e.comment, sizeof(e.comment));
		e.created_us = sqlite3_column_int64(st, 12);
		if (fn(arg, &e) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc_of(rc);
}

int
store_events(struct store *s, int64_t since_us, const char *kind,
    const char *device, const char *site, int64_t limit, store_event_fn fn,
    void *arg)
{
	sqlite3_stmt		*st;

	if (sqlite3_prepare_v2(s->db, SELECT_EVENT " WHERE at_us >= ?1"
	    " AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR device = ?3)"
	    " AND (?4 IS NULL OR site = ?4) ORDER BY id DESC LIMIT ?5", -1,
	    &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, since_us);
	if (kind)
		bind_text(st, 2, kind);
	if (device)
		bind_text(st, 3, device);
	if (site)
		bind_text(st, 4, site);
	sqlite3_bind_int64(st, 5, limit > 0 ? limit : -1);
	return each_event(st, fn, arg);
}

/* Events recorded after an id, oldest first. */
int
store_events_after(struct store *s, int64_t after_id, int64_t limit,
    store_event_fn fn, void *arg)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, SELECT_EVENT " WHERE id > ?1"
	    " ORDER BY id LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	return each_event(st, fn, arg);
}

/* Reading ------------------------------------------------------------------ */


#define SELECT_VIOLATION						\
	"SELECT v.id, rule, severity, msg_zh, msg_en, l4proto, src_ip,"	\
	" src_port, dst_ip, dst_port, vlan, src_zone, dst_zone, src_site,"	\
	" dst_site, exit, app, category, hostname, detail, v.first_us,"	\
	" last_us, flows, v.packets, bytes, state, reviewed_by,"	\
	" reviewed_us, comment, created_us, updated_us,"		\
	" (SELECT count(*) FROM evidence e WHERE e.violation = v.id)"	\
	" FROM violations v"

void
store_col_text(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static void
row_violation(sqlite3_stmt *st, struct store_violation *v)
{
	int	 i = 0;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, i++);
	v->rule = (uint32_t)sqlite3_column_int64(st, i++);
	v->severity = sqlite3_column_int(st, i++);
	store_col_text(st, i++, v->msg_zh, sizeof(v->msg_zh));
	store_col_text(st, i++, v->msg_en, sizeof(v->msg_en));
	store_col_text(st, i++, v->l4proto, sizeof(v->l4proto));
	store_col_text(st, i++, v->src_ip, sizeof(v->src_ip));
	v->src_port = (uint16_t)sqlite3_column_int(st, i++);
	store_col_text(st, i++, v->dst_ip, sizeof(v->dst_ip));
	v->dst_port = (uint16_t)sqlite3_column_int(st, i++);
	v->vlan = (uint16_t)sqlite3_column_int(st, i++);
	store_col_text(st, i++, v->src_zone, sizeof(v->src_zone));
	store_col_text(st, i++, v->dst_zone, sizeof(v->dst_zone));
	store_col_text(st, i++, v->src_site, sizeof(v->src_site));
	store_col_text(st, i++, v->dst_site, sizeof(v->dst_site));
	store_col_text(st, i++, v->exit, sizeof(v->exit));
	store_col_text(st, i++, v->app, sizeof(v->app));
	store_col_text(st, i++, v->category, sizeof(v->category));
	store_col_text(st, i++, v->hostname, sizeof(v->hostname));
	store_col_text(st, i++, v->detail, sizeof(v->detail));
	v->first_us = sqlite3_column_int64(st, i++);
	v->last_us = sqlite3_column_int64(st, i++);
	v->flows = sqlite3_column_int64(st, i++);
	v->packets = sqlite3_column_int64(st, i++);
	v->bytes = sqlite3_column_int64(st, i++);
	v->state = (enum store_state)sqlite3_column_int(st, i++);
	store_col_text(st, i++, v->reviewed_by, sizeof(v->reviewed_by));
	v->reviewed_us = sqlite3_column_int64(st, i++);
	store_col_text(st, i++, v->comment, sizeof(v->comment));
	v->created_us = sqlite3_column_int64(st, i++);
	v->updated_us = sqlite3_column_int64(st, i++);
	v->nevidence = sqlite3_column_int64(st, i++);
}

/* Each row of a prepared selection of violations, until fn says stop. */
static int
walk_violations(sqlite3_stmt *st, store_violation_fn fn, void *arg)
{
	struct store_violation	 v;
	int			 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_violation(st, &v);
		if (fn(arg, &v) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc_of(rc);
}

void
store_filter_init(struct store_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->max_severity = -1;
	f->state = -1;
}

/*
 * Every condition is always present and neutral when unset, so the
 * statement is one text and every value is a bound parameter.
 */
int
store_violations(struct store *s, const struct store_filter *f,
    store_violation_fn fn, void *arg)
{
	sqlite3_stmt		*st;

	if (sqlite3_prepare_v2(s->db, SELECT_VIOLATION
	    " WHERE (?1 = 0 OR last_us >= ?1) AND (?2 = 0 OR v.first_us < ?2)"
	    " AND (?3 = 0 OR rule = ?3) AND (?4 < 0 OR severity <= ?4)"
	    " AND (?5 < 0 OR state = ?5)"
	    " AND (?6 IS NULL OR src_site = ?6 OR dst_site = ?6)"
	    " AND (?7 IS NULL OR src_zone = ?7 OR dst_zone = ?7)"
	    " AND (?8 IS NULL OR app = ?8)"
	    " AND (?9 IS NULL OR src_ip = ?9 OR dst_ip = ?9)"
	    " AND v.id < ?11"
	    " ORDER BY v.id DESC LIMIT ?10", -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, f->since_us);
	sqlite3_bind_int64(st, 2, f->until_us);
	sqlite3_bind_int64(st, 3, f->rule);
	sqlite3_bind_int(st, 4, f->max_severity);
	sqlite3_bind_int(st, 5, f->state);
	if (f->site)
		bind_text(st, 6, f->site);
	if (f->zone)
		bind_text(st, 7, f->zone);
	if (f->app)
		bind_text(st, 8, f->app);
	if (f->ip)
		bind_text(st, 9, f->ip);
	sqlite3_bind_int64(st, 10, f->limit > 0 ? f->limit : -1);
	/* Always a bound on the id, so that pages walk the rowid. */
	sqlite3_bind_int64(st, 11, f->before_id > 0 ? f->before_id :
	    INT64_MAX);
	return walk_violations(st, fn, arg);
}

int
store_violation_get(struct store *s, int64_t id, struct store_violation *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, SELECT_VIOLATION " WHERE v.id = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_violation(st, v);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? 0 : rc_of(rc);
}

int
store_evidence(struct store *s, int64_t violation, store_evidence_fn fn,
    void *arg)
{
	struct store_evidence	 e;
	sqlite3_stmt		*st;
	int			 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, violation, first_us,"
	    " packets, pcap FROM evidence WHERE violation = ? ORDER BY id",
	    -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, violation);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.violation = sqlite3_column_int64(st, 1);
		e.first_us = sqlite3_column_int64(st, 2);
		e.packets = sqlite3_column_int64(st, 3);
		e.pcap = sqlite3_column_blob(st, 4);
		e.len = (size_t)sqlite3_column_bytes(st, 4);
		if (fn(arg, &e) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc_of(rc);
}

int
store_oldest(struct store *s, int64_t *created_us)
{
	sqlite3_stmt	*st;
	int		 rc;

	*created_us = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT min(created_us) FROM violations",
	    -1, &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*created_us = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc_of(rc);
}

/* Records by severity and state, and the newest id, for a summary. */
int
store_violation_counts(struct store *s, int64_t counts[][STORE_NSTATES],
    int nseverities, int64_t *newest)
{
	sqlite3_stmt	*st;
	int		 rc, sev, state;

	memset(counts, 0, sizeof(counts[0]) * (size_t)nseverities);
	*newest = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT severity, state, count(*)"
	    " FROM violations GROUP BY state, severity", -1, &st,
	    NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sev = sqlite3_column_int(st, 0);
		state = sqlite3_column_int(st, 1);
		if (sev >= 0 && sev < nseverities && state >= 0 &&
		    state < STORE_NSTATES)
			counts[sev][state] = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc_of(rc);
	if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM violations", -1,
	    &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*newest = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc_of(rc);
}

/* Records made after an id, oldest first: what is new to a watcher. */
int
store_violations_after(struct store *s, int64_t after_id, int64_t upto_id,
    int max_severity, int64_t limit, store_violation_fn fn, void *arg)
{
	sqlite3_stmt		*st;

	if (sqlite3_prepare_v2(s->db, SELECT_VIOLATION " WHERE v.id > ?1"
	    " AND v.id <= ?2 AND severity <= ?3 ORDER BY v.id LIMIT ?4", -1,
	    &st, NULL) != SQLITE_OK)
		return rc_of(sqlite3_errcode(s->db));
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, upto_id);
	sqlite3_bind_int(st, 3, max_severity);
	sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
	return walk_violations(st, fn, arg);
}
