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
	uint8_t			 vlan_zone[4096];
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
	if ((zm->zones = lpm_new()) == NULL || (zm->sites = lpm_new()) == NULL)
		goto fail;
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
	/* Builds addr_is_public()'s table now, before any worker runs. */
	(void)addr_is_public(probe, 4);
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
	return addr_is_public(addr, ipver) ? ZONE_INTERNET : zm->unknown;
}

uint16_t
zone_map_site(const struct zone_map *zm, const uint8_t *addr, int ipver)
{
	int32_t	 s = lpm_lookup(zm->sites, addr, ipver);

	return s < 0 ? SITE_NONE : (uint16_t)s;
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
