/*
 * Zone and site lookup.  Sites nest (a township's network lies inside
 * its county's), so the longest match is the most specific office.
 */
#include <stdlib.h>
#include <string.h>

#include "lpm.h"
#include "zone-map.h"

struct zone_map {
	const struct conf	*conf;
	struct lpm		*zones;
	struct lpm		*sites;
	struct lpm		*exit_addrs;
	uint8_t			 vlan_zone[4096];
	uint16_t		 vlan_exit[4096];
	uint8_t			 unknown;	/* the zone after the last */
};

struct zone_map *
zone_map_new(const struct conf *c)
{
	struct zone_map	*zm;
	size_t		 i, j;
	unsigned int	 v;
	uint8_t		 probe[16] = { 0 };

	if (c->zones.n >= ZONE_NONE || c->sites.n >= SITE_NONE)
		return NULL;
	if ((zm = calloc(1, sizeof(*zm))) == NULL)
		return NULL;
	zm->conf = c;
	zm->unknown = (uint8_t)c->zones.n;
	memset(zm->vlan_zone, ZONE_NONE, sizeof(zm->vlan_zone));
	for (v = 0; v < 4096; v++)
		zm->vlan_exit[v] = EXIT_NONE;
	if ((zm->zones = lpm_new()) == NULL || (zm->sites = lpm_new()) == NULL ||
	    (zm->exit_addrs = lpm_new()) == NULL)
		goto fail;
	for (i = 0; i < c->exits.n; i++) {
		for (j = 0; j < c->exits.v[i].addrs.n; j++)
			if (lpm_insert(zm->exit_addrs,
			    &c->exits.v[i].addrs.v[j].prefix, (int32_t)i) == -1)
				goto fail;
		for (j = 0; j < c->exits.v[i].vlans.n; j++)
			for (v = c->exits.v[i].vlans.v[j].lo;
			    v <= c->exits.v[i].vlans.v[j].hi; v++)
				zm->vlan_exit[v] = (uint16_t)i;
	}
	for (i = 0; i < c->zones.n; i++) {
		for (j = 0; j < c->zones.v[i].nets.n; j++)
			if (lpm_insert(zm->zones, &c->zones.v[i].nets.v[j].prefix,
			    (int32_t)i) == -1)
				goto fail;
		for (j = 0; j < c->zones.v[i].vlans.n; j++)
			for (v = c->zones.v[i].vlans.v[j].lo;
			    v <= c->zones.v[i].vlans.v[j].hi; v++)
				zm->vlan_zone[v] = (uint8_t)i;
	}
	for (i = 0; i < c->sites.n; i++)
		for (j = 0; j < c->sites.v[i].nets.n; j++)
			if (lpm_insert(zm->sites, &c->sites.v[i].nets.v[j].prefix,
			    (int32_t)i) == -1)
				goto fail;
	/* Builds netaddr_is_public()'s table now, before any worker runs. */
	(void)netaddr_is_public(probe, 4);
	return zm;
fail:
	zone_map_free(zm);
	return NULL;
}

void
zone_map_free(struct zone_map *zm)
{
	if (zm == NULL)
		return;
	lpm_free(zm->zones);
	lpm_free(zm->sites);
	lpm_free(zm->exit_addrs);
	free(zm);
}

uint8_t
zone_map_zone(const struct zone_map *zm, const uint8_t *addr, int ipver,
    uint16_t vlan)
{
	int32_t	 z;

	if (vlan != 0 && vlan < 4096 && zm->vlan_zone[vlan] != ZONE_NONE)
		return zm->vlan_zone[vlan];
	if ((z = lpm_lookup(zm->zones, addr, ipver)) >= 0)
		return (uint8_t)z;
	return netaddr_is_public(addr, ipver) ? ZONE_INTERNET : zm->unknown;
}

uint16_t
zone_map_site(const struct zone_map *zm, const uint8_t *addr, int ipver)
{
	int32_t	 s = lpm_lookup(zm->sites, addr, ipver);

	return s < 0 ? SITE_NONE : (uint16_t)s;
}

/*
 * On the monitored link, traffic through an exit router carries its MAC
 * as source (inbound) or destination (outbound); a NATing exit shows its
 * address as one end.  Exits are few: a scan of their MACs is cheap, and
 * this runs once per flow.
 */
uint16_t
zone_map_exit(const struct zone_map *zm, const struct pkt *p)
{
	const struct conf	*c = zm->conf;
	size_t			 i, j;
	int32_t			 e;

	if (p->vlan_outer != 0 && zm->vlan_exit[p->vlan_outer] != EXIT_NONE)
		return zm->vlan_exit[p->vlan_outer];
	if (p->vlan != 0 && zm->vlan_exit[p->vlan] != EXIT_NONE)
		return zm->vlan_exit[p->vlan];
	if (p->has_mac)
		for (i = 0; i < c->exits.n; i++)
			for (j = 0; j < c->exits.v[i].macs.n; j++)
				if (memcmp(p->src_mac, c->exits.v[i].macs.v[j].mac,
				    6) == 0 || memcmp(p->dst_mac,
				    c->exits.v[i].macs.v[j].mac, 6) == 0)
					return (uint16_t)i;
	if ((e = lpm_lookup(zm->exit_addrs, p->src, p->ipver)) >= 0 ||
	    (e = lpm_lookup(zm->exit_addrs, p->dst, p->ipver)) >= 0)
		return (uint16_t)e;
	return EXIT_NONE;
}

/* Whether site is ancestor or lies below it. */
int
zone_map_site_within(const struct zone_map *zm, uint16_t site, int ancestor)
{
	int	 s;

	if (site == SITE_NONE)
		return 0;
	for (s = site; s >= 0; s = zm->conf->sites.v[s].parent)
		if (s == ancestor)
			return 1;
	return 0;
}

const char *
zone_map_exit_name(const struct zone_map *zm, uint16_t exit)
{
	if (exit == EXIT_NONE || exit >= zm->conf->exits.n)
		return "";
	return zm->conf->exits.v[exit].name;
}

const char *
zone_map_zone_name(const struct zone_map *zm, uint8_t zone)
{
	if (zone == ZONE_NONE)
		return "";
	if (zone >= zm->conf->zones.n)
		return "unknown";
	return zm->conf->zones.v[zone].name;
}

const char *
zone_map_site_name(const struct zone_map *zm, uint16_t site)
{
	if (site == SITE_NONE || site >= zm->conf->sites.n)
		return "";
	return zm->conf->sites.v[site].name;
}

uint8_t
zone_map_unknown(const struct zone_map *zm)
{
	return zm->unknown;
}
