/*
 * Later IP fragments carry no ports.  The fragment table remembers the
 * ports of each first fragment so that later ones join the same flow.
 * It is a fixed-size set-associative table: an entry is replaced by a
 * newer one when its set is full, and the replacement is counted.
 */
#ifndef ZW_FRAG_TABLE_H
#define ZW_FRAG_TABLE_H

#include <stdint.h>

#include "decode.h"

struct frag_stats {
	uint64_t	 first;
	uint64_t	 matched;
	uint64_t	 unmatched;
	uint64_t	 replaced;
};

struct frag_table;

struct frag_table	*frag_table_new(unsigned int nentries, uint64_t timeout_us);
void			 frag_table_free(struct frag_table *);
void			 frag_table_resolve(struct frag_table *, struct pkt *);
const struct frag_stats	*frag_table_stats(const struct frag_table *);

#endif
