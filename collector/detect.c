/*
 * The detectors.  Each rule that names one gets its state; a finding is
 * reported once per window for a district or an address, not once per
 * flow, and the signs older than the window are forgotten.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "hash.h"

#define MAX_EGRESS	8	/* egress points remembered per district */
#define MAX_SIGS	4	/* TTL signatures remembered per address */
#define SIG_MIN_FLOWS	2	/* a signature counts once seen this often */
#define PROBE		8	/* host table: slots tried before evicting */
#define EGRESS_EXIT	(UINT64_C(1) << 48)	/* else a router MAC */

#define TH_SYN_		0x02
#define TH_ACK_		0x10

struct district {
	uint64_t	 egress[MAX_EGRESS];
	uint64_t	 seen_us[MAX_EGRESS];
	uint64_t	 alerted_us;
	uint8_t		 n;
};

struct sig {
	uint8_t		 family;	/* initial TTL: 64, 128 or 255 */
	uint8_t		 hops;
	uint16_t	 flows;
};

struct host {
	uint8_t		 addr[16];
	uint8_t		 ipver;		/* 0: free slot */
	uint8_t		 nsig;
	struct sig	 sig[MAX_SIGS];
	uint64_t	 first_us;
	uint64_t	 last_us;
	uint64_t	 alerted_us;
};

struct detect {
	const struct conf	*conf;
	const struct zone_map	*zones;
	struct policy		*policy;	/* the caller's, in detect_flow */
	int			 exits_rule;	/* index, or -1 */
	int			 router_rule;
	int			*district_of;	/* by site */
	struct district		*districts;	/* by site */
	struct host		*hosts;
	uint32_t		 nhosts;	/* power of two */
	uint32_t		 seed;
	struct detect_stats	 stats;
};

/*
 * A site's district: the nearest site, itself or above, that an exit
 * serves; without one, the top of its hierarchy.
 */
static int
district_of(const struct conf *c, const uint8_t *serves, int site)
{
	int	 s = site, top = site;

	for (; s >= 0; s = c->sites.v[s].parent) {
		if (serves[s])
			return s;
		top = s;
	}
	return top;
}

struct detect *
detect_new(const struct conf *c, const struct zone_map *zm,
    uint32_t max_hosts)
{
	struct detect	*d;
	uint8_t		*serves = NULL;
	size_t		 i;
	int		 exits = -1, router = -1;

	for (i = 0; i < c->rules.n; i++) {
		if (c->rules.v[i].detect == DETECT_EXITS && exits < 0)
			exits = (int)i;
		if (c->rules.v[i].detect == DETECT_HIDDEN_ROUTER && router < 0)
			router = (int)i;
	}
	if (exits < 0 && router < 0)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->conf = c;
	d->zones = zm;
	d->exits_rule = exits;
	d->router_rule = router;
	d->seed = 0x9e3779b9u;
	if (exits >= 0 && c->sites.n > 0) {
		if ((serves = calloc(c->sites.n, 1)) == NULL ||
		    (d->district_of = calloc(c->sites.n,
		    sizeof(*d->district_of))) == NULL ||
		    (d->districts = calloc(c->sites.n,
		    sizeof(*d->districts))) == NULL)
			goto fail;
		for (i = 0; i < c->exits.n; i++)
			if (c->exits.v[i].district >= 0)
				serves[c->exits.v[i].district] = 1;
		for (i = 0; i < c->sites.n; i++)
			d->district_of[i] = district_of(c, serves, (int)i);
		free(serves);
		serves = NULL;
	}
	if (router >= 0) {
		for (d->nhosts = 1; d->nhosts < max_hosts && d->nhosts < 1u << 24; )
			d->nhosts <<= 1;
		if ((d->hosts = calloc(d->nhosts, sizeof(*d->hosts))) == NULL)
			goto fail;
	}
	return d;
fail:
	free(serves);
	detect_free(d);
	return NULL;
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	free(d->district_of);
	free(d->districts);
	free(d->hosts);
	free(d);
}

static int
within_site(const struct detect *d, const struct conf_rule *r, uint16_t site)
{
	return r->site == RULE_ANY || zone_map_site_within(d->zones, site,
	    r->site);
}

static void
fire(struct detect *d, struct flow *f, int rule, uint64_t *alerted_us,
    uint64_t now_us)
{
	uint64_t	 window = (uint64_t)d->conf->rules.v[rule].window_s *
			    1000000;

	if (*alerted_us != 0 && now_us < *alerted_us + window)
		return;
	*alerted_us = now_us;
	policy_fire(d->policy, f, (size_t)rule);
	d->stats.fired++;
}

/* Exits per district --------------------------------------------------- */

static uint64_t
mac_value(const uint8_t *m)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static void
check_exits(struct detect *d, struct flow *f, const struct pkt *p)
{
	const struct conf_rule	*r = &d->conf->rules.v[d->exits_rule];
	struct district		*dist;
	uint64_t		 id, window = (uint64_t)r->window_s * 1000000;
	int			 ext, lo_is_src, inet_is_src;
	size_t			 i, j, oldest;

	if (f->zone[0] == ZONE_EXTERNAL && f->zone[1] == ZONE_INTERNET)
		ext = 0;
	else if (f->zone[1] == ZONE_EXTERNAL && f->zone[0] == ZONE_INTERNET)
		ext = 1;
	else
		return;
	if (f->site[ext] == SITE_NONE || d->district_of == NULL ||
	    !within_site(d, r, f->site[ext]))
		return;
	if (f->exit != EXIT_NONE)
		id = EGRESS_EXIT | f->exit;
	else if (p->has_mac) {
		/* The router is the internet end's side of the frame. */
		lo_is_src = memcmp(p->src, f->key.lo, 16) == 0;
		inet_is_src = (1 - ext == 0) == lo_is_src;
		id = mac_value(inet_is_src ? p->src_mac : p->dst_mac);
	} else
		return;
	dist = &d->districts[d->district_of[f->site[ext]]];
	for (i = j = 0; i < dist->n; i++)		/* forget the stale */
		if (dist->seen_us[i] + window > p->ts_us) {
			dist->egress[j] = dist->egress[i];
			dist->seen_us[j++] = dist->seen_us[i];
		}
	dist->n = (uint8_t)j;
	for (i = 0; i < dist->n && dist->egress[i] != id; i++)
		;
	if (i == dist->n) {
		if (dist->n < MAX_EGRESS)
			dist->n++;
		else {
			for (oldest = 0, j = 1; j < dist->n; j++)
				if (dist->seen_us[j] < dist->seen_us[oldest])
					oldest = j;
			i = oldest;
		}
		dist->egress[i] = id;
	}
	dist->seen_us[i] = p->ts_us;
	if (dist->n > r->limit)
		fire(d, f, d->exits_rule, &dist->alerted_us, p->ts_us);
}

/* Hidden routers ------------------------------------------------------- */

static struct host *
host_slot(struct detect *d, const uint8_t *addr, uint8_t ipver)
{
	struct host	*h, *victim = NULL;
	uint32_t	 i, idx = hash_bytes(addr, 16, d->seed) & (d->nhosts - 1);

	for (i = 0; i < PROBE; i++) {
		h = &d->hosts[(idx + i) & (d->nhosts - 1)];
		if (h->ipver == ipver && memcmp(h->addr, addr, 16) == 0)
			return h;
		if (h->ipver == 0) {
			victim = h;
			break;
		}
		if (victim == NULL || h->last_us < victim->last_us)
			victim = h;
	}
	if (victim->ipver != 0)
		d->stats.hosts_evicted++;
	else
		d->stats.hosts++;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->addr, addr, 16);
	victim->ipver = ipver;
	return victim;
}

static void
check_router(struct detect *d, struct flow *f, const struct pkt *p)
{
	const struct conf_rule	*r = &d->conf->rules.v[d->router_rule];
	struct host		*h;
	uint64_t		 window = (uint64_t)r->window_s * 1000000;
	uint8_t			 family, hops;
	int			 src = f->src_is_lower ? 0 : 1;
	unsigned int		 i, counted = 0;

	/* A connection's first SYN carries the sender's initial TTL. */
	if (p->proto != 6 || (p->tcp_flags & (TH_SYN_ | TH_ACK_)) != TH_SYN_ ||
	    f->zone[src] != ZONE_EXTERNAL || p->ttl == 0 ||
	    (f->site[src] != SITE_NONE && !within_site(d, r, f->site[src])) ||
	    (f->site[src] == SITE_NONE && r->site != RULE_ANY))
		return;
	family = p->ttl <= 64 ? 64 : p->ttl <= 128 ? 128 : 255;
	hops = (uint8_t)(family - p->ttl);
	h = host_slot(d, p->src, f->key.ipver);
	if (h->last_us != 0 && h->last_us + window <= p->ts_us) {
		h->nsig = 0;				/* forget the stale */
		h->first_us = 0;
	}
	if (h->first_us == 0)
		h->first_us = p->ts_us;
	h->last_us = p->ts_us;
	for (i = 0; i < h->nsig; i++)
		if (h->sig[i].family == family && h->sig[i].hops == hops)
			break;
	if (i == h->nsig) {
		if (h->nsig == MAX_SIGS)
			return;
		h->sig[h->nsig].family = family;
		h->sig[h->nsig].hops = hops;
		h->sig[h->nsig++].flows = 0;
	}
	if (h->sig[i].flows < UINT16_MAX)
		h->sig[i].flows++;
	for (i = 0; i < h->nsig; i++)
		counted += h->sig[i].flows >= SIG_MIN_FLOWS;
	if (counted > r->limit)
		fire(d, f, d->router_rule, &h->alerted_us, p->ts_us);
}

void
detect_flow(struct detect *d, struct policy *pol, struct flow *f,
    const struct pkt *p)
{
	d->policy = pol;
	if (d->exits_rule >= 0)
		check_exits(d, f, p);
	if (d->router_rule >= 0)
		check_router(d, f, p);
}

/* Details ---------------------------------------------------------------- */

static void
detail_exits(const struct detect *d, const struct flow *f, char *buf,
    size_t len)
{
	const struct district	*dist;
	int			 ext = f->zone[0] == ZONE_EXTERNAL ? 0 : 1;
	size_t			 i, n;

	if (d->district_of == NULL || f->site[ext] == SITE_NONE)
		return;
	dist = &d->districts[d->district_of[f->site[ext]]];
	n = (size_t)snprintf(buf, len, "district %s:",
	    zone_map_site_name(d->zones, (uint16_t)d->district_of[f->site[ext]]));
	for (i = 0; i < dist->n && n < len; i++) {
		uint64_t	 e = dist->egress[i];

		if (e & EGRESS_EXIT)
			n += (size_t)snprintf(buf + n, len - n, " exit %s",
			    zone_map_exit_name(d->zones, (uint16_t)e));
		else
			n += (size_t)snprintf(buf + n, len - n,
			    " router %02x:%02x:%02x:%02x:%02x:%02x",
			    (unsigned)(e >> 40 & 0xff), (unsigned)(e >> 32 & 0xff),
			    (unsigned)(e >> 24 & 0xff), (unsigned)(e >> 16 & 0xff),
			    (unsigned)(e >> 8 & 0xff), (unsigned)(e & 0xff));
	}
}

static void
detail_router(const struct detect *d, const struct flow *f, char *buf,
    size_t len)
{
	const struct host	*h = NULL;
	const uint8_t		*a = f->src_is_lower ? f->key.lo : f->key.hi;
	uint32_t		 i, idx = hash_bytes(a, 16, d->seed) &
				    (d->nhosts - 1);
	size_t			 n = 0;

	for (i = 0; i < PROBE; i++) {
		h = &d->hosts[(idx + i) & (d->nhosts - 1)];
		if (h->ipver == f->key.ipver && memcmp(h->addr, a, 16) == 0)
			break;
		h = NULL;
	}
	if (h == NULL)
		return;
	n = (size_t)snprintf(buf, len, "TTL signatures:");
	for (i = 0; i < h->nsig && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
		    " %u (initial %u, %u hops) x%u",
		    (unsigned)(h->sig[i].family - h->sig[i].hops),
		    h->sig[i].family, h->sig[i].hops, h->sig[i].flows);
}

void
detect_detail(const struct detect *d, const struct flow *f,
    const struct conf_rule *r, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (d == NULL)
		return;
	if (r->detect == DETECT_EXITS)
		detail_exits(d, f, buf, len);
	else if (r->detect == DETECT_HIDDEN_ROUTER && d->hosts != NULL)
		detail_router(d, f, buf, len);
}

const struct detect_stats *
detect_stats(const struct detect *d)
{
	return &d->stats;
}
