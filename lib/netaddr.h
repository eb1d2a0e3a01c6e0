/*
 * Addresses and prefixes as configuration and policy see them: IPv4 in
 * the first four bytes of a 16-byte array, as in struct pkt.
 */
#ifndef ZW_NETADDR_H
#define ZW_NETADDR_H

#include <stddef.h>
#include <stdint.h>

struct prefix {
	uint8_t		 addr[16];
	uint8_t		 len;		/* bits */
	uint8_t		 ipver;		/* 4 or 6 */
};

int	netaddr_prefix_parse(const char *, struct prefix *,
	    const char **errstr);
int	netaddr_prefix_contains(const struct prefix *outer,
	    const struct prefix *inner);
int	netaddr_prefix_overlap(const struct prefix *, const struct prefix *);
void	netaddr_prefix_format(const struct prefix *, char *, size_t);
int	netaddr_is_public(const uint8_t *addr, int ipver);
int	netaddr_mac_parse(const char *, uint8_t mac[6]);

#endif
