/*
 * The counters live in one snapshot being filled; taking it swaps in a
 * fresh one, so capture never waits for the writer.
 *
 * Categories: each site tracks at most ACCT_CATEGORIES of them, taken
 * as they come; what does not fit is "other".  A category idle for an
 * hour of steps gives its slot up, so a site's slots follow what it
 * uses now: bounded memory, near enough to its top categories.
 *
 * A site's figures are those of its area: a county counts its
 * townships' traffic too, as its uplink carries it.  A packet counts for
 * every site that holds one end and not the other, so traffic between
 * two townships of one county crosses neither the county's boundary nor
 * its figures.  Sites are at most a few levels deep (city, county,
 * township, village), so the walk is short.
 */
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "zone-map.h"

#define SLOTS		(ACCT_CATEGORIES + 1)
#define IDLE_STEPS	60

struct accounting {
	size_t				 nsites;
	int				*parent;	/* index, or -1 */
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
accounting_new(size_t nsites, size_t nzones, const int *parent)
{
	struct accounting	*a;
	size_t			 i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->nsites = nsites;
	a->nzones = nzones;
	if ((a->parent = calloc(nsites + 1, sizeof(*a->parent))) == NULL ||
	    (a->cur = snapshot_new(nsites, nzones)) == NULL) {
		free(a->parent);
		free(a);
		return NULL;
	}
	for (i = 0; i < nsites; i++)
		a->parent[i] = parent != NULL && parent[i] >= 0 &&
		    (size_t)parent[i] < nsites ? parent[i] : -1;
	init_slots(a->cur);
	return a;
}

void
accounting_free(struct accounting *a)
{
	if (a == NULL)
		return;
	accounting_snapshot_free(a->cur);
	free(a->parent);
	free(a);
}

/* A site's slot for the category: its own, a free one, or "other". */
static struct acct_category *
slot_for(struct acct_category *c, uint16_t category)
{
	int	 i, free_slot = -1;

	for (i = 0; i < ACCT_CATEGORIES; i++) {
		if (c[i].category == category)
			return &c[i];
		if (c[i].category == ACCT_FREE && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return &c[ACCT_CATEGORIES];
	c[free_slot].category = category;
	return &c[free_slot];
}

static void
count_category(struct accounting_snapshot *s, uint16_t site,
    uint16_t category, int d, uint32_t len)
{
	slot_for(&s->categories[(size_t)site * SLOTS], category)->bytes[d] +=
	    len;
}

/* Is site x the site of an address in site y's area (y itself or below)? */
static int
holds(const struct accounting *a, int x, int y)
{
	for (; y >= 0; y = a->parent[y])
		if (y == x)
			return 1;
	return 0;
}

/* d: 0 the area received, 1 it sent; other: the far end's site. */
static void
count_area(struct accounting *a, uint16_t site, uint16_t other,
    uint16_t category, int d, uint32_t len)
{
	struct accounting_snapshot	*s = a->cur;
	int				 x, far;

	far = other < a->nsites ? other : -1;
	for (x = site < a->nsites ? site : -1; x >= 0; x = a->parent[x]) {
		if (holds(a, x, far))
			break;
		s->site_bytes[d][x] += len;
		s->site_pkts[d][x]++;
		count_category(s, (uint16_t)x, category, d, len);
	}
}

void
accounting_packet(struct accounting *a, const struct flow *f, int dir,
    uint32_t len)
{
	struct accounting_snapshot	*s = a->cur;
	int				 from = dir == FLOW_DIR_LO2HI ? 0 : 1;

	count_area(a, f->site[from], f->site[1 - from], f->app.category, 1,
	    len);
	count_area(a, f->site[1 - from], f->site[from], f->app.category, 0,
	    len);
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

/*
 * Another pipeline's counts of the same step: sums, and a category of
 * its own goes to a free slot of the site, or else to "other".
 */
void
accounting_snapshot_add(struct accounting_snapshot *to,
    const struct accounting_snapshot *from)
{
	const struct acct_category	*c;
	struct acct_category		*slot;
	size_t				 i, z = to->nzones * to->nzones;
	int				 d;

	if (from->nsites != to->nsites || from->nzones != to->nzones)
		return;
	for (d = 0; d < 2; d++)
		for (i = 0; i < to->nsites; i++) {
			to->site_bytes[d][i] += from->site_bytes[d][i];
			to->site_pkts[d][i] += from->site_pkts[d][i];
		}
	for (i = 0; i < z; i++)
		to->zone_bytes[i] += from->zone_bytes[i];
	for (i = 0; i < to->nsites * SLOTS; i++) {
		c = &from->categories[i];
		if (c->category == ACCT_FREE || (c->bytes[0] == 0 &&
		    c->bytes[1] == 0))
			continue;
		slot = i % SLOTS == ACCT_CATEGORIES ?
		    &to->categories[i] :
		    slot_for(&to->categories[i - i % SLOTS], c->category);
		slot->bytes[0] += c->bytes[0];
		slot->bytes[1] += c->bytes[1];
	}
}
