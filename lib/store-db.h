/*
 * The store's database handle, for the modules that keep their own
 * tables in it (lib/audit.c).  Not for the programs: they use store.h.
 */
#ifndef ZW_STORE_DB_H
#define ZW_STORE_DB_H

#include <sqlite3.h>

#include "store.h"

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
