/*
 * Frame builders for the unit tests: each appends a header to a buffer.
 * Checksums are left zero; the collector does not verify them.
 */
#ifndef ZW_TEST_PKT_BUILD_H
#define ZW_TEST_PKT_BUILD_H

#include <stdint.h>
#include <string.h>

struct frame {
	uint8_t		 b[2048];
	size_t		 len;
};

static inline void
put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void
put8(struct frame *f, uint8_t v)
{
	f->b[f->len++] = v;
}

static inline void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static inline void
put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static inline void
put_ether(struct frame *f, uint16_t type)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	put(f, dst, 6);
	put(f, src, 6);
	put16(f, type);
}

static inline void
put_vlan(struct frame *f, uint16_t vid, uint16_t type)
{
	put16(f, vid);
	put16(f, type);
}

/* IPv4 header with total length covering hlen + l4len; returns offset. */
static inline size_t
put_ipv4(struct frame *f, uint32_t src, uint32_t dst, uint8_t proto,
    size_t l4len, uint16_t frag, const uint8_t *opts, size_t optlen)
{
	size_t	 at = f->len, hlen = 20 + optlen;

	put8(f, (uint8_t)(0x40 | (hlen / 4)));
	put8(f, 0);
	put16(f, (uint16_t)(hlen + l4len));
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, src);
	put32(f, dst);
	if (optlen)
		put(f, opts, optlen);
	return at;
}

static inline void
put_ipv6(struct frame *f, uint8_t last, uint8_t nh, size_t plen)
{
	uint8_t	 a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	put32(f, 0x60000000);
	put16(f, (uint16_t)plen);
	put8(f, nh);
	put8(f, 64);
	a[15] = 1;
	put(f, a, 16);
	a[15] = last;
	put(f, a, 16);
}

static inline void
put_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1);
	put32(f, 0);
	put8(f, 0x50);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
}

static inline void
put_udp(struct frame *f, uint16_t sport, uint16_t dport, size_t paylen)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, (uint16_t)(8 + paylen));
	put16(f, 0);
}

#endif
