/*
 * The changes that wait (lib/user-changes.h).  The password of an added
 * or reset account is kept as its scrypt hash only, and the account must
 * change it at first login: the one who asked knows it, and it is
 * theirs no longer once used.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "store-db.h"
#include "user-changes.h"

static int
admin_role(enum user_role r)
{
	return r == ROLE_SYSADMIN || r == ROLE_SECADMIN ||
	    r == ROLE_AUDITADMIN;
}

int
userchg_needs_second(enum user_role actor, enum user_role touched)
{
	return admin_role(touched) && touched != actor;
}

static const char *const actions[] = { "add", "role", "enable",
	"password" };

static int
action_known(const char *a)
{
	size_t	 i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(a, actions[i]) == 0)
			return 1;
	return 0;
}

int
userchg_request(struct store *s, struct user_change *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (!action_known(c->action) || !users_name_valid(c->target) ||
	    (unsigned)c->role >= ROLE_NROLES)
		return STORE_INVALID;
	c->requested_us = clock_wall_us();
	c->state = USERCHG_PENDING;
	if (sqlite3_prepare_v2(store_db(s), "INSERT INTO user_changes (action,"
	    " target, role, hash, requested_by, requested_role, requested_us)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, c->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->target, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)c->role);
	sqlite3_bind_text(st, 4, c->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)c->requested_role);
	sqlite3_bind_int64(st, 7, c->requested_us);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return STORE_ERR;
	c->id = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

#define SELECT_CHANGE	"SELECT id, action, target, role, hash,"	\
	" requested_by, requested_role, requested_us, state, decided_by,"	\
	" decided_us FROM user_changes"

static void
row_change(sqlite3_stmt *st, struct user_change *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, c->action, sizeof(c->action));
	store_col_text(st, 2, c->target, sizeof(c->target));
	c->role = (enum user_role)sqlite3_column_int(st, 3);
	store_col_text(st, 4, c->hash, sizeof(c->hash));
	store_col_text(st, 5, c->requested_by, sizeof(c->requested_by));
	c->requested_role = (enum user_role)sqlite3_column_int(st, 6);
	c->requested_us = sqlite3_column_int64(st, 7);
	c->state = (enum userchg_state)sqlite3_column_int(st, 8);
	store_col_text(st, 9, c->decided_by, sizeof(c->decided_by));
	c->decided_us = sqlite3_column_int64(st, 10);
}

int
userchg_get(struct store *s, int64_t id, struct user_change *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), SELECT_CHANGE " WHERE id = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_change(st, c);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOTFOUND :
	    STORE_ERR;
}

int
userchg_list(struct store *s, int pending_only, int limit, userchg_fn fn,
    void *arg)
{
	struct user_change	 c;
	sqlite3_stmt		*st;
	int			 rc;

	if (sqlite3_prepare_v2(store_db(s), pending_only ? SELECT_CHANGE
	    " WHERE state = 0 ORDER BY id DESC LIMIT ?" : SELECT_CHANGE
	    " ORDER BY id DESC LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_change(st, &c);
		if (fn(arg, &c) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : STORE_ERR;
}

static int
apply(struct store *s, const struct user_change *c)
{
	if (strcmp(c->action, "add") == 0)
		return users_add_hash(s, c->target, c->role, c->hash, 1);
	if (strcmp(c->action, "role") == 0)
		return users_set_role(s, c->target, c->role);
	if (strcmp(c->action, "enable") == 0)
		return users_set_disabled(s, c->target, 0);
	if (strcmp(c->action, "password") == 0)
		return users_set_hash(s, c->target, c->hash, 1);
	return STORE_INVALID;
}

int
userchg_decide(struct store *s, int64_t id, int confirm, const char *by,
    enum user_role by_role)
{
	struct user_change	 c;
	sqlite3_stmt		*st;
	int			 rc;

	if ((rc = userchg_get(s, id, &c)) != 0)
		return rc;
	if (c.state != USERCHG_PENDING)
		return STORE_NOTFOUND;
	/* A second administrator: another person, of another role. */
	if (!admin_role(by_role) || by_role == c.requested_role ||
	    strcmp(by, c.requested_by) == 0 || strcmp(by, c.target) == 0)
		return STORE_INVALID;
	if (store_begin(s) != 0)
		return STORE_ERR;
	if (sqlite3_prepare_v2(store_db(s), "UPDATE user_changes SET state = ?,"
	    " decided_by = ?, decided_us = ?, hash = '' WHERE id = ? AND"
	    " state = 0", -1, &st, NULL) != SQLITE_OK) {
		store_rollback(s);
		return STORE_ERR;
	}
	sqlite3_bind_int(st, 1, confirm ? USERCHG_CONFIRMED : USERCHG_REFUSED);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, clock_wall_us());
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : STORE_ERR;
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_changes(store_db(s)) == 0)
		rc = STORE_NOTFOUND;
	if (rc == 0 && confirm)
		rc = apply(s, &c);
	if (rc != 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}
