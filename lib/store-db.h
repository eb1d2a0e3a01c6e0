/*
 * The store's database handle, for the modules that keep their own
 * tables in it (lib/audit.c).  Not for the programs: they use store.h.
 */
#ifndef ZW_STORE_DB_H
#define ZW_STORE_DB_H

#include <sys/types.h>

#include <sqlite3.h>

#include "store.h"

/* A database's tables: made at version, or migrated there step by step. */
struct store_schema {
	const char		 *name;
	const char *const	 *migrations;	/* [v] is the step to v + 1 */
	int			  version;
	const char		 *create;	/* all at once, for a new one */
	mode_t			  mode;		/* a new database's, and so its
						   -wal's and -shm's */
	int			(*key_made)(struct store *); /* NULL: nothing */
};

extern const struct store_schema store_events_schema;

struct store	*store_open_schema(const char *path, int flags,
		    const struct store_schema *, char *err, size_t errlen);
sqlite3	*store_db(struct store *);
/* Column i of a row as text into dst ("" for NULL), cut to len. */
void	store_col_text(sqlite3_stmt *, int i, char *dst, size_t len);
/*
 * The store's key (STORE_KEY_LEN bytes), read or, by a writer, made at
 * first use; NULL when there is none to be had.
 */
const unsigned char *store_key(struct store *);
/* The key if one was made, never making it (a reader's, verify's). */
const unsigned char *store_key_made(struct store *);
/*
 * Seals the administrators' rows that carry no MAC (lib/users.c), when
 * store_key() has just made the key; the number sealed, or -1.
 */
int	users_seal_unsealed(struct store *);

#endif
