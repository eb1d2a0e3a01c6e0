/*
 * Flow table: a chained hash over a preallocated pool, and three timeout
 * lists (open TCP, everything else, closed TCP), each kept in order of
 * the time a flow was last moved to its tail, so that expiry only looks
 * at list heads.  Links are pool indexes plus one, so that 0 means none
 * and a flow stays small.
 *
 * A flow moves to the tail at most once per MOVE_GRANULE: moving touches
 * two neighbours, which are cache misses on a busy link.  Expiry checks
 * the real last packet time of a head before ending it, and gives a flow
 * that is still alive a new place; order within a granule is loose, so
 * a flow may end up to a granule late.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "flow-table.h"
#include "hash.h"

#define LIST_TCP	0
#define LIST_OTHER	1
#define LIST_CLOSED	2
#define NLISTS		3

#define SEEN_FIN_LO	0x01
#define SEEN_FIN_HI	0x02
#define SEEN_RST	0x04

#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17

#define MOVE_GRANULE	1000000ULL	/* microseconds */

struct flow_list {
	uint32_t	 head;
	uint32_t	 tail;
	uint64_t	 timeout_us;
};

struct flow_table {
	struct flow		*pool;
	size_t			 pool_size;
	uint32_t		*buckets;
	size_t			 buckets_size;
	uint32_t		 nbuckets;	/* power of two */
	uint32_t		 max_flows;
	uint32_t		 free;		/* free list through hnext */
	uint32_t		 fresh;		/* slots never used: fresh..max */
	uint64_t		 seed;
	uint64_t		 active_us;
	struct flow_list	 lists[NLISTS];
	flow_end_fn		 end;
	void			*end_arg;
	struct flow_table_stats	 stats;
};

static const char *const end_names[FLOW_END_NREASONS] = {
#define FLOW_END_NAME(id, name)	name,
	FLOW_END_REASONS(FLOW_END_NAME)
#undef FLOW_END_NAME
};

/*
 * Defaults close to those of common flow exporters: an open TCP
 * connection may sit quiet for five minutes, UDP and the rest for two;
 * a closed connection lingers ten seconds for its last segments.
 */
void
flow_table_conf_default(struct flow_table_conf *c)
{
	c->max_flows = 1u << 20;
	c->idle_tcp_us = 300ULL * 1000000;
	c->idle_other_us = 120ULL * 1000000;
	c->closed_us = 10ULL * 1000000;
	c->active_us = 1800ULL * 1000000;
}

/*
 * Zero pages mapped on demand: a table sized for a million flows costs
 * memory only for the flows it holds.  Huge pages, where the kernel has
 * them, spare the TLB a miss on every packet of a busy link.
 */
static void *
table_map(size_t size)
{
	void	*p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

struct flow_table *
flow_table_new(const struct flow_table_conf *c, flow_end_fn end, void *arg)
{
	struct flow_table	*ft;
	uint32_t		 nb = 1;

	if (c->max_flows == 0 || c->max_flows > (1u << 28))
		return NULL;
	while (nb < c->max_flows)
		nb <<= 1;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	ft->pool_size = (size_t)c->max_flows * sizeof(*ft->pool);
	ft->buckets_size = (size_t)nb * sizeof(*ft->buckets);
	if ((ft->pool = table_map(ft->pool_size)) == NULL ||
	    (ft->buckets = table_map(ft->buckets_size)) == NULL) {
		flow_table_free(ft);
		return NULL;
	}
	ft->nbuckets = nb;
	ft->max_flows = c->max_flows;
	ft->fresh = 1;
	ft->seed = hash_random_seed();
	ft->active_us = c->active_us;
	ft->lists[LIST_TCP].timeout_us = c->idle_tcp_us;
	ft->lists[LIST_OTHER].timeout_us = c->idle_other_us;
	ft->lists[LIST_CLOSED].timeout_us = c->closed_us;
	ft->end = end;
	ft->end_arg = arg;
	return ft;
}

void
flow_table_free(struct flow_table *ft)
{
	if (ft == NULL)
		return;
	if (ft->pool != NULL)
		munmap(ft->pool, ft->pool_size);
	if (ft->buckets != NULL)
		munmap(ft->buckets, ft->buckets_size);
	free(ft);
}

#define FLOW(ft, idx)	(&(ft)->pool[(idx) - 1])

static uint32_t
flow_index(const struct flow_table *ft, const struct flow *f)
{
	return (uint32_t)(f - ft->pool) + 1;
}

/*
 * Canonical key: the endpoint with the lower (address, port) first, as
 * nDPI's reader orders them, so both directions map to one key.
 */
void
flow_key_of(const struct pkt *p, struct flow_key *k, int *dir)
{
	int	 cmp;

	memset(k, 0, sizeof(*k));
	cmp = memcmp(p->src, p->dst, 16);
	if (cmp < 0 || (cmp == 0 && p->sport <= p->dport)) {
		memcpy(k->lo, p->src, 16);
		memcpy(k->hi, p->dst, 16);
		k->lo_port = p->sport;
		k->hi_port = p->dport;
		*dir = FLOW_DIR_LO2HI;
	} else {
		memcpy(k->lo, p->dst, 16);
		memcpy(k->hi, p->src, 16);
		k->lo_port = p->dport;
		k->hi_port = p->sport;
		*dir = FLOW_DIR_HI2LO;
	}
	k->vlan = p->vlan;
	k->proto = p->proto;
	k->ipver = p->ipver;
}

static void
list_unlink(struct flow_table *ft, struct flow *f)
{
	struct flow_list	*l = &ft->lists[f->list];

	if (f->prev)
		FLOW(ft, f->prev)->next = f->next;
	else
		l->head = f->next;
	if (f->next)
		FLOW(ft, f->next)->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = 0;
}

static void
list_append(struct flow_table *ft, struct flow *f, uint8_t list)
{
	struct flow_list	*l = &ft->lists[list];
	uint32_t		 idx = flow_index(ft, f);

	f->list = list;
	f->next = 0;
	f->prev = l->tail;
	if (l->tail)
		FLOW(ft, l->tail)->next = idx;
	else
		l->head = idx;
	l->tail = idx;
}

/* Ends a flow: the callback writes it, then its slot returns to the pool. */
static void
flow_end(struct flow_table *ft, struct flow *f, enum flow_end why)
{
	uint32_t	*pp, idx = flow_index(ft, f);
	uint64_t	 h;

	ft->end(f, why, ft->end_arg);
	ft->stats.ended[why]++;
	ft->stats.active--;
	list_unlink(ft, f);
	h = hash_bytes(&f->key, sizeof(f->key), ft->seed);
	for (pp = &ft->buckets[h & (ft->nbuckets - 1)]; *pp != idx;
	    pp = &FLOW(ft, *pp)->hnext)
		;
	*pp = f->hnext;
	memset(f, 0, sizeof(*f));
	f->hnext = ft->free;
	ft->free = idx;
}

static enum flow_end
closed_reason(const struct flow *f)
{
	return (f->tcp_seen & SEEN_RST) ? FLOW_END_RST : FLOW_END_FIN;
}

/* The flow seen longest ago, across all timeout lists. */
static struct flow *
oldest_flow(struct flow_table *ft)
{
	struct flow	*f, *old = NULL;
	int		 i;

	for (i = 0; i < NLISTS; i++) {
		if (ft->lists[i].head == 0)
			continue;
		f = FLOW(ft, ft->lists[i].head);
		if (old == NULL || f->last_us < old->last_us)
			old = f;
	}
	return old;
}

/*
 * Which side began the flow.  The first packet's sender, unless that
 * packet is a server's: a SYN+ACK answers a SYN not seen (RFC 9293,
 * 3.5), and a TCP segment without SYN, or a UDP datagram, sent from a
 * well-known port (below 1024, RFC 6335) to an ephemeral one belongs to
 * a conversation the client began before the capture did.  The rules'
 * direction (a-to-b) reads this, so that a server's answer is not read
 * as the internet reaching in.
 */
static int
began_lower(const struct pkt *p, int dir)
{
	int	 sender_lower = dir == FLOW_DIR_LO2HI, server = 0;

	if (p->proto == IPPROTO_TCP_)
		server = (p->tcp_flags & (TH_SYN | TH_ACK)) ==
		    (TH_SYN | TH_ACK) || (!(p->tcp_flags & TH_SYN) &&
		    p->sport < 1024 && p->dport >= 1024);
	else if (p->proto == IPPROTO_UDP_)
		server = p->sport < 1024 && p->dport >= 1024;
	return server ? !sender_lower : sender_lower;
}

static struct flow *
flow_create(struct flow_table *ft, const struct flow_key *k, uint64_t h,
    const struct pkt *p, int dir)
{
	struct flow	*f;
	uint32_t	 idx, *bucket;

	/* Reuse an ended flow's slot, then a fresh one, then evict. */
	if (ft->free == 0 && ft->fresh > ft->max_flows)
		flow_end(ft, oldest_flow(ft), FLOW_END_EVICTED);
	if (ft->free != 0) {
		idx = ft->free;
		ft->free = FLOW(ft, idx)->hnext;
	} else
		idx = ft->fresh++;
	f = FLOW(ft, idx);
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->first_us = f->last_us = f->moved_us = p->ts_us;
	f->src_is_lower = dir == FLOW_DIR_LO2HI;
	f->began_lower = (uint8_t)began_lower(p, dir);
	f->tunnel = p->tunnel;
	bucket = &ft->buckets[h & (ft->nbuckets - 1)];
	f->hnext = *bucket;
	*bucket = idx;
	list_append(ft, f, k->proto == IPPROTO_TCP_ ? LIST_TCP : LIST_OTHER);
	ft->stats.created++;
	if (++ft->stats.active > ft->stats.max_active)
		ft->stats.max_active = ft->stats.active;
	return f;
}

/*
 * TCP: FIN from both sides or a RST closes the connection (RFC 9293,
 * section 3.6); the flow moves to the short "closed" list.  A new SYN
 * on a closed flow starts a new connection on the same ports.
 */
static void
flow_tcp(struct flow_table *ft, struct flow *f, const struct pkt *p, int dir)
{
	if (p->tcp_flags & TH_FIN)
		f->tcp_seen |= dir == FLOW_DIR_LO2HI ? SEEN_FIN_LO : SEEN_FIN_HI;
	if (p->tcp_flags & TH_RST)
		f->tcp_seen |= SEEN_RST;
	if (f->list != LIST_CLOSED && ((f->tcp_seen & SEEN_RST) ||
	    (f->tcp_seen & (SEEN_FIN_LO | SEEN_FIN_HI)) ==
	    (SEEN_FIN_LO | SEEN_FIN_HI))) {
		list_unlink(ft, f);
		list_append(ft, f, LIST_CLOSED);
		f->moved_us = p->ts_us;
	}
}

struct flow *
flow_table_packet(struct flow_table *ft, const struct pkt *p, int *dirp)
{
	struct flow_key	 k;
	struct flow	*f = NULL;
	uint64_t	 h;
	uint32_t	 idx;
	int		 dir;

	flow_key_of(p, &k, &dir);
	h = hash_bytes(&k, sizeof(k), ft->seed);
	for (idx = ft->buckets[h & (ft->nbuckets - 1)]; idx != 0;
	    idx = f->hnext) {
		f = FLOW(ft, idx);
		if (memcmp(&f->key, &k, sizeof(k)) == 0)
			break;
	}
	if (idx != 0 && f->list == LIST_CLOSED &&
	    (p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		flow_end(ft, f, closed_reason(f));
		idx = 0;
	}
	if (idx == 0)
		f = flow_create(ft, &k, h, p, dir);
	else if (ft->active_us && p->ts_us >= f->first_us + ft->active_us) {
		ft->end(f, FLOW_END_ACTIVE, ft->end_arg);
		ft->stats.ended[FLOW_END_ACTIVE]++;
		f->first_us = p->ts_us;
		f->bytes[0] = f->bytes[1] = 0;
		f->pkts[0] = f->pkts[1] = 0;
	}

	f->pkts[dir]++;
	f->npkts_total++;
	f->bytes[dir] += p->wirelen;
	if (p->ts_us > f->last_us)
		f->last_us = p->ts_us;
	if (k.proto == IPPROTO_TCP_)
		flow_tcp(ft, f, p, dir);
	if (p->ts_us >= f->moved_us + MOVE_GRANULE) {
		uint8_t	 list = f->list;

		list_unlink(ft, f);
		list_append(ft, f, list);
		f->moved_us = p->ts_us;
	}
	*dirp = dir;
	return f;
}

void
flow_table_expire(struct flow_table *ft, uint64_t now_us)
{
	struct flow_list	*l;
	struct flow		*f;
	int			 i;

	for (i = 0; i < NLISTS; i++) {
		l = &ft->lists[i];
		while (l->head != 0) {
			f = FLOW(ft, l->head);
			if (f->moved_us + l->timeout_us > now_us)
				break;
			if (f->last_us + l->timeout_us > now_us) {
				/* Alive since its last move: requeue it. */
				list_unlink(ft, f);
				list_append(ft, f, (uint8_t)i);
				f->moved_us = f->last_us;
				continue;
			}
			flow_end(ft, f, i == LIST_CLOSED ? closed_reason(f) :
			    FLOW_END_IDLE);
		}
	}
}

void
flow_table_flush(struct flow_table *ft, enum flow_end why)
{
	int	 i;

	for (i = 0; i < NLISTS; i++)
		while (ft->lists[i].head != 0)
			flow_end(ft, FLOW(ft, ft->lists[i].head),
			    i == LIST_CLOSED ? closed_reason(FLOW(ft,
			    ft->lists[i].head)) : why);
}

const struct flow_table_stats *
flow_table_stats(const struct flow_table *ft)
{
	return &ft->stats;
}

const char *
flow_end_name(enum flow_end why)
{
	if ((unsigned)why >= FLOW_END_NREASONS)
		return "invalid";
	return end_names[why];
}
