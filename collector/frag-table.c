/*
 * Fragment table: first-fragment ports by (addresses, protocol, id).
 * The id is unique per (source, destination, protocol) only while the
 * datagram lives (RFC 791, RFC 8200 section 4.5), hence the timeout.
 */
#include <stdlib.h>
#include <string.h>

#include "frag-table.h"
#include "hash.h"

#define FRAG_WAYS	4

struct frag_key {
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 id;
	uint8_t		 proto;
	uint8_t		 ipver;
	uint8_t		 pad[2];
};

struct frag_entry {
	struct frag_key	 key;
	uint64_t	 ts_us;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 used;
};

struct frag_table {
	struct frag_entry	*slots;
	uint32_t		 nsets;
	uint64_t		 timeout_us;
	uint64_t		 seed;
	struct frag_stats	 stats;
};

struct frag_table *
frag_table_new(unsigned int nentries, uint64_t timeout_us)
{
	struct frag_table	*ft;
	uint32_t		 nsets = 1;

	while (nsets * FRAG_WAYS < nentries && nsets < (1u << 24))
		nsets <<= 1;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	if ((ft->slots = calloc((size_t)nsets * FRAG_WAYS,
	    sizeof(*ft->slots))) == NULL) {
		free(ft);
		return NULL;
	}
	ft->nsets = nsets;
	ft->timeout_us = timeout_us;
	ft->seed = hash_random_seed();
	return ft;
}

void
frag_table_free(struct frag_table *ft)
{
	if (ft == NULL)
		return;
	free(ft->slots);
	free(ft);
}

static void
frag_key_of(const struct pkt *p, struct frag_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, p->src, 16);
	memcpy(k->dst, p->dst, 16);
	k->id = p->frag_id;
	k->proto = p->proto;
	k->ipver = p->ipver;
}

/*
 * Records a first fragment, or gives a later one the ports of its first.
 * Other packets pass untouched.  A later fragment whose first was not
 * seen (lost, reordered, or replaced) is counted and stays without
 * ports: its bytes still belong to the two addresses.
 */
void
frag_table_resolve(struct frag_table *ft, struct pkt *p)
{
	struct frag_key		 k;
	struct frag_entry	*set, *victim;
	int			 i;

	if (p->frag == PKT_FRAG_NONE)
		return;
	frag_key_of(p, &k);
	set = &ft->slots[(hash_bytes(&k, sizeof(k), ft->seed) &
	    (ft->nsets - 1)) * FRAG_WAYS];

	if (p->frag == PKT_FRAG_FIRST) {
		ft->stats.first++;
		victim = &set[0];
		for (i = 0; i < FRAG_WAYS; i++) {
			if (!set[i].used || memcmp(&set[i].key, &k,
			    sizeof(k)) == 0) {
				victim = &set[i];
				break;
			}
			if (set[i].ts_us < victim->ts_us)
				victim = &set[i];
		}
		if (i == FRAG_WAYS &&
		    victim->ts_us + ft->timeout_us > p->ts_us)
			ft->stats.replaced++;
		victim->key = k;
		victim->ts_us = p->ts_us;
		victim->sport = p->sport;
		victim->dport = p->dport;
		victim->used = 1;
		return;
	}

	for (i = 0; i < FRAG_WAYS; i++) {
		if (set[i].used && memcmp(&set[i].key, &k, sizeof(k)) == 0 &&
		    set[i].ts_us + ft->timeout_us > p->ts_us) {
			p->sport = set[i].sport;
			p->dport = set[i].dport;
			ft->stats.matched++;
			return;
		}
	}
	ft->stats.unmatched++;
}

const struct frag_stats *
frag_table_stats(const struct frag_table *ft)
{
	return &ft->stats;
}
