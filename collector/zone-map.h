/*
 * Zone and site of an address, by longest-prefix match over the
 * configuration's networks; asked once per flow, never per packet.
 */
#ifndef ZW_ZONE_MAP_H
#define ZW_ZONE_MAP_H

#include <stdint.h>

#include "conf.h"
#include "decode.h"

#define ZONE_NONE	0xff	/* not resolved (no configuration) */
#define SITE_NONE	0xffff
#define EXIT_NONE	0xffff

struct zone_map;

struct zone_map	*zone_map_new(const struct conf *);
void		 zone_map_free(struct zone_map *);
/*
 * The zone of an address seen with a VLAN (0: untagged).  A VLAN bound
 * to a zone decides; then the networks; then "internet" for a public
 * address and "unknown" for the rest.
 */
uint8_t		 zone_map_zone(const struct zone_map *, const uint8_t *addr,
		    int ipver, uint16_t vlan);
uint16_t	 zone_map_site(const struct zone_map *, const uint8_t *addr,
		    int ipver);
/* The declared exit a packet crossed: by router MAC, VLAN or address. */
uint16_t	 zone_map_exit(const struct zone_map *, const struct pkt *);
int		 zone_map_site_within(const struct zone_map *, uint16_t site,
		    int ancestor);
const char	*zone_map_exit_name(const struct zone_map *, uint16_t exit);
const char	*zone_map_zone_name(const struct zone_map *, uint8_t zone);
const char	*zone_map_site_name(const struct zone_map *, uint16_t site);
uint8_t		 zone_map_unknown(const struct zone_map *);

#endif
