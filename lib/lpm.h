/*
 * Longest-prefix match over IPv4 and IPv6 prefixes: a binary trie, one
 * node per prefix bit, looked up once per flow (at most 32 or 128 steps).
 */
#ifndef ZW_LPM_H
#define ZW_LPM_H

#include <stdint.h>

#include "netaddr.h"

struct lpm;

struct lpm	*lpm_new(void);
void		 lpm_free(struct lpm *);
/* Returns 0, or -1 (out of memory).  A prefix inserted again is replaced. */
int		 lpm_insert(struct lpm *, const struct prefix *, int32_t value);
/* The value of the longest prefix holding addr, or -1. */
int32_t		 lpm_lookup(const struct lpm *, const uint8_t *addr, int ipver);

#endif
