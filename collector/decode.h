/*
 * The decode stage: one captured frame in, one struct pkt out.
 *
 * struct pkt is the summary handed from stage to stage (decode, fragment
 * resolution, flow table, DPI, outputs).  Numbers in it are in host byte
 * order; addresses are kept as on the wire (network order), IPv4 in the
 * first four bytes of a 16-byte array.
 *
 * Decoders read packet bytes only through the cursor accessors below,
 * which check bounds on every read.  A decoder that finds a malformed or
 * truncated header returns a named reason; the caller counts it and drops
 * the packet.
 */
#ifndef ZW_DECODE_H
#define ZW_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Reasons a frame is not attributed to a flow.  The name is stable: it
 * appears in statistics, the status file and (later) the MIB.  "malformed"
 * is 0 for frames that are well-formed but carry no IP (ARP, LLDP, LCP).
 */
#define DECODE_REASONS(X)						\
	X(OK,			"ok",				0)	\
	X(LINK_UNSUPPORTED,	"link.unsupported",		0)	\
	X(LINK_TRUNCATED,	"link.truncated",		1)	\
	X(LINK_UNKNOWN_FAMILY,	"link.unknown_family",		0)	\
	X(NON_IP,		"ether.non_ip",			0)	\
	X(VLAN_TRUNCATED,	"vlan.truncated",		1)	\
	X(VLAN_TOO_DEEP,	"vlan.too_deep",		1)	\
	X(MPLS_TRUNCATED,	"mpls.truncated",		1)	\
	X(MPLS_TOO_DEEP,	"mpls.too_deep",		1)	\
	X(MPLS_UNKNOWN_PAYLOAD,	"mpls.unknown_payload",		0)	\
	X(PPPOE_TRUNCATED,	"pppoe.truncated",		1)	\
	X(PPPOE_BAD_HEADER,	"pppoe.bad_header",		1)	\
	X(PPP_NON_IP,		"ppp.non_ip",			0)	\
	X(IP_BAD_VERSION,	"ip.bad_version",		1)	\
	X(IPV4_TRUNCATED,	"ipv4.truncated",		1)	\
	X(IPV4_BAD_HLEN,	"ipv4.bad_header_length",	1)	\
	X(IPV4_BAD_TOTLEN,	"ipv4.bad_total_length",	1)	\
	X(IPV4_OPT_BAD,		"ipv4.bad_option",		1)	\
	X(IPV6_TRUNCATED,	"ipv6.truncated",		1)	\
	X(IPV6_BAD_PLEN,	"ipv6.bad_payload_length",	1)	\
	X(IPV6_EXT_TRUNCATED,	"ipv6.ext_truncated",		1)	\
	X(IPV6_EXT_TOO_MANY,	"ipv6.ext_too_many",		1)	\
	X(TCP_TRUNCATED,	"tcp.truncated",		1)	\
	X(TCP_BAD_HLEN,		"tcp.bad_header_length",	1)	\
	X(UDP_TRUNCATED,	"udp.truncated",		1)	\
	X(ICMP_TRUNCATED,	"icmp.truncated",		1)	\
	X(ICMPV6_TRUNCATED,	"icmpv6.truncated",		1)	\
	X(SCTP_TRUNCATED,	"sctp.truncated",		1)

#define DECODE_ENUM(id, name, malformed)	DECODE_##id,
enum decode_reason {
	DECODE_REASONS(DECODE_ENUM)
	DECODE_NREASONS
};
#undef DECODE_ENUM

/* Caps on what the wire may ask of us. */
#define DECODE_MAX_VLANS	4
#define DECODE_MAX_MPLS		8
#define DECODE_MAX_IPV6_EXT	8
#define DECODE_MAX_TUNNELS	2

#define PKT_FRAG_NONE	0
#define PKT_FRAG_FIRST	1	/* offset 0, more fragments follow */
#define PKT_FRAG_LATER	2	/* offset > 0: no L4 header here */

#define PKT_TUNNEL_NONE		0
#define PKT_TUNNEL_GTP		1
#define PKT_TUNNEL_TZSP		2
#define PKT_TUNNEL_CAPWAP	3
#define PKT_TUNNEL_VXLAN	4
#define PKT_TUNNEL_IPIP		5

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10

struct pkt {
	/* Filled by capture. */
	uint64_t	 ts_us;
	const uint8_t	*frame;
	uint32_t	 caplen;
	uint32_t	 wirelen;

	/* Filled by decode. */
	const uint8_t	*l3;		/* innermost IP header */
	uint32_t	 l3len;		/* bytes from l3 on, capped to the IP length */
	uint32_t	 payload_len;	/* L4 payload, as far as captured */
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint8_t		 src_mac[6];
	uint8_t		 dst_mac[6];
	uint32_t	 frag_id;	/* IPv4 id or IPv6 fragment id */
	uint16_t	 sport;
	uint16_t	 dport;
	uint16_t	 vlan;		/* innermost 802.1Q id; 0 if none */
	uint16_t	 vlan_outer;	/* outermost, the same without QinQ */
	uint8_t		 nvlan;
	uint8_t		 has_mac;
	uint8_t		 ipver;		/* 4 or 6 */
	uint8_t		 proto;		/* IP protocol number */
	uint8_t		 ttl;		/* TTL or hop limit of the innermost IP */
	uint8_t		 tcp_flags;
	uint8_t		 frag;		/* PKT_FRAG_* */
	uint8_t		 tunnel;	/* PKT_TUNNEL_* peeled, outermost */
	uint8_t		 tunnel_depth;
};

/*
 * A read-only window on packet bytes.  Every accessor checks bounds; an
 * out-of-range read returns 0 and sets the sticky error flag, so a decoder
 * that forgot a length check still never reads past the end.
 */
struct cursor {
	const uint8_t	*base;
	size_t		 len;
	int		 err;
};

static inline struct cursor
cursor_make(const uint8_t *base, size_t len)
{
	struct cursor c = { base, len, 0 };

	return c;
}

static inline int
cursor_has(const struct cursor *c, size_t off, size_t n)
{
	return off <= c->len && n <= c->len - off;
}

/* The window starting at off; empty (and err set) if off is past the end. */
static inline struct cursor
cursor_sub(struct cursor *c, size_t off)
{
	if (off > c->len) {
		c->err = 1;
		return cursor_make(c->base + c->len, 0);
	}
	return cursor_make(c->base + off, c->len - off);
}

static inline uint8_t
get_u8(struct cursor *c, size_t off)
{
	if (!cursor_has(c, off, 1)) {
		c->err = 1;
		return 0;
	}
	return c->base[off];
}

static inline uint16_t
get_be16(struct cursor *c, size_t off)
{
	if (!cursor_has(c, off, 2)) {
		c->err = 1;
		return 0;
	}
	return (uint16_t)(c->base[off] << 8 | c->base[off + 1]);
}

static inline uint32_t
get_be32(struct cursor *c, size_t off)
{
	if (!cursor_has(c, off, 4)) {
		c->err = 1;
		return 0;
	}
	return (uint32_t)c->base[off] << 24 | (uint32_t)c->base[off + 1] << 16 |
	    (uint32_t)c->base[off + 2] << 8 | c->base[off + 3];
}

static inline uint32_t
get_le32(struct cursor *c, size_t off)
{
	if (!cursor_has(c, off, 4)) {
		c->err = 1;
		return 0;
	}
	return (uint32_t)c->base[off + 3] << 24 | (uint32_t)c->base[off + 2] << 16 |
	    (uint32_t)c->base[off + 1] << 8 | c->base[off];
}

static inline int
get_bytes(struct cursor *c, size_t off, void *dst, size_t n)
{
	if (!cursor_has(c, off, n)) {
		c->err = 1;
		memset(dst, 0, n);
		return -1;
	}
	memcpy(dst, c->base + off, n);
	return 0;
}

/* One row per link type libpcap can hand us. */
typedef enum decode_reason (*decode_link_fn)(struct cursor *, struct pkt *);

struct decode_link {
	int		 dlt;
	const char	*name;
	decode_link_fn	 decode;
};

const struct decode_link *decode_link_lookup(int dlt);
enum decode_reason	 decode_packet(const struct decode_link *, struct pkt *);
const char		*decode_reason_name(enum decode_reason);
int			 decode_reason_malformed(enum decode_reason);

/* Entry points between the decode files; not for other stages. */
enum decode_reason	 decode_ether(struct cursor *, struct pkt *);
enum decode_reason	 decode_ethertype(struct cursor *, struct pkt *,
			    uint16_t);
enum decode_reason	 decode_ip(struct cursor *, struct pkt *);
enum decode_reason	 decode_ip_declared(struct cursor *, struct pkt *,
			    int v6);
enum decode_reason	 decode_l4(struct cursor *, struct pkt *);
int			 decode_tunnel(struct cursor *, struct pkt *,
			    enum decode_reason *);
int			 decode_tunnel_ip(struct cursor *, struct pkt *,
			    enum decode_reason *);

#endif
