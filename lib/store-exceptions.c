/*
 * Exceptions: what a security administrator has allowed, with a reason
 * and an end.  They are rows of the event store, which the collector
 * reads (and the administrators' store it cannot), written by the web UI
 * and zwctl and audited there; the collector applies them as it writes,
 * so an exception made now holds for the next record without a restart.
 * Never deleted: revoked, and kept, so that what was allowed, by whom,
 * until when, stays on the record as long as the violations it hid.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store-db.h"
#include "store.h"

#define SELECT_EXCEPTION \
	"SELECT id, host, rule, app, peer, until_us, reason, made_by," \
	" made_us, violation, revoked_us, revoked_by, hits, last_hit_us" \
	" FROM exceptions"

static int
rc_of(struct store *s, int rc)
{
	(void)s;
	return rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
	    (rc & 0xff) == SQLITE_FULL ? STORE_FULL : STORE_ERR;
}

/* "10.0.0.1", "2001:db8::1": one text for each address, as records have. */
int
store_exception_host(const char *in, char *out, size_t len)
{
	unsigned char	 a[16];
	int		 af;

	af = strchr(in, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, in, a) != 1 || inet_ntop(af, a, out,
	    (socklen_t)len) == NULL)
		return -1;
	return 0;
}

int
store_exception_add(struct store *s, struct store_exception *x)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (x->host[0] == '\0' || x->reason[0] == '\0' || x->until_us <= 0)
		return STORE_INVALID;
	if (sqlite3_prepare_v2(store_db(s), "INSERT INTO exceptions (host,"
	    " rule, app, peer, until_us, reason, made_by, made_us, violation)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return rc_of(s, sqlite3_errcode(store_db(s)));
	sqlite3_bind_text(st, 1, x->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, x->rule);
	sqlite3_bind_text(st, 3, x->app, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, x->peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, x->until_us);
	sqlite3_bind_text(st, 6, x->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, x->made_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, x->made_us);
	sqlite3_bind_int64(st, 9, x->violation);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc_of(s, rc);
	x->id = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

int
store_exception_revoke(struct store *s, int64_t id, const char *by,
    int64_t now_us)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), "UPDATE exceptions SET"
	    " revoked_us = ?1, revoked_by = ?2 WHERE id = ?3 AND"
	    " revoked_us = 0", -1, &st, NULL) != SQLITE_OK)
		return rc_of(s, sqlite3_errcode(store_db(s)));
	sqlite3_bind_int64(st, 1, now_us);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc_of(s, rc);
	if (sqlite3_changes(store_db(s)) == 1)
		return 0;
	/* None, or revoked already. */
	if (sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM exceptions"
	    " WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return rc_of(s, sqlite3_errcode(store_db(s)));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_INVALID : STORE_NOTFOUND;
}

int
store_exception_hit(struct store *s, int64_t id, int64_t at_us)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), "UPDATE exceptions SET"
	    " hits = hits + 1, last_hit_us = max(last_hit_us, ?1)"
	    " WHERE id = ?2", -1, &st, NULL) != SQLITE_OK)
		return rc_of(s, sqlite3_errcode(store_db(s)));
	sqlite3_bind_int64(st, 1, at_us);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc_of(s, rc);
}

/* Those in force at now_us when active, else all; newest first. */
int
store_exceptions(struct store *s, int active, int64_t now_us,
    store_exception_fn fn, void *arg)
{
	struct store_exception	 x;
	sqlite3_stmt		*st;
	int			 rc;

	if (sqlite3_prepare_v2(store_db(s), active ? SELECT_EXCEPTION
	    " WHERE revoked_us = 0 AND until_us > ? ORDER BY id DESC" :
	    SELECT_EXCEPTION " ORDER BY id DESC", -1, &st, NULL) != SQLITE_OK)
		return rc_of(s, sqlite3_errcode(store_db(s)));
	if (active)
		sqlite3_bind_int64(st, 1, now_us);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&x, 0, sizeof(x));
		x.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, x.host, sizeof(x.host));
		x.rule = (uint32_t)sqlite3_column_int64(st, 2);
		store_col_text(st, 3, x.app, sizeof(x.app));
		store_col_text(st, 4, x.peer, sizeof(x.peer));
		x.until_us = sqlite3_column_int64(st, 5);
		store_col_text(st, 6, x.reason, sizeof(x.reason));
		store_col_text(st, 7, x.made_by, sizeof(x.made_by));
		x.made_us = sqlite3_column_int64(st, 8);
		x.violation = sqlite3_column_int64(st, 9);
		x.revoked_us = sqlite3_column_int64(st, 10);
		store_col_text(st, 11, x.revoked_by, sizeof(x.revoked_by));
		x.hits = sqlite3_column_int64(st, 12);
		x.last_hit_us = sqlite3_column_int64(st, 13);
		if (fn(arg, &x) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc_of(s, rc);
}

/*
 * "DNS" names DNS.Google too: nDPI names a flow master.application, and
 * an exception may name either.
 */
static int
app_matches(const char *want, const char *app)
{
	size_t	 n = strlen(want), m = strlen(app);

	return strcmp(want, app) == 0 || (m > n && ((strncmp(app, want, n) ==
	    0 && app[n] == '.') || (strcmp(app + m - n, want) == 0 &&
	    app[m - n - 1] == '.')));
}

/*
 * Whether x allows v, seen at at_us: the host that began it, and each of
 * rule, application and peer that x names.  An application x names and
 * v does not know yet is no match: the record is made, and matched again
 * when nDPI names it.
 */
int
store_exception_allows(const struct store_exception *x,
    const struct store_violation *v, int64_t at_us)
{
	return x->revoked_us == 0 && at_us < x->until_us &&
	    strcmp(x->host, v->src_ip) == 0 &&
	    (x->rule == 0 || x->rule == v->rule) &&
	    (x->app[0] == '\0' || app_matches(x->app, v->app)) &&
	    (x->peer[0] == '\0' || strcmp(x->peer, v->dst_ip) == 0);
}

/*
 * One flow's part of a record, which an exception allows now that its
 * application is named: the record loses the flow, and goes with its
 * last one while still new.
 */
int
store_violation_drop(struct store *s, int64_t id)
{
	static const char *const sql[] = {
		"DELETE FROM violations WHERE id = ? AND flows <= 1 AND"
		" state = 0",
		"UPDATE violations SET flows = flows - 1 WHERE id = ? AND"
		" flows > 1",
	};
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = SQLITE_DONE;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == SQLITE_DONE;
	    i++) {
		if (sqlite3_prepare_v2(store_db(s), sql[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return rc_of(s, sqlite3_errcode(store_db(s)));
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return rc_of(s, rc);
}
