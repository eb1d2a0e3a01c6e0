/*
 * Traffic per site and per zone pair, counted per packet (an index and
 * an add: the flow already knows its sites and zones) and handed over
 * once a step as a snapshot, from which the trend writer makes RRDs.
 * A site's "in" is what its area (its networks and those of the sites
 * below it) received from outside the area, "out" what it sent out.
 */
#ifndef ZW_ACCOUNTING_H
#define ZW_ACCOUNTING_H

#include <stddef.h>
#include <stdint.h>

#include "flow-table.h"

#define ACCT_CATEGORIES	8	/* tracked per site; the rest is "other" */
#define ACCT_OTHER	0xffff
#define ACCT_FREE	0xfffe

/* A site's traffic by application category (nDPI's), in and out. */
struct acct_category {
	uint16_t	 category;	/* ACCT_FREE: slot unused */
	uint16_t	 idle_steps;	/* steps without traffic */
	uint64_t	 bytes[2];
};

struct accounting_snapshot {
	uint64_t	 end_us;	/* the step's end, traffic time */
	unsigned int	 step_s;
	size_t		 nsites;
	size_t		 nzones;	/* with "unknown" */
	uint64_t	*site_bytes[2];	/* in, out; by site */
	uint64_t	*site_pkts[2];
	uint64_t	*zone_bytes;	/* [sender * nzones + receiver] */
	/* [site * (ACCT_CATEGORIES + 1)], the last of each the others */
	struct acct_category *categories;
};

struct accounting;

/* parent[i]: the index of site i's parent, or -1 (nsites entries). */
struct accounting *accounting_new(size_t nsites, size_t nzones,
		    const int *parent);
void		 accounting_free(struct accounting *);
void		 accounting_packet(struct accounting *, const struct flow *,
		    int dir, uint32_t len);
/* The counts since the last take, then zero; NULL if out of memory. */
struct accounting_snapshot *accounting_take(struct accounting *,
		    uint64_t end_us, unsigned int step_s);
void		 accounting_snapshot_free(struct accounting_snapshot *);
/* Adds another pipeline's snapshot of the same step. */
void		 accounting_snapshot_add(struct accounting_snapshot *,
		    const struct accounting_snapshot *);

#endif
