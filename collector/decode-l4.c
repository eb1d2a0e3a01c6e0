/*
 * Transport headers: TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792),
 * ICMPv6 (RFC 4443) and SCTP (RFC 9260).  Other IP protocols are flows
 * without ports.  UDP to a tunnel port is offered to the tunnel decoder.
 */
#include "decode.h"

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58
#define IPPROTO_SCTP_	132
#define IPPROTO_IPIP_	4	/* RFC 2003 */
#define IPPROTO_IPV6_	41	/* RFC 4213 */

static enum decode_reason
decode_tcp(struct cursor *c, struct pkt *p)
{
	size_t	 hlen;

	if (!cursor_has(c, 0, 20))
		return DECODE_TCP_TRUNCATED;
	hlen = (size_t)(get_u8(c, 12) >> 4) * 4;
	if (hlen < 20)
		return DECODE_TCP_BAD_HLEN;
	if (!cursor_has(c, 0, hlen))
		return DECODE_TCP_TRUNCATED;
	p->sport = get_be16(c, 0);
	p->dport = get_be16(c, 2);
	p->tcp_flags = get_u8(c, 13);
	p->payload_len = (uint32_t)(c->len - hlen);
	return DECODE_OK;
}

static enum decode_reason
decode_udp(struct cursor *c, struct pkt *p)
{
	struct cursor		 payload;
	enum decode_reason	 inner;

	if (!cursor_has(c, 0, 8))
		return DECODE_UDP_TRUNCATED;
	p->sport = get_be16(c, 0);
	p->dport = get_be16(c, 2);
	p->payload_len = (uint32_t)(c->len - 8);
	if (p->frag != PKT_FRAG_NONE)
		return DECODE_OK;
	payload = cursor_sub(c, 8);
	if (decode_tunnel(&payload, p, &inner))
		return inner;
	return DECODE_OK;
}

/* ICMP and ICMPv6: type, code, checksum.  Flows of them carry no ports. */
static enum decode_reason
decode_icmp(struct cursor *c, struct pkt *p)
{
	if (!cursor_has(c, 0, 4))
		return p->proto == IPPROTO_ICMP_ ? DECODE_ICMP_TRUNCATED :
		    DECODE_ICMPV6_TRUNCATED;
	p->payload_len = (uint32_t)(c->len - 4);
	return DECODE_OK;
}

/* SCTP common header: ports, verification tag, checksum. */
static enum decode_reason
decode_sctp(struct cursor *c, struct pkt *p)
{
	if (!cursor_has(c, 0, 12))
		return DECODE_SCTP_TRUNCATED;
	p->sport = get_be16(c, 0);
	p->dport = get_be16(c, 2);
	p->payload_len = (uint32_t)(c->len - 12);
	return DECODE_OK;
}

enum decode_reason
decode_l4(struct cursor *c, struct pkt *p)
{
	enum decode_reason	 inner;

	switch (p->proto) {
	case IPPROTO_TCP_:
		return decode_tcp(c, p);
	case IPPROTO_UDP_:
		return decode_udp(c, p);
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		return decode_icmp(c, p);
	case IPPROTO_SCTP_:
		return decode_sctp(c, p);
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
		if (p->frag == PKT_FRAG_NONE &&
		    decode_tunnel_ip(c, p, &inner))
			return inner;
		/* FALLTHROUGH */
	default:
		p->payload_len = (uint32_t)c->len;
		return DECODE_OK;
	}
}
