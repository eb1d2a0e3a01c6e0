/*
 * The store's database handle, for the modules that keep their own
 * tables in it (lib/audit.c).  Not for the programs: they use store.h.
 */
#ifndef ZW_STORE_DB_H
#define ZW_STORE_DB_H

#include <sqlite3.h>

#include "store.h"

sqlite3	*store_db(struct store *);

#endif
