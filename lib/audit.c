/*
 * The audit trail's hash chain.  A record's hash is
 *
 *	H(prev || ns(id) || ns(at_us) || ns(actor) || ns(role) ||
 *	  ns(address) || ns(action) || ns(object) || ns(detail) ||
 *	  ns(outcome) || ns(alg))
 *
 * in lowercase hex, where prev is the hex hash of the record before (64
 * zeros for the first) and ns() a netstring ("5:hello,"), so that no two
 * different records hash the same bytes.  H is HMAC (RFC 2104) with the
 * store's key (lib/store-key.c) once one is had, alg "HMAC-SM3": one who
 * can write the database but not read the key cannot hash again what
 * they removed or changed.  A chain goes from plain to keyed once, never
 * back.  Its head (id and hash) leaves the box in syslog, the MIB and
 * every signed report; verify --anchor checks the trail still holds one
 * seen there.  Ids follow one another without
 * gaps; they are taken from sqlite_sequence, so an id removed from the
 * end is not given again and its absence shows at the next record.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "afile.h"
#include "audit.h"
#include "clock.h"
#include "store-db.h"
#include "store-key.h"

static const char zero_hash[AUDIT_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

const char *
audit_default_alg(void)
{
	EVP_MD	*md;

	if ((md = EVP_MD_fetch(NULL, "SM3", NULL)) != NULL) {
		EVP_MD_free(md);
		return "SM3";
	}
	return "SHA256";
}

static void
ns_text(EVP_MD_CTX *ctx, const char *s)
{
	char	 len[24];

	snprintf(len, sizeof(len), "%zu:", strlen(s));
	EVP_DigestUpdate(ctx, len, strlen(len));
	EVP_DigestUpdate(ctx, s, strlen(s));
	EVP_DigestUpdate(ctx, ",", 1);
}

static void
ns_number(EVP_MD_CTX *ctx, int64_t v)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	ns_text(ctx, num);
}

/* What a record's hash covers, after prev. */
static void
fields(EVP_MD_CTX *ctx, const struct audit_record *r)
{
	ns_number(ctx, r->id);
	ns_number(ctx, r->at_us);
	ns_text(ctx, r->actor);
	ns_text(ctx, r->role);
	ns_text(ctx, r->address);
	ns_text(ctx, r->action);
	ns_text(ctx, r->object);
	ns_text(ctx, r->detail);
	ns_text(ctx, r->outcome);
	ns_text(ctx, r->alg);
}

static int
digest_known(const char *d)
{
	return strcmp(d, "SM3") == 0 || strcmp(d, "SHA256") == 0;
}

/*
 * The record's hash over prev and its fields; -1 if alg is unknown, or
 * keyed and key is NULL.  The keyed form is the HMAC of the same bytes:
 * EVP_DigestSign with an HMAC key takes them as a digest would.
 */
static int
record_hash(const struct audit_record *r, const char *prev,
    const unsigned char *key, char out[AUDIT_HASH_HEX + 1])
{
	EVP_PKEY	*pk = NULL;
	EVP_MD		*md;
	EVP_MD_CTX	*ctx;
	unsigned char	 h[EVP_MAX_MD_SIZE];
	const char	*d = r->alg;
	size_t		 n = sizeof(h), i;
	unsigned int	 un = 0;
	int		 keyed = strncmp(r->alg, "HMAC-", 5) == 0, ok;

	if (keyed)
		d += 5;
	if (!digest_known(d) || (keyed && key == NULL))
		return -1;
	if ((md = EVP_MD_fetch(NULL, d, NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		EVP_MD_free(md);
		return -1;
	}
	if (keyed)
		ok = (pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL,
		    key, STORE_KEY_LEN)) != NULL && EVP_DigestSignInit_ex(ctx,
		    NULL, d, NULL, NULL, pk, NULL) == 1;
	else
		ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	if (ok) {
		EVP_DigestUpdate(ctx, prev, strlen(prev));
		fields(ctx, r);
		if (keyed)
			ok = EVP_DigestSignFinal(ctx, h, &n) == 1;
		else {
			ok = EVP_DigestFinal_ex(ctx, h, &un) == 1;
			n = un;
		}
	}
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	EVP_MD_free(md);
	if (!ok || n != AUDIT_HASH_HEX / 2)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	return 0;
}

static int
one_row(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return -1;
	return sqlite3_step(*st);
}

/* Inside the caller's write transaction. */
static int
append_locked(sqlite3 *db, const unsigned char *key, struct audit_record *r)
{
	char		 keyed[sizeof(r->alg)];
	sqlite3_stmt	*st;
	int64_t		 seq = 0;
	int		 rc;

	strcpy(r->prev, zero_hash);
	snprintf(r->alg, sizeof(r->alg), "%s", audit_default_alg());
	rc = one_row(db, "SELECT alg, hash FROM audit ORDER BY id DESC"
	    " LIMIT 1", &st);
	if (rc == SQLITE_ROW) {
		store_col_text(st, 0, r->alg, sizeof(r->alg));
		store_col_text(st, 1, r->prev, sizeof(r->prev));
	} else if (rc == SQLITE_DONE) {
		/* Empty after a purge cannot be; the anchor says where. */
		sqlite3_finalize(st);
		if (one_row(db, "SELECT prev FROM audit_anchor", &st) ==
		    SQLITE_ROW)
			store_col_text(st, 0, r->prev, sizeof(r->prev));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (one_row(db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'",
	    &st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	r->id = seq + 1;
	if (r->at_us == 0)
		r->at_us = clock_wall_us();
	/* The chain becomes keyed once a key is had, and stays so. */
	if (key != NULL && strncmp(r->alg, "HMAC-", 5) != 0) {
		snprintf(keyed, sizeof(keyed), "%s", r->alg);
		snprintf(r->alg, sizeof(r->alg), "HMAC-%.10s", keyed);
	}
	if (record_hash(r, r->prev, key, r->hash) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO audit (id, at_us, actor, role,"
	    " address, action, object, detail, outcome, alg, prev, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->at_us);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->alg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, r->hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The head, committed, to audit-head beside the store (mode 0640): the
 * daemons that send it out of the box (the collector to syslog, the
 * subagent to SNMP) read it there, as they cannot open the store.
 */
static void
publish_head(struct store *s)
{
	struct afile	*af;
	char		 path[4096], hash[AUDIT_HASH_HEX + 1];
	int64_t		 id;

	if (audit_head(s, &id, hash) != 0 ||
	    audit_head_path(store_path(s), path, sizeof(path)) == -1 ||
	    (af = afile_open(path)) == NULL)
		return;
	fprintf(afile_fp(af), "%lld %s\n", (long long)id, hash);
	if (afile_mode(af, 0640) == -1 || afile_commit(af) == -1)
		return;
	afile_own_like_dir(path);
}

/* Runs fn in a write transaction of its own, or in the caller's. */
static int
in_transaction(struct store *s, int (*fn)(sqlite3 *, void *), void *arg)
{
	sqlite3	*db = store_db(s);
	int	 own = sqlite3_get_autocommit(db), rv;

	if (own && store_begin(s) != 0)
		return -1;
	rv = fn(db, arg);
	if (!own)
		return rv;
	if (rv != 0) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s) != 0)
		return -1;
	publish_head(s);
	return 0;
}

struct append_arg {
	const unsigned char	*key;
	struct audit_record	*r;
};

static int
append_fn(sqlite3 *db, void *arg)
{
	struct append_arg	*a = arg;

	return append_locked(db, a->key, a->r);
}

int
audit_append(struct store *s, struct audit_record *r)
{
	struct append_arg	 a = { store_key(s), r };

	return in_transaction(s, append_fn, &a);
}

int
audit_vlog(struct store *s, const char *actor, const char *role,
    const char *address, const char *action, const char *object,
    const char *outcome, const char *fmt, va_list ap)
{
	struct audit_record	 r;

	memset(&r, 0, sizeof(r));
	snprintf(r.actor, sizeof(r.actor), "%s", actor ? actor : "");
	snprintf(r.role, sizeof(r.role), "%s", role ? role : "");
	snprintf(r.address, sizeof(r.address), "%s", address ? address : "");
	snprintf(r.action, sizeof(r.action), "%s", action ? action : "");
	snprintf(r.object, sizeof(r.object), "%s", object ? object : "");
	snprintf(r.outcome, sizeof(r.outcome), "%s", outcome ? outcome : "ok");
	if (fmt != NULL)
		vsnprintf(r.detail, sizeof(r.detail), fmt, ap);
	return audit_append(s, &r);
}

int
audit_log(struct store *s, const char *actor, const char *role,
    const char *address, const char *action, const char *object,
    const char *outcome, const char *fmt, ...)
{
	va_list	 ap;
	int	 rv;

	va_start(ap, fmt);
	rv = audit_vlog(s, actor, role, address, action, object, outcome, fmt,
	    ap);
	va_end(ap);
	return rv;
}

static void
row_record(sqlite3_stmt *st, struct audit_record *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->at_us = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, r->actor, sizeof(r->actor));
	store_col_text(st, 3, r->role, sizeof(r->role));
	store_col_text(st, 4, r->address, sizeof(r->address));
	store_col_text(st, 5, r->action, sizeof(r->action));
	store_col_text(st, 6, r->object, sizeof(r->object));
	store_col_text(st, 7, r->detail, sizeof(r->detail));
	store_col_text(st, 8, r->outcome, sizeof(r->outcome));
	store_col_text(st, 9, r->alg, sizeof(r->alg));
	store_col_text(st, 10, r->prev, sizeof(r->prev));
	store_col_text(st, 11, r->hash, sizeof(r->hash));
}

#define SELECT_AUDIT	"SELECT id, at_us, actor, role, address, action,"	\
	" object, detail, outcome, alg, prev, hash FROM audit"

int
audit_list(struct store *s, const struct audit_filter *f, audit_fn fn,
    void *arg)
{
	struct audit_record	 r;
	sqlite3_stmt		*st;
	int			 rc;

	if (sqlite3_prepare_v2(store_db(s), SELECT_AUDIT
	    " WHERE (?1 = 0 OR at_us >= ?1) AND (?2 = 0 OR at_us < ?2)"
	    " AND (?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action = ?4)"
	    " AND (?5 IS NULL OR outcome = ?5) ORDER BY id LIMIT ?6", -1, &st,
	    NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, f->since_us);
	sqlite3_bind_int64(st, 2, f->until_us);
	if (f->actor)
		sqlite3_bind_text(st, 3, f->actor, -1, SQLITE_STATIC);
	if (f->action)
		sqlite3_bind_text(st, 4, f->action, -1, SQLITE_STATIC);
	if (f->outcome)
		sqlite3_bind_text(st, 5, f->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, f->limit > 0 ? f->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_record(st, &r);
		if (fn(arg, &r) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : STORE_ERR;
}

static void
broken(struct audit_check *c, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
broken(struct audit_check *c, int64_t id, const char *fmt, ...)
{
	va_list	 ap;

	if (!c->ok)
		return;		/* the first break is the one to report */
	c->ok = 0;
	c->broken_id = id;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* The change of algorithm from a to b a chain may make: plain to keyed. */
static int
alg_follows(const char *a, const char *b)
{
	return strcmp(a, b) == 0 || (strncmp(b, "HMAC-", 5) == 0 &&
	    strcmp(a, b + 5) == 0);
}

int
audit_verify(struct store *s, struct audit_check *c)
{
	return audit_verify_anchor(s, c, 0, NULL);
}

int
audit_verify_anchor(struct store *s, struct audit_check *c,
    int64_t anchor_id, const char *anchor_hash)
{
	struct audit_record	 r;
	sqlite3			*db = store_db(s);
	sqlite3_stmt		*st;
	const unsigned char	*key = NULL;
	char			 prev[AUDIT_HASH_HEX + 1], h[AUDIT_HASH_HEX + 1];
	char			 want[AUDIT_HASH_HEX + 1] = "", alg[16] = "";
	char			 purged[AUDIT_HASH_HEX + 1];
	const char		*hp;
	int64_t			 expect = 1, confirmed = 0, through;
	int64_t			 keyed = 0;
	int			 rc, purge, anchored = anchor_id == 0;

	memset(c, 0, sizeof(*c));
	c->ok = 1;
	strcpy(prev, zero_hash);
	rc = one_row(db, "SELECT first_id, prev FROM audit_anchor", &st);
	if (rc == SQLITE_ROW) {
		expect = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, prev, sizeof(prev));
		strcpy(want, prev);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_ERR;
	c->first_id = expect;
	if (sqlite3_prepare_v2(db, SELECT_AUDIT " ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		return STORE_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_record(st, &r);
		if (c->records == 0)
			snprintf(alg, sizeof(alg), "%s", r.alg);
		c->records++;
		c->last_id = r.id;
		if (strncmp(r.alg, "HMAC-", 5) == 0 && keyed++ == 0 &&
		    (key = store_key_made(s)) == NULL)
			broken(c, r.id, "record %lld is keyed and the audit key "
			    "cannot be read", (long long)r.id);
		if (r.id != expect)
			broken(c, r.id, r.id > expect ? "record %lld is missing"
			    " before record %lld" : "record %lld is out of "
			    "order at record %lld", (long long)(r.id > expect ?
			    expect : r.id), (long long)r.id);
		else if (!alg_follows(alg, r.alg))
			broken(c, r.id, "record %lld changes the hash "
			    "algorithm to %s", (long long)r.id, r.alg);
		else if (strcmp(r.prev, prev) != 0)
			broken(c, r.id, "record %lld does not follow record "
			    "%lld", (long long)r.id, (long long)r.id - 1);
		else if (record_hash(&r, prev, key, h) == -1 ||
		    strcmp(h, r.hash) != 0)
			broken(c, r.id, "record %lld was changed",
			    (long long)r.id);
		snprintf(alg, sizeof(alg), "%s", r.alg);
		purge = strcmp(r.action, "audit-purge") == 0 &&
		    sscanf(r.object, "audit<=%lld", (long long *)&through) == 1;
		if (purge && through + 1 == c->first_id &&
		    strstr(r.detail, want[0] ? want : "-") != NULL)
			confirmed = 1;
		/* An anchor purged since: the purge record names its hash. */
		if (!anchored && purge && through == anchor_id &&
		    (hp = strstr(r.detail, "had hash ")) != NULL) {
			snprintf(purged, sizeof(purged), "%s", hp + 9);
			anchored = 1;
			if (strcmp(purged, anchor_hash) != 0)
				broken(c, r.id, "record %lld, purged, was not "
				    "the one seen elsewhere: the trail was "
				    "rewritten", (long long)anchor_id);
		}
		if (!anchored && r.id == anchor_id) {
			anchored = 1;
			if (strcmp(r.hash, anchor_hash) != 0)
				broken(c, r.id, "record %lld is not the one "
				    "seen elsewhere: the trail was rewritten",
				    (long long)r.id);
		}
		strcpy(prev, r.hash);
		expect = r.id + 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return STORE_ERR;
	snprintf(c->alg, sizeof(c->alg), "%s", alg);
	snprintf(c->head, sizeof(c->head), "%s", prev);
	/*
	 * A key is made by the first writer, which then writes keyed: a
	 * chain without one keyed record beside a key was written again
	 * without it.
	 */
	if (c->records > 0 && keyed == 0 && store_key_made(s) != NULL)
		broken(c, c->first_id, "no record is keyed though the store "
		    "has its key: the trail was written again without it");
	if (c->first_id > 1 && !confirmed)
		broken(c, c->first_id, "the records before %lld were removed "
		    "without a purge record", (long long)c->first_id);
	if (!anchored) {
		if (anchor_id > c->last_id)
			broken(c, anchor_id, "the trail ends at record %lld, "
			    "before the anchor's %lld: records were cut from "
			    "the end", (long long)c->last_id,
			    (long long)anchor_id);
		else
			broken(c, anchor_id, "record %lld was purged by the "
			    "retention: the anchor cannot be checked",
			    (long long)anchor_id);
	}
	return 0;
}

int
audit_head(struct store *s, int64_t *id, char hash[AUDIT_HASH_HEX + 1])
{
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	hash[0] = '\0';
	rc = one_row(store_db(s), "SELECT id, hash FROM audit ORDER BY id DESC"
	    " LIMIT 1", &st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, hash, AUDIT_HASH_HEX + 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : STORE_ERR;
}

struct purge_arg {
	const unsigned char *key;
	int64_t		 before_us;
	const char	*actor;
	int64_t		 removed;
};

static int
purge_fn(sqlite3 *db, void *arg)
{
	struct purge_arg	*p = arg;
	struct audit_record	 r;
	sqlite3_stmt		*st;
	char			 last[AUDIT_HASH_HEX + 1];
	int64_t			 through;
	int			 rc;

	if (sqlite3_prepare_v2(db, "SELECT id, hash, (SELECT count(*) FROM"
	    " audit WHERE at_us < ?1) FROM audit WHERE at_us < ?1 ORDER BY id"
	    " DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, p->before_us);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	through = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, last, sizeof(last));
	p->removed = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);

	memset(&r, 0, sizeof(r));
	snprintf(r.actor, sizeof(r.actor), "%s", p->actor);
	strcpy(r.role, "system");
	strcpy(r.address, "console");
	strcpy(r.action, "audit-purge");
	snprintf(r.object, sizeof(r.object), "audit<=%lld",
	    (long long)through);
	snprintf(r.detail, sizeof(r.detail), "removed %lld records older "
	    "than the retention; record %lld had hash %s",
	    (long long)p->removed, (long long)through, last);
	strcpy(r.outcome, "ok");
	if (append_locked(db, p->key, &r) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO audit_anchor"
	    " (one, first_id, prev) VALUES (1, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, through + 1);
	sqlite3_bind_text(st, 2, last, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(db, "DELETE FROM audit WHERE id <= ?", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, through);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
audit_purge(struct store *s, int64_t before_us, const char *actor,
    int64_t *removed)
{
	struct purge_arg	 p = { store_key(s), before_us, actor, 0 };

	*removed = 0;
	if (in_transaction(s, purge_fn, &p) != 0)
		return STORE_ERR;
	*removed = p.removed;
	return 0;
}
