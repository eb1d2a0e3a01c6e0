/*
 * The audit trail (GB/T 22239-2019 level 3, 8.1.4.3): every
 * administrative action, who did it, when, from where, on what, and how
 * it ended, in the administrators' store.  Records are hash-chained: each
 * carries the hash of the one before and its own, over its fields, so a
 * changed, removed or reordered record breaks the chain where it is.
 * The hash is SM3 (GB/T 32905) where OpenSSL has it, else SHA-256; the
 * algorithm is recorded with each record and kept along a chain.
 */
#ifndef ZW_AUDIT_H
#define ZW_AUDIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define AUDIT_HASH_HEX	64
#define AUDIT_TEXT_MAX	512

struct audit_record {
	int64_t		 id;
	int64_t		 at_us;			/* wall clock */
	char		 actor[64];		/* user, or "system" */
	char		 role[32];		/* sysadmin, secadmin, ... */
	char		 address[64];		/* client, or "console" */
	char		 action[32];		/* login, violation-review, ... */
	char		 object[128];		/* what it acted on */
	char		 detail[AUDIT_TEXT_MAX];
	char		 outcome[16];		/* ok, failed, denied */
	char		 alg[16];		/* [HMAC-]SM3 or [HMAC-]SHA256 */
	char		 prev[AUDIT_HASH_HEX + 1];
	char		 hash[AUDIT_HASH_HEX + 1];
};

struct audit_filter {
	int64_t		 since_us, until_us;	/* 0: open */
	const char	*actor;			/* NULL: any */
	const char	*action;
	const char	*outcome;
	int64_t		 limit;			/* 0: all */
};

struct audit_check {
	int		 ok;
	int64_t		 records;
	int64_t		 first_id, last_id;
	char		 alg[16];
	char		 head[AUDIT_HASH_HEX + 1];	/* the last hash */
	int64_t		 broken_id;		/* where it broke, if not ok */
	char		 reason[256];
};

/*
 * Appends a record: r's id, at_us (if 0), alg, prev and hash are set.
 * One transaction, so that concurrent writers chain one after another.
 */
int	audit_append(struct store *, struct audit_record *r);
/* The same, from the fields; NULL for "". */
int	audit_vlog(struct store *, const char *actor, const char *role,
	    const char *address, const char *action, const char *object,
	    const char *outcome, const char *fmt, va_list)
	    __attribute__((format(printf, 8, 0)));
int	audit_log(struct store *, const char *actor, const char *role,
	    const char *address, const char *action, const char *object,
	    const char *outcome, const char *detail_fmt, ...)
	    __attribute__((format(printf, 8, 9)));
typedef int (*audit_fn)(void *, const struct audit_record *);
int	audit_list(struct store *, const struct audit_filter *, audit_fn,
	    void *);
/* Walks the whole chain from its anchor; 0 when it could be read. */
int	audit_verify(struct store *, struct audit_check *);
/*
 * The same, and whether the trail still holds record anchor_id with the
 * hash anchor_hash, a head seen outside the box (syslog, the MIB, a
 * signed report): a trail rewritten, even hashed again, or cut before
 * it, does not.
 */
int	audit_verify_anchor(struct store *, struct audit_check *,
	    int64_t anchor_id, const char *anchor_hash);
/*
 * The head as published beside the administrators' store at admin_path,
 * for the daemons that cannot open it (0 and "" when none yet); 0 or -1.
 */
int	audit_head_read(const char *admin_path, int64_t *id,
	    char hash[AUDIT_HASH_HEX + 1]);
int	audit_head_path(const char *admin_path, char *out, size_t len);
/* The head: the last record's id and hash (0 and "" when empty). */
int	audit_head(struct store *, int64_t *id, char hash[AUDIT_HASH_HEX + 1]);
/*
 * Removes records older than before_us, keeping the chain verifiable:
 * a purge record naming the last one removed and its hash is appended
 * first, and the anchor moves to the first one kept.
 */
int	audit_purge(struct store *, int64_t before_us, const char *actor,
	    int64_t *removed);
/* The hash algorithm a new chain would use: "SM3" or "SHA256". */
const char *audit_default_alg(void);

#endif
