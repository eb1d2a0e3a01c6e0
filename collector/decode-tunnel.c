/*
 * Tunnels carried in UDP, peeled so that the flow is the inner one, as
 * an operator expects when the mirror port sees a mobile core (GTP-U),
 * a wireless controller (CAPWAP), a remote sniffer (TZSP) or an overlay
 * (VXLAN).  A payload that does not validate as the tunnel its port
 * suggests is left alone: the packet stays an ordinary UDP flow.
 * The outer MAC addresses are kept: they tell which router the packet
 * crossed on the monitored link.
 */
#include "decode.h"

#define GTP_U_PORT		2152
#define TZSP_PORT		37008
#define CAPWAP_DATA_PORT	5247
#define VXLAN_PORT		4789

#define GTP_MAX_EXT		8
#define TZSP_MAX_TAGS		32

struct tunnel {
	uint16_t	 port;
	uint8_t		 type;
	/* Returns the offset of the inner frame, or -1; sets *ether. */
	long		(*parse)(struct cursor *, int *ether);
};

/*
 * GTP-U (3GPP TS 29.281, section 5.1):
 * | ver=1 PT=1 * E S PN | type=0xff (G-PDU) | length (16) | TEID (32) |
 * | seq (16) | N-PDU (8) | next ext (8) |   when any of E, S, PN is set
 * then extension headers: | len in 4-octet units | ... | next type |
 */
static long
gtp_parse(struct cursor *c, int *ether)
{
	size_t	 off = 8, elen;
	uint8_t	 flags, next;
	int	 n;

	if (!cursor_has(c, 0, 8))
		return -1;
	flags = get_u8(c, 0);
	if ((flags >> 5) != 1 || !(flags & 0x10) || get_u8(c, 1) != 0xff)
		return -1;
	if (flags & 0x07) {
		if (!cursor_has(c, off, 4))
			return -1;
		next = get_u8(c, off + 3);
		off += 4;
		for (n = 0; (flags & 0x04) && next != 0; n++) {
			if (n >= GTP_MAX_EXT || !cursor_has(c, off, 1))
				return -1;
			elen = (size_t)get_u8(c, off) * 4;
			if (elen == 0 || !cursor_has(c, off, elen))
				return -1;
			next = get_u8(c, off + elen - 1);
			off += elen;
		}
	}
	*ether = 0;
	return (long)off;
}

/*
 * TZSP: | version=1 | type=0 (received) | encapsulated protocol (16) |
 * then tagged fields up to the END tag (1); 0 is one byte of padding.
 * Only Ethernet (encapsulated protocol 1) is peeled.
 */
static long
tzsp_parse(struct cursor *c, int *ether)
{
	size_t	 off = 4;
	uint8_t	 tag;
	int	 n;

	if (!cursor_has(c, 0, 4))
		return -1;
	if (get_u8(c, 0) != 1 || get_u8(c, 1) != 0 || get_be16(c, 2) != 1)
		return -1;
	for (n = 0; n < TZSP_MAX_TAGS; n++) {
		if (!cursor_has(c, off, 1))
			return -1;
		tag = get_u8(c, off);
		if (tag == 1) {
			*ether = 1;
			return (long)off + 1;
		}
		if (tag == 0) {
			off++;
			continue;
		}
		if (!cursor_has(c, off, 2))
			return -1;
		off += 2 + (size_t)get_u8(c, off + 1);
	}
	return -1;
}

/*
 * CAPWAP data channel (RFC 5415, section 4.3):
 * | preamble (8) | HLEN (5) RID (5) WBID (5) T F L W M K flags (3) | ...
 * HLEN counts 4-byte words.  With T set and WBID 1 (RFC 5416) the payload
 * is an IEEE 802.11 data frame with LLC/SNAP; otherwise 802.3.
 */
static long
capwap_parse(struct cursor *c, int *ether)
{
	size_t	 off, hdr;
	uint32_t word;
	uint8_t	 fc0, fc1;

	if (!cursor_has(c, 0, 8) || get_u8(c, 0) != 0)
		return -1;
	word = get_be32(c, 0);
	off = (size_t)((word >> 19) & 0x1f) * 4;
	if (off < 8 || !cursor_has(c, off, 1))
		return -1;
	if (word & 0x80)		/* F: a fragment, not peeled */
		return -1;
	if (!(word & 0x100) || ((word >> 9) & 0x1f) != 1) {
		*ether = 1;		/* T clear: an 802.3 frame */
		return (long)off;
	}
	/*
	 * IEEE 802.11 data frame (type 2), 24 bytes, 30 with four addresses.
	 * Cisco controllers send the frame control field byte-swapped.
	 */
	fc0 = get_u8(c, off);
	fc1 = get_u8(c, off + 1);
	if (((fc0 >> 2) & 3) != 2 && ((fc1 >> 2) & 3) == 2) {
		fc0 = fc1;
		fc1 = get_u8(c, off);
	}
	if (((fc0 >> 2) & 3) != 2)
		return -1;
	hdr = ((fc1 & 3) == 3) ? 30 : 24;
	if (fc0 & 0x80)
		hdr += 2;		/* QoS control */
	off += hdr;
	/* LLC/SNAP: AA AA 03 00 00 00, then the EtherType. */
	if (!cursor_has(c, off, 8) || get_u8(c, off) != 0xaa ||
	    get_u8(c, off + 1) != 0xaa || get_u8(c, off + 2) != 0x03)
		return -1;
	*ether = 2;
	return (long)off + 6;
}

/* VXLAN (RFC 7348, section 5): | flags, I=0x08 | 24 reserved | VNI | rsvd | */
static long
vxlan_parse(struct cursor *c, int *ether)
{
	if (!cursor_has(c, 0, 8) || !(get_u8(c, 0) & 0x08))
		return -1;
	*ether = 1;
	return 8;
}

static int	tunnel_inner(struct cursor *, struct pkt *, uint8_t, int,
		    enum decode_reason *);

static const struct tunnel tunnels[] = {
	{ GTP_U_PORT,		PKT_TUNNEL_GTP,		gtp_parse },
	{ TZSP_PORT,		PKT_TUNNEL_TZSP,	tzsp_parse },
	{ CAPWAP_DATA_PORT,	PKT_TUNNEL_CAPWAP,	capwap_parse },
	{ VXLAN_PORT,		PKT_TUNNEL_VXLAN,	vxlan_parse },
};

/*
 * Returns 1 and sets *reason to the inner decode's result if the UDP
 * payload in c is a tunnel we peel; 0 if the packet stays as it is.
 */
int
decode_tunnel(struct cursor *c, struct pkt *p, enum decode_reason *reason)
{
	const struct tunnel	*t = NULL;
	struct cursor		 inner;
	size_t			 i;
	long			 off;
	int			 ether = 0;

	if (p->tunnel_depth >= DECODE_MAX_TUNNELS)
		return 0;
	for (i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
		if (p->sport == tunnels[i].port || p->dport == tunnels[i].port) {
			t = &tunnels[i];
			break;
		}
	if (t == NULL || (off = t->parse(c, &ether)) < 0)
		return 0;
	inner = cursor_sub(c, (size_t)off);
	return tunnel_inner(&inner, p, t->type, ether, reason);
}

/* IPv4 or IPv6 carried directly in IP (RFC 2003, RFC 4213). */
int
decode_tunnel_ip(struct cursor *c, struct pkt *p, enum decode_reason *reason)
{
	if (p->tunnel_depth >= DECODE_MAX_TUNNELS)
		return 0;
	return tunnel_inner(c, p, PKT_TUNNEL_IPIP, 0, reason);
}

/* Decodes the inner packet; ether: 0 IP, 1 Ethernet, 2 EtherType + IP. */
static int
tunnel_inner(struct cursor *inner, struct pkt *p, uint8_t type, int ether,
    enum decode_reason *reason)
{
	uint8_t			 smac[6], dmac[6], has_mac;

	if (ether == 0 && (!cursor_has(inner, 0, 1) ||
	    ((get_u8(inner, 0) >> 4) != 4 && (get_u8(inner, 0) >> 4) != 6)))
		return 0;
	if (p->tunnel_depth++ == 0)
		p->tunnel = type;
	memcpy(smac, p->src_mac, 6);
	memcpy(dmac, p->dst_mac, 6);
	has_mac = p->has_mac;
	if (ether == 1)
		*reason = decode_ether(inner, p);
	else if (ether == 2) {
		struct cursor	 ip = cursor_sub(inner, 2);

		*reason = decode_ethertype(&ip, p, get_be16(inner, 0));
	} else
		*reason = decode_ip(inner, p);
	memcpy(p->src_mac, smac, 6);
	memcpy(p->dst_mac, dmac, 6);
	p->has_mac = has_mac;
	return 1;
}
