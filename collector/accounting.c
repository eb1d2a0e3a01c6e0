/*
 * The counters live in one snapshot being filled; taking it swaps in a
 * fresh one, so capture never waits for the writer.
 */
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "zone-map.h"

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
	if ((s->zone_bytes = calloc(nzones * nzones + 1, 8)) == NULL) {
		accounting_snapshot_free(s);
		return NULL;
	}
	return s;
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
	}
	if ((site = f->site[1 - from]) < a->nsites) {
		s->site_bytes[0][site] += len;
		s->site_pkts[0][site]++;
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
	a->cur = fresh;
	s->end_us = end_us;
	s->step_s = step_s;
	return s;
}
