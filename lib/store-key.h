/*
 * The store's key (lib/store-key.c), for the audit chain and the
 * administrators' rows.
 */
#ifndef ZW_STORE_KEY_H
#define ZW_STORE_KEY_H

#include <stddef.h>

#define STORE_KEY_LEN	32

/* The key file's path for a store: audit.key in its directory. */
int	storekey_path(const char *store_path, char *out, size_t len);
/*
 * Reads the key; with create, makes it when there is none, and sets
 * *made (if not NULL) when this call made it.  0 or -1.
 */
int	storekey_load(const char *store_path, int create,
	    unsigned char key[STORE_KEY_LEN], int *made);

/*
 * The key of the store at from_store_path, if it has one, moved to
 * store_path's place (the split of one store into two); 0 or -1.
 */
int	storekey_adopt(const char *store_path, const char *from_store_path);

#endif
