/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200) with options, extension headers and
 * fragments.  Fragments are not reassembled: the first fragment carries
 * the ports, later ones are tied to it by the fragment table.
 */
#include "decode.h"

#define IPV4_MF		0x2000
#define IPV4_OFFMASK	0x1fff

#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60
#define IP6_MOBILITY	135
#define IP6_HIP		139
#define IP6_SHIM6	140

static enum decode_reason	decode_ipv4(struct cursor *, struct pkt *);
static enum decode_reason	decode_ipv6(struct cursor *, struct pkt *);

/*
 * IP where the link layer has said which (an EtherType, a PPP protocol,
 * a loopback family): a frame that ends before the packet begins is a
 * truncation of that version, not of IPv4.
 */
enum decode_reason
decode_ip_declared(struct cursor *c, struct pkt *p, int v6)
{
	if (!cursor_has(c, 0, 1))
		return v6 ? DECODE_IPV6_TRUNCATED : DECODE_IPV4_TRUNCATED;
	return decode_ip(c, p);
}

enum decode_reason
decode_ip(struct cursor *c, struct pkt *p)
{
	if (!cursor_has(c, 0, 1))
		return DECODE_IPV4_TRUNCATED;
	switch (get_u8(c, 0) >> 4) {
	case 4:
		return decode_ipv4(c, p);
	case 6:
		return decode_ipv6(c, p);
	default:
		return DECODE_IP_BAD_VERSION;
	}
}

/*
 * Bytes of an IP packet we may look at: the length the header claims,
 * less what the capture cut off.  A packet whose header claims more than
 * the frame holds is malformed unless the capture's snap length is why.
 */
static int
ip_clamp(struct cursor *c, const struct pkt *p, size_t iplen)
{
	if (iplen <= c->len) {
		c->len = iplen;
		return 0;
	}
	return p->caplen < p->wirelen ? 0 : -1;
}

/*
 * The IP header found is the innermost so far: what an outer header of a
 * tunnel said about ports and payload no longer holds.
 */
static void
ip_found(struct pkt *p, const struct cursor *c)
{
	p->l3 = c->base;
	p->l3len = (uint32_t)c->len;
	p->sport = p->dport = 0;
	p->tcp_flags = 0;
	p->payload_len = 0;
}

/*
 * Options (RFC 791, section 3.1): EOL and NOP are single bytes, every
 * other option carries a length of at least 2 that must fit the header.
 */
static int
ipv4_options_ok(struct cursor *c, size_t hlen)
{
	size_t	 off = 20;
	uint8_t	 type, len;

	while (off < hlen) {
		type = get_u8(c, off);
		if (type == 0)
			break;
		if (type == 1) {
			off++;
			continue;
		}
		if (off + 1 >= hlen)
			return 0;
		len = get_u8(c, off + 1);
		if (len < 2 || off + len > hlen)
			return 0;
		off += len;
	}
	return 1;
}

/*
 * |ver|ihl| tos  |  total length  |
 * | identification |flg| offset   |
 * | ttl  | proto  |   checksum    |
 * | source address                |
 * | destination address           |
 * | options (ihl > 5)             |
 */
static enum decode_reason
decode_ipv4(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	size_t		 hlen, totlen;
	uint16_t	 frag;

	if (!cursor_has(c, 0, 20))
		return DECODE_IPV4_TRUNCATED;
	hlen = (size_t)(get_u8(c, 0) & 0x0f) * 4;
	if (hlen < 20)
		return DECODE_IPV4_BAD_HLEN;
	if (!cursor_has(c, 0, hlen))
		return DECODE_IPV4_TRUNCATED;
	totlen = get_be16(c, 2);
	/*
	 * Zero is what a capture on the sending host shows for a segment
	 * that the NIC will split (TCP segmentation offload): the frame's
	 * own length is the packet's, as Wireshark reads it too.
	 */
	if (totlen == 0)
		totlen = c->len;
	if (totlen < hlen)
		return DECODE_IPV4_BAD_TOTLEN;
	if (ip_clamp(c, p, totlen) == -1)
		return DECODE_IPV4_BAD_TOTLEN;
	if (hlen > 20 && !ipv4_options_ok(c, hlen))
		return DECODE_IPV4_OPT_BAD;

	p->ipver = 4;
	p->ttl = get_u8(c, 8);
	p->proto = get_u8(c, 9);
	memset(p->src, 0, sizeof(p->src));
	memset(p->dst, 0, sizeof(p->dst));
	get_bytes(c, 12, p->src, 4);
	get_bytes(c, 16, p->dst, 4);
	ip_found(p, c);

	frag = get_be16(c, 6);
	p->frag_id = get_be16(c, 4);
	if (frag & IPV4_OFFMASK) {
		p->frag = PKT_FRAG_LATER;
		p->payload_len = (uint32_t)(c->len - hlen);
		return DECODE_OK;
	}
	p->frag = (frag & IPV4_MF) ? PKT_FRAG_FIRST : PKT_FRAG_NONE;
	next = cursor_sub(c, hlen);
	return decode_l4(&next, p);
}

/*
 * Fixed header (RFC 8200, section 3), then a chain of extension headers
 * (section 4) that we walk, up to DECODE_MAX_IPV6_EXT of them, to find
 * the upper-layer protocol.
 */
static enum decode_reason
decode_ipv6(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	size_t		 off = 40, plen, elen;
	uint8_t		 nh;
	int		 n;

	if (!cursor_has(c, 0, 40))
		return DECODE_IPV6_TRUNCATED;
	plen = get_be16(c, 4);
	/* A zero length means a jumbogram (RFC 2675): take what is there. */
	if (plen != 0 && ip_clamp(c, p, 40 + plen) == -1)
		return DECODE_IPV6_BAD_PLEN;

	p->ipver = 6;
	nh = get_u8(c, 6);
	p->ttl = get_u8(c, 7);
	get_bytes(c, 8, p->src, 16);
	get_bytes(c, 24, p->dst, 16);
	ip_found(p, c);
	p->frag = PKT_FRAG_NONE;

	for (n = 0;; n++) {
		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_MOBILITY:
		case IP6_HIP:
		case IP6_SHIM6:
			if (!cursor_has(c, off, 2))
				return DECODE_IPV6_EXT_TRUNCATED;
			elen = ((size_t)get_u8(c, off + 1) + 1) * 8;
			break;
		case IP6_AH:
			/* RFC 4302: length in 32-bit words, minus 2. */
			if (!cursor_has(c, off, 2))
				return DECODE_IPV6_EXT_TRUNCATED;
			elen = ((size_t)get_u8(c, off + 1) + 2) * 4;
			break;
		case IP6_FRAGMENT:
			if (!cursor_has(c, off, 8))
				return DECODE_IPV6_EXT_TRUNCATED;
			p->frag_id = get_be32(c, off + 4);
			if (get_be16(c, off + 2) & 0xfff8) {
				p->frag = PKT_FRAG_LATER;
				p->proto = get_u8(c, off);
				p->payload_len = (uint32_t)(c->len - off - 8);
				return DECODE_OK;
			}
			if (get_be16(c, off + 2) & 1)
				p->frag = PKT_FRAG_FIRST;
			elen = 8;
			break;
		default:
			p->proto = nh;
			next = cursor_sub(c, off);
			return decode_l4(&next, p);
		}
		if (n >= DECODE_MAX_IPV6_EXT)
			return DECODE_IPV6_EXT_TOO_MANY;
		if (!cursor_has(c, off, elen))
			return DECODE_IPV6_EXT_TRUNCATED;
		nh = get_u8(c, off);
		off += elen;
	}
}
