/*
 * The counters live in one snapshot being filled; taking it swaps in a
 * fresh one, so capture never waits for the writer.
 *
 * Categories: each site tracks at most ACCT_CATEGORIES of them, taken
 * as they come; what does not fit is "other".  A category idle for an
 * hour of steps gives its slot up, so a site's slots follow what it
 * uses now: bounded memory, near enough to its top categories.
 */
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "zone-map.h"

#define SLOTS		(ACCT_CATEGORIES + 1)
#define IDLE_STEPS	60

struct accounting {
	size_t				 nsites;
	size_t				 nzones;
	struct accounting_snapshot	*cur;
};

static struct accounting_snapshot *
snapshot_new(size_t nsites, size_t nzones)
{
	struct accounting_snapshot	*s;
	int				 d;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->nsites = nsites;
	s->nzones = nzones;
	for (d = 0; d < 2; d++)
		if ((s->site_bytes[d] = calloc(nsites + 1, 8)) == NULL ||
		    (s->site_pkts[d] = calloc(nsites + 1, 8)) == NULL) {
			accounting_snapshot_free(s);
			return NULL;
		}
	if ((s->zone_bytes = calloc(nzones * nzones + 1, 8)) == NULL ||
	    (s->categories = calloc(nsites * SLOTS + 1,
	    sizeof(*s->categories))) == NULL) {
		accounting_snapshot_free(s);
		return NULL;
	}
	return s;
}

/* A new snapshot keeps the slots (not the counts) of the last one. */
static void
carry_slots(struct accounting_snapshot *to,
    const struct accounting_snapshot *from)
{
	size_t	 i;

	for (i = 0; i < to->nsites * SLOTS; i++) {
		to->categories[i].category = from->categories[i].category;
		to->categories[i].idle_steps = from->categories[i].idle_steps;
		if (from->categories[i].bytes[0] || from->categories[i].bytes[1])
			to->categories[i].idle_steps = 0;
		else if (++to->categories[i].idle_steps >= IDLE_STEPS &&
		    i % SLOTS != ACCT_CATEGORIES)
			to->categories[i].category = ACCT_FREE;
	}
}

static void
init_slots(struct accounting_snapshot *s)
{
	size_t	 i;

	for (i = 0; i < s->nsites * SLOTS; i++)
		s->categories[i].category = i % SLOTS == ACCT_CATEGORIES ?
		    ACCT_OTHER : ACCT_FREE;
}

void
accounting_snapshot_free(struct accounting_snapshot *s)
{
	int	 d;

	if (s == NULL)
		return;
	for (d = 0; d < 2; d++) {
		free(s->site_bytes[d]);
		free(s->site_pkts[d]);
	}
	free(s->zone_bytes);
	free(s->categories);
	free(s);
}

struct accounting *
accounting_new(size_t nsites, size_t nzones)
{
	struct accounting	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->nsites = nsites;
	a->nzones = nzones;
	if ((a->cur = snapshot_new(nsites, nzones)) == NULL) {
		free(a);
		return NULL;
	}
	init_slots(a->cur);
	return a;
}

void
accounting_free(struct accounting *a)
{
	if (a == NULL)
		return;
	accounting_snapshot_free(a->cur);
	free(a);
}

static void
count_category(struct accounting_snapshot *s, uint16_t site,
    uint16_t category, int d, uint32_t len)
{
	struct acct_category	*c = &s->categories[(size_t)site * SLOTS];
	int			 i, free_slot = -1;

	for (i = 0; i < ACCT_CATEGORIES; i++) {
		if (c[i].category == category) {
			c[i].bytes[d] += len;
			return;
		}
		if (c[i].category == ACCT_FREE && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		free_slot = ACCT_CATEGORIES;		/* other */
	else
		c[free_slot].category = category;
	c[free_slot].bytes[d] += len;
}

void
accounting_packet(struct accounting *a, const struct flow *f, int dir,
    uint32_t len)
{
	struct accounting_snapshot	*s = a->cur;
	int				 from = dir == FLOW_DIR_LO2HI ? 0 : 1;
	uint16_t			 site;

	if ((site = f->site[from]) < a->nsites) {
		s->site_bytes[1][site] += len;
		s->site_pkts[1][site]++;
		count_category(s, site, f->app.category, 1, len);
	}
	if ((site = f->site[1 - from]) < a->nsites) {
		s->site_bytes[0][site] += len;
		s->site_pkts[0][site]++;
		count_category(s, site, f->app.category, 0, len);
	}
	if (f->zone[from] < a->nzones && f->zone[1 - from] < a->nzones)
		s->zone_bytes[f->zone[from] * a->nzones + f->zone[1 - from]] +=
		    len;
}

struct accounting_snapshot *
accounting_take(struct accounting *a, uint64_t end_us, unsigned int step_s)
{
	struct accounting_snapshot	*s = a->cur, *fresh;

	if ((fresh = snapshot_new(a->nsites, a->nzones)) == NULL)
		return NULL;
	carry_slots(fresh, s);
	a->cur = fresh;
	s->end_us = end_us;
	s->step_s = step_s;
	return s;
}
