/*
 * Prefix parsing and comparison; which addresses are public.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "parse.h"

/*
 * "a.b.c.d/n", "x::y/n", or an address alone (a host prefix).  Bits set
 * beyond the prefix length are an error: "10.1.2.3/8" is a typo more
 * often than a way of writing 10.0.0.0/8.
 */
int
netaddr_prefix_parse(const char *s, struct prefix *p, const char **errstr)
{
	char		 buf[64];
	const char	*slash;
	uint64_t	 len;
	int		 i, max;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf)) {
		*errstr = "too long for an address";
		return -1;
	}
	strcpy(buf, s);
	if ((slash = strchr(s, '/')) != NULL)
		buf[slash - s] = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->ipver = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->ipver = 6;
		max = 128;
	} else {
		*errstr = "not an IPv4 or IPv6 address";
		return -1;
	}
	len = (uint64_t)max;
	if (slash != NULL &&
	    parse_u64(slash + 1, 0, (uint64_t)max, &len, errstr) == -1) {
		*errstr = "bad prefix length";
		return -1;
	}
	p->len = (uint8_t)len;
	for (i = p->len; i < max; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8))) {
			*errstr = "host bits set beyond the prefix length";
			return -1;
		}
	return 0;
}

static int
bits_equal(const uint8_t *a, const uint8_t *b, int n)
{
	int	 full = n / 8, rest = n % 8;
	uint8_t	 mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

int
netaddr_prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	return outer->ipver == inner->ipver && outer->len <= inner->len &&
	    bits_equal(outer->addr, inner->addr, outer->len);
}

int
netaddr_prefix_overlap(const struct prefix *a, const struct prefix *b)
{
	return netaddr_prefix_contains(a, b) || netaddr_prefix_contains(b, a);
}

void
netaddr_prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->ipver == 6 ? AF_INET6 : AF_INET, p->addr, a,
	    sizeof(a)) == NULL)
		strcpy(a, "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

/*
 * Special-purpose ranges (RFC 6890 and the IANA registries it set up):
 * an address in none of them, and in no configured zone, is on the
 * internet.  The table is parsed on first use, which zonemap_new() makes
 * happen before any worker thread starts.
 */
static const struct {
	const char	*prefix;
} special[] = {
	{ "0.0.0.0/8" }, { "10.0.0.0/8" }, { "100.64.0.0/10" },
	{ "127.0.0.0/8" }, { "169.254.0.0/16" }, { "172.16.0.0/12" },
	{ "192.0.0.0/24" }, { "192.0.2.0/24" }, { "192.88.99.0/24" },
	{ "192.168.0.0/16" }, { "198.18.0.0/15" }, { "198.51.100.0/24" },
	{ "203.0.113.0/24" }, { "224.0.0.0/4" }, { "240.0.0.0/4" },
	{ "::/128" }, { "::1/128" }, { "::ffff:0:0/96" }, { "64:ff9b:1::/48" },
	{ "100::/64" }, { "2001::/23" }, { "2001:db8::/32" }, { "fc00::/7" },
	{ "fe80::/10" }, { "ff00::/8" },
};

int
netaddr_is_public(const uint8_t *addr, int ipver)
{
	static struct prefix	 table[sizeof(special) / sizeof(special[0])];
	static int		 ready;
	struct prefix		 host;
	const char		*errstr;
	size_t			 i;

	if (!ready) {
		for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
			if (netaddr_prefix_parse(special[i].prefix, &table[i],
			    &errstr) == -1)
				abort();
		ready = 1;
	}
	memset(&host, 0, sizeof(host));
	memcpy(host.addr, addr, ipver == 6 ? 16 : 4);
	host.ipver = (uint8_t)ipver;
	host.len = ipver == 6 ? 128 : 32;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (netaddr_prefix_contains(&table[i], &host))
			return 0;
	return 1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "00:11:22:33:44:55", or with dashes. */
int
netaddr_mac_parse(const char *s, uint8_t mac[6])
{
	char	 sep;
	int	 i, h, l;

	if (strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		return -1;
	sep = s[2];
	for (i = 0; i < 6; i++) {
		h = hexval(s[i * 3]);
		l = hexval(s[i * 3 + 1]);
		if (h < 0 || l < 0 || (i < 5 && s[i * 3 + 2] != sep))
			return -1;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}
