/*
 * The administrators' store: accounts, login failures, changes waiting
 * for a second administrator, the audit trail and the review history.
 * It is a database of its own, in a directory of the web UI's account,
 * so that the packet parser, which writes the event store, can neither
 * read nor write it (one memory-safety bug in a decoder is then the
 * collector, not the appliance).
 *
 * Stores from before the split kept these tables in the event store.
 * They move over at the first open that can write both, row for row with
 * their ids (INSERT OR IGNORE: a move cut short by a crash is finished by
 * the next open, nothing twice), and the store's key moves with them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "afile.h"
#include "store.h"
#include "store-db.h"
#include "store-key.h"
#include "store-schema.h"

static const char admin_create[] =
	SCHEMA_AUDIT
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
	"  last_login_us INTEGER NOT NULL DEFAULT 0,"
	"  generation INTEGER NOT NULL DEFAULT 0,"
	"  totp_step INTEGER NOT NULL DEFAULT 0,"
	"  totp_pending TEXT NOT NULL DEFAULT '',"
	"  mac TEXT NOT NULL DEFAULT '');"
	SCHEMA_LOGIN_FAILURES
	SCHEMA_USER_CHANGES
	/*
	 * A review names its record by kind (violation, event) and id; the
	 * record is in the other store.
	 */
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL, record INTEGER NOT NULL,"
	"  old_state INTEGER NOT NULL, new_state INTEGER NOT NULL,"
	"  who TEXT NOT NULL, at_us INTEGER NOT NULL,"
	"  comment TEXT NOT NULL);"
	"CREATE INDEX reviews_record ON reviews (kind, record);";

static const char *const admin_migrations[STORE_ADMIN_SCHEMA_VERSION] = {
	admin_create,
};

static const struct store_schema admin_schema = {
	"administrators' store", admin_migrations, STORE_ADMIN_SCHEMA_VERSION,
	admin_create,
	/* Its account's alone. */
	0600,
	/*
	 * The key is new: the administrators there are now are the ones
	 * zonewatch knows (an upgrade, a first account); any added later
	 * without it is not sealed.
	 */
	users_seal_unsealed
};

/*
 * The tables that move: the columns they had at event schema 6, and what
 * those are here where the names changed.
 */
static const struct {
	const char	*table;
	const char	*columns;
	const char	*into;		/* NULL: the same */
} moved[] = {
	{ "audit", "id, at_us, actor, role, address, action, object, detail,"
	    " outcome, alg, prev, hash", NULL },
	{ "audit_anchor", "one, first_id, prev", NULL },
	{ "users", "id, name, role, hash, password_us, must_change, failures,"
	    " locked_until_us, totp, disabled, created_us, last_login_us,"
	    " generation, totp_step, totp_pending, mac", NULL },
	{ "login_failures", "name, address, failures, locked_until_us,"
	    " seen_us", NULL },
	{ "user_changes", "id, action, target, role, hash, requested_by,"
	    " requested_role, requested_us, state, decided_by, decided_us",
	    NULL },
	/* Reviews were of violations only. */
	{ "reviews", "id, 'violation', violation, old_state, new_state, who,"
	    " at_us, comment", "id, kind, record, old_state, new_state, who,"
	    " at_us, comment" },
};

static int
has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt	*st;
	int		 found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM legacy.sqlite_master WHERE"
	    " type = 'table' AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int
move_tables(sqlite3 *db, int *nmoved)
{
	char	 sql[1024];
	size_t	 i;
	int	 h;

	*nmoved = 0;
	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		if ((h = has_table(db, moved[i].table)) == -1)
			return -1;
		if (h == 0)
			continue;
		/* AUTOINCREMENT's counter goes with its table. */
		snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO main.%s (%s)"
		    " SELECT %s FROM legacy.%s; DROP TABLE legacy.%s;%s",
		    moved[i].table, moved[i].into != NULL ? moved[i].into :
		    moved[i].columns, moved[i].columns,
		    moved[i].table, moved[i].table,
		    strcmp(moved[i].table, "audit") == 0 ? "DELETE FROM"
		    " legacy.sqlite_sequence WHERE name = 'audit';" : "");
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
		(*nmoved)++;
	}
	return 0;
}

/*
 * The event store's tables of administrators, if it still has them, into
 * this one.  The key first: the rows moved are sealed with it.
 */
static int
adopt(struct store *s, const char *events_path, char *err, size_t errlen)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	struct stat	 sb;
	int		 n, legacy;

	if (lstat(events_path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    access(events_path, W_OK) == -1)
		return 0;
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS legacy", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, events_path, -1, SQLITE_STATIC);
	n = sqlite3_step(st);
	sqlite3_finalize(st);
	if (n != SQLITE_DONE)
		goto fail;
	if ((legacy = has_table(db, "users")) == -1 ||
	    (legacy == 0 && (legacy = has_table(db, "audit")) == -1))
		goto fail_detach;
	if (legacy) {
		if (storekey_adopt(store_path(s), events_path) == -1) {
			snprintf(err, errlen, "%s: moving the store's key: %s",
			    store_path(s), strerror(errno));
			sqlite3_exec(db, "DETACH DATABASE legacy", NULL, NULL,
			    NULL);
			return -1;
		}
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL) != SQLITE_OK)
			goto fail_detach;
		if (move_tables(db, &n) == -1 ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: moving the administrators "
			    "from %s: %s", store_path(s), events_path,
			    sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			sqlite3_exec(db, "DETACH DATABASE legacy", NULL, NULL,
			    NULL);
			return -1;
		}
	}
	if (sqlite3_exec(db, "DETACH DATABASE legacy", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail_detach:
	snprintf(err, errlen, "%s: %s: %s", store_path(s), events_path,
	    sqlite3_errmsg(db));
	sqlite3_exec(db, "DETACH DATABASE legacy", NULL, NULL, NULL);
	return -1;
fail:
	snprintf(err, errlen, "%s: %s: %s", store_path(s), events_path,
	    sqlite3_errmsg(db));
	return -1;
}

int
store_admin_legacy(const char *events_path, int drop, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;
	sqlite3		*db;
	char		 sql[128];
	size_t		 i;
	int		 found = 0, rc = SQLITE_OK;

	if (sqlite3_open_v2(events_path, &db, (drop ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", events_path, db != NULL ?
		    sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	for (i = 0; rc == SQLITE_OK && i < sizeof(moved) / sizeof(moved[0]);
	    i++) {
		if ((rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master"
		    " WHERE type = 'table' AND name = ?", -1, &st,
		    NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_text(st, 1, moved[i].table, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
			continue;
		}
		if (rc != SQLITE_ROW)
			break;
		found = 1;
		rc = SQLITE_OK;
		if (drop) {
			snprintf(sql, sizeof(sql), "DROP TABLE %s",
			    moved[i].table);
			rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		}
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: %s", events_path, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc != SQLITE_OK ? -1 : found;
}

struct store *
store_admin_open(const char *path, const char *events_path, int flags,
    char *err, size_t errlen)
{
	struct store	*s;

	if ((flags & STORE_CREATE) && afile_mkdirs(path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((s = store_open_schema(path, flags, &admin_schema, err,
	    errlen)) == NULL)
		return NULL;
	if (!(flags & STORE_READONLY) && events_path != NULL &&
	    adopt(s, events_path, err, errlen) == -1) {
		store_close(s);
		return NULL;
	}
	return s;
}
