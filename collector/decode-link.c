/*
 * Link layers and what sits between them and IP: Ethernet (IEEE 802.3),
 * 802.1Q and 802.1ad tags, MPLS (RFC 3032), PPPoE sessions (RFC 2516),
 * Linux cooked headers (SLL and SLL2), BSD loopback, raw IP, PPP (RFC 1661)
 * and Cisco HDLC.
 */
#include <pcap/dlt.h>

#include "decode.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE_SESS	0x8864

#define PPP_IP			0x0021
#define PPP_IPV6		0x0057

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2		276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4		228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6		229
#endif

static enum decode_reason	decode_vlan(struct cursor *, struct pkt *);
static enum decode_reason	decode_mpls(struct cursor *, struct pkt *);
static enum decode_reason	decode_pppoe(struct cursor *, struct pkt *);
static enum decode_reason	decode_ppp_proto(struct cursor *, struct pkt *,
				    uint16_t);

/*
 *  0                   1
 * +-------------------------------+-------------------------------+---------+
 * | destination MAC (6)           | source MAC (6)                | type (2)|
 * +-------------------------------+-------------------------------+---------+
 * A type below 0x0600 is an 802.3 length (LLC follows): not IP here.
 */
enum decode_reason
decode_ether(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	uint16_t	 type;

	if (!cursor_has(c, 0, 14))
		return DECODE_LINK_TRUNCATED;
	get_bytes(c, 0, p->dst_mac, 6);
	get_bytes(c, 6, p->src_mac, 6);
	p->has_mac = 1;
	type = get_be16(c, 12);
	next = cursor_sub(c, 14);
	return decode_ethertype(&next, p, type);
}

/* What follows an EtherType, wherever it appears (Ethernet, SLL, tags). */
enum decode_reason
decode_ethertype(struct cursor *c, struct pkt *p, uint16_t type)
{
	switch (type) {
	case ETHERTYPE_IP:
	case ETHERTYPE_IPV6:
		return decode_ip_declared(c, p, type == ETHERTYPE_IPV6);
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD:
		return decode_vlan(c, p);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(c, p);
	case ETHERTYPE_PPPOE_SESS:
		return decode_pppoe(c, p);
	default:
		return DECODE_NON_IP;
	}
}

/*
 * IEEE 802.1Q tag (802.1ad for the outer tag of QinQ):
 * | PCP(3) DEI(1) VID(12) | inner EtherType (16) |
 */
static enum decode_reason
decode_vlan(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	uint16_t	 vid;

	if (p->nvlan >= DECODE_MAX_VLANS)
		return DECODE_VLAN_TOO_DEEP;
	if (!cursor_has(c, 0, 4))
		return DECODE_VLAN_TRUNCATED;
	/*
	 * The innermost tag names the flow, as in nDPI's reader: with QinQ
	 * the outer tag is the carrier's and the inner one the customer's.
	 */
	vid = get_be16(c, 0) & 0x0fff;
	if (p->nvlan == 0)
		p->vlan_outer = vid;
	p->vlan = vid;
	p->nvlan++;
	next = cursor_sub(c, 4);
	return decode_ethertype(&next, p, get_be16(c, 2));
}

/*
 * MPLS label stack entry (RFC 3032, section 2.1):
 * | label (20) | TC (3) | S (1) | TTL (8) |
 * The payload type after the bottom of stack is not signalled; like every
 * passive monitor we look at the first nibble (RFC 4928 explains why
 * 4 and 6 are reserved for that), and 0 means a pseudowire control word
 * followed by Ethernet (RFC 4448).
 */
static enum decode_reason
decode_mpls(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	size_t		 off = 0;
	int		 n;
	uint8_t		 nibble;

	for (n = 0;; n++) {
		if (n >= DECODE_MAX_MPLS)
			return DECODE_MPLS_TOO_DEEP;
		if (!cursor_has(c, off, 4))
			return DECODE_MPLS_TRUNCATED;
		off += 4;
		if (get_be32(c, off - 4) & 0x100)
			break;
	}
	if (!cursor_has(c, off, 1))
		return DECODE_MPLS_TRUNCATED;
	nibble = get_u8(c, off) >> 4;
	switch (nibble) {
	case 4:
	case 6:
		next = cursor_sub(c, off);
		return decode_ip(&next, p);
	case 0:
		next = cursor_sub(c, off + 4);
		return decode_ether(&next, p);
	default:
		return DECODE_MPLS_UNKNOWN_PAYLOAD;
	}
}

/*
 * PPPoE session stage (RFC 2516, section 4):
 * | ver(4)=1 | type(4)=1 | code(8)=0 | session id (16) | length (16) |
 * then the PPP protocol field (RFC 1661).
 */
static enum decode_reason
decode_pppoe(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	uint16_t	 len;

	if (!cursor_has(c, 0, 8))
		return DECODE_PPPOE_TRUNCATED;
	if (get_u8(c, 0) != 0x11 || get_u8(c, 1) != 0)
		return DECODE_PPPOE_BAD_HEADER;
	len = get_be16(c, 4);
	if (len < 2)
		return DECODE_PPPOE_BAD_HEADER;
	next = cursor_sub(c, 8);
	/* The PPPoE length bounds the payload; trailing padding is not ours. */
	if (next.len > (size_t)len - 2)
		next.len = (size_t)len - 2;
	return decode_ppp_proto(&next, p, get_be16(c, 6));
}

static enum decode_reason
decode_ppp_proto(struct cursor *c, struct pkt *p, uint16_t proto)
{
	switch (proto) {
	case PPP_IP:
	case PPP_IPV6:
		return decode_ip_declared(c, p, proto == PPP_IPV6);
	default:
		return DECODE_PPP_NON_IP;
	}
}

static enum decode_reason	decode_chdlc(struct cursor *, struct pkt *);

/*
 * PPP in HDLC-like framing (RFC 1662): optional 0xff 0x03, then protocol.
 * Serial links captured as PPP may carry Cisco HDLC instead, recognised
 * by its address byte (0x0f unicast, 0x8f broadcast).
 */
static enum decode_reason
decode_ppp(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	size_t		 off = 0;

	if (!cursor_has(c, 0, 2))
		return DECODE_LINK_TRUNCATED;
	if (get_u8(c, 0) == 0x0f || get_u8(c, 0) == 0x8f)
		return decode_chdlc(c, p);
	if (get_u8(c, 0) == 0xff && get_u8(c, 1) == 0x03)
		off = 2;
	if (!cursor_has(c, off, 2))
		return DECODE_LINK_TRUNCATED;
	next = cursor_sub(c, off + 2);
	return decode_ppp_proto(&next, p, get_be16(c, off));
}

/* Cisco HDLC: | address (8) | control (8) | EtherType (16) | */
static enum decode_reason
decode_chdlc(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;

	if (!cursor_has(c, 0, 4))
		return DECODE_LINK_TRUNCATED;
	next = cursor_sub(c, 4);
	return decode_ethertype(&next, p, get_be16(c, 2));
}

/* Linux cooked v1: 16 bytes, protocol (EtherType) in the last two. */
static enum decode_reason
decode_sll(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;

	if (!cursor_has(c, 0, 16))
		return DECODE_LINK_TRUNCATED;
	next = cursor_sub(c, 16);
	return decode_ethertype(&next, p, get_be16(c, 14));
}

/* Linux cooked v2: 20 bytes, protocol (EtherType) in the first two. */
static enum decode_reason
decode_sll2(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;

	if (!cursor_has(c, 0, 20))
		return DECODE_LINK_TRUNCATED;
	next = cursor_sub(c, 20);
	return decode_ethertype(&next, p, get_be16(c, 0));
}

/*
 * BSD loopback: a 4-byte address family.  DLT_NULL stores it in the
 * byte order of the capturing host, so both orders are accepted.
 * AF_INET6 differs between systems (24, 28, 30).
 */
static enum decode_reason
decode_null(struct cursor *c, struct pkt *p)
{
	struct cursor	 next;
	uint32_t	 af;

	if (!cursor_has(c, 0, 4))
		return DECODE_LINK_TRUNCATED;
	af = get_le32(c, 0);
	if (af > 0xffff)
		af = get_be32(c, 0);
	switch (af) {
	case 2:
	case 24:
	case 28:
	case 30:
		next = cursor_sub(c, 4);
		return decode_ip_declared(&next, p, af != 2);
	default:
		return DECODE_LINK_UNKNOWN_FAMILY;
	}
}

static enum decode_reason
decode_raw(struct cursor *c, struct pkt *p)
{
	return decode_ip(c, p);
}

static const struct decode_link links[] = {
	{ DLT_EN10MB,		"ethernet",	decode_ether },
	{ DLT_LINUX_SLL,	"linux-sll",	decode_sll },
	{ DLT_LINUX_SLL2,	"linux-sll2",	decode_sll2 },
	{ DLT_NULL,		"null",		decode_null },
	{ DLT_LOOP,		"loop",		decode_null },
	{ DLT_RAW,		"raw",		decode_raw },
	{ DLT_IPV4,		"ipv4",		decode_raw },
	{ DLT_IPV6,		"ipv6",		decode_raw },
	{ DLT_PPP,		"ppp",		decode_ppp },
	{ DLT_PPP_SERIAL,	"ppp-serial",	decode_ppp },
	{ DLT_C_HDLC,		"c-hdlc",	decode_chdlc },
};

const struct decode_link *
decode_link_lookup(int dlt)
{
	size_t	 i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].dlt == dlt)
			return &links[i];
	return NULL;
}
