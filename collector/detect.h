/*
 * Stateful detectors: findings no single flow shows.
 *
 *   exits-per-district  more egress points to the internet in use for a
 *                       district than the policy allows (two): declared
 *                       exits, and routers (by MAC) carrying extranet
 *                       traffic to the internet around them;
 *   hidden-router       one extranet address whose connections come with
 *                       several TTL signatures (initial TTL family and
 *                       hops), the sign of a router or shared connection
 *                       behind it.
 *
 * Both look at a flow once, at its first packet, and remember in tables
 * of bounded size.  A detector fires by setting the rule's bit in the
 * flow, as the policy does, so its findings are reported the same way.
 */
#ifndef ZW_DETECT_H
#define ZW_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "decode.h"
#include "flow-table.h"
#include "policy.h"
#include "zone-map.h"

#define DETECT_HOSTS_DEFAULT	65536

struct detect_stats {
	uint64_t	 hosts;		/* addresses remembered */
	uint64_t	 hosts_evicted;	/* forgotten for room */
	uint64_t	 fired;
};

struct detect;

/* NULL when no rule asks for a detector (and errno 0), or on failure. */
struct detect	*detect_new(const struct conf *, const struct zone_map *,
		    uint32_t max_hosts);
void		 detect_free(struct detect *);
/*
 * Fires through the caller's policy: several pipelines (workers) share
 * one detector, under their lock, each with its own rule counters.
 */
void		 detect_flow(struct detect *, struct policy *, struct flow *,
		    const struct pkt *);
/* What the detector saw, for the record of a rule it fired. */
void		 detect_detail(const struct detect *, const struct flow *,
		    const struct conf_rule *, char *buf, size_t len);
const struct detect_stats *detect_stats(const struct detect *);

#endif
