/*
 * Decode stage: every link type and encapsulation, and every named reason
 * for rejecting a frame.  Frames are built byte by byte; truncation is
 * tried at every length, under AddressSanitizer in `make check`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/dlt.h>

#include "decode.h"
#include "pkt-build.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static enum decode_reason
run(const struct frame *f, int dlt, struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->frame = f->b;
	p->caplen = p->wirelen = (uint32_t)f->len;
	return decode_packet(decode_link_lookup(dlt), p);
}

static void
build_tcp4(struct frame *f)
{
	put_ipv4(f, A(10, 0, 0, 1), A(192, 0, 2, 9), 6, 20, 0, NULL, 0);
	put_tcp(f, 40000, 443, TH_SYN);
}

static void
test_ether_ipv4_tcp(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 192, 0, 2, 9 };

	(void)state;
	put_ether(&f, 0x0800);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.ipver, 4);
	assert_int_equal(p.proto, 6);
	assert_memory_equal(p.src, src, 4);
	assert_memory_equal(p.dst, dst, 4);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.tcp_flags, TH_SYN);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.l3len, 40);
	assert_true(p.l3 == f.b + 14);
	assert_int_equal(p.has_mac, 1);
	assert_int_equal(p.src_mac[5], 2);
	assert_int_equal(p.vlan, 0);
}

/* Each link type, with the bytes it puts before an IPv4 packet. */
static void
test_link_types(void **state)
{
	static const struct {
		int		 dlt;
		const char	*name;
		uint8_t		 hdr[20];
		size_t		 len;
	} rows[] = {
		{ DLT_LINUX_SLL, "sll", { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6,
		    0, 0, 0x08, 0x00 }, 16 },
		{ 276, "sll2", { 0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1,
		    2, 3, 4, 5, 6, 0, 0 }, 20 },
		{ DLT_NULL, "null little-endian", { 2, 0, 0, 0 }, 4 },
		{ DLT_NULL, "null big-endian", { 0, 0, 0, 2 }, 4 },
		{ DLT_LOOP, "loop", { 0, 0, 0, 2 }, 4 },
		{ DLT_RAW, "raw", { 0 }, 0 },
		{ 228, "ipv4", { 0 }, 0 },
		{ DLT_PPP, "ppp", { 0xff, 0x03, 0x00, 0x21 }, 4 },
		{ DLT_PPP, "ppp without address", { 0x00, 0x21 }, 2 },
		{ DLT_PPP, "cisco hdlc in ppp", { 0x0f, 0x00, 0x08, 0x00 }, 4 },
		{ DLT_C_HDLC, "c-hdlc", { 0x8f, 0x00, 0x08, 0x00 }, 4 },
	};
	struct frame	 f;
	struct pkt	 p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f.len = 0;
		put(&f, rows[i].hdr, rows[i].len);
		build_tcp4(&f);
		print_message("link %s\n", rows[i].name);
		assert_int_equal(run(&f, rows[i].dlt, &p), DECODE_OK);
		assert_int_equal(p.dport, 443);
		assert_int_equal(p.l3len, 40);
	}
	assert_null(decode_link_lookup(12345));
	f.len = 0;
	build_tcp4(&f);
	assert_int_equal(run(&f, 12345, &p), DECODE_LINK_UNSUPPORTED);
}

static void
test_vlan_qinq(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	int		 i;

	(void)state;
	put_ether(&f, 0x88a8);
	put_vlan(&f, 0x2000 | 100, 0x8100);
	put_vlan(&f, 200, 0x0800);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.vlan, 200);		/* innermost names the flow */
	assert_int_equal(p.vlan_outer, 100);
	assert_int_equal(p.nvlan, 2);

	f.len = 0;
	put_ether(&f, 0x8100);
	for (i = 0; i < DECODE_MAX_VLANS; i++)
		put_vlan(&f, (uint16_t)(i + 1), 0x8100);
	put_vlan(&f, 9, 0x0800);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_VLAN_TOO_DEEP);

	f.len = 0;
	put_ether(&f, 0x8100);
	put16(&f, 5);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_VLAN_TRUNCATED);
}

static void
test_mpls(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	int		 i;

	(void)state;
	put_ether(&f, 0x8847);
	put32(&f, 16 << 12 | 64);
	put32(&f, 17 << 12 | 0x100 | 64);	/* bottom of stack */
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.dport, 443);

	/* Pseudowire control word, then an Ethernet frame (RFC 4448). */
	f.len = 0;
	put_ether(&f, 0x8847);
	put32(&f, 16 << 12 | 0x100 | 64);
	put32(&f, 0);
	put_ether(&f, 0x0800);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.dport, 443);

	f.len = 0;
	put_ether(&f, 0x8847);
	for (i = 0; i < DECODE_MAX_MPLS + 1; i++)
		put32(&f, 16 << 12 | 64);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_MPLS_TOO_DEEP);

	f.len = 0;
	put_ether(&f, 0x8847);
	put32(&f, 16 << 12 | 0x100 | 64);
	put8(&f, 0x9f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_MPLS_UNKNOWN_PAYLOAD);

	f.len = 0;
	put_ether(&f, 0x8847);
	put16(&f, 1);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_MPLS_TRUNCATED);
}

static void
test_pppoe(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;

	(void)state;
	put_ether(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0);
	put16(&f, 0x1234);
	put16(&f, 42);
	put16(&f, 0x0021);
	build_tcp4(&f);
	put32(&f, 0);		/* Ethernet padding after the PPPoE payload */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.l3len, 40);

	f.b[14] = 0x12;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_PPPOE_BAD_HEADER);
	f.b[14] = 0x11;
	f.b[20] = 0xc0;		/* LCP (0xc021) */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_PPP_NON_IP);
	f.len = 18;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_PPPOE_TRUNCATED);
}

static void
test_ipv4_malformed(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	static const uint8_t good_opts[8] = { 1, 7, 7, 4, 0, 0, 0, 0 };
	static const uint8_t bad_opts[4] = { 7, 9, 0, 0 };

	(void)state;
	put_ether(&f, 0x0800);
	build_tcp4(&f);
	f.b[14] = 0x44;			/* header length 16 */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV4_BAD_HLEN);
	f.b[14] = 0x55;			/* version 5 */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IP_BAD_VERSION);
	f.b[14] = 0x45;
	f.b[16] = 0;
	f.b[17] = 19;			/* total length below the header */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV4_BAD_TOTLEN);
	f.b[17] = 0;			/* zero: segmentation offload */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.l3len, 40);
	f.b[17] = 200;			/* more than the frame holds */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV4_BAD_TOTLEN);
	/* ... unless the capture's snap length cut the frame. */
	memset(&p, 0, sizeof(p));
	p.frame = f.b;
	p.caplen = (uint32_t)f.len;
	p.wirelen = 214;
	assert_int_equal(decode_packet(decode_link_lookup(DLT_EN10MB), &p),
	    DECODE_OK);

	f.len = 0;
	put_ether(&f, 0x0800);
	put(&f, "\x45\x00\x00", 3);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV4_TRUNCATED);

	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 6, 20, 0, good_opts, sizeof(good_opts));
	put_tcp(&f, 1, 2, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.dport, 2);

	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 6, 20, 0, bad_opts, sizeof(bad_opts));
	put_tcp(&f, 1, 2, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV4_OPT_BAD);

	f.len = 0;
	put_ether(&f, 0x0806);
	put32(&f, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_NON_IP);
	f.len = 10;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_LINK_TRUNCATED);
}

static void
test_ipv4_fragments(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;

	(void)state;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 17, 16, 0x2000, NULL, 0);	/* MF, offset 0 */
	put_udp(&f, 5000, 53, 100);
	put32(&f, 0);
	put32(&f, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.frag_id, 0x1234);

	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 17, 8, 2, NULL, 0);		/* offset 16 */
	put32(&f, 0xdeadbeef);
	put32(&f, 0xdeadbeef);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_LATER);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.payload_len, 8);
}

static void
test_ipv6(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	int		 i;

	(void)state;
	/* Hop-by-hop, destination options, then TCP. */
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 0, 8 + 8 + 20);
	put8(&f, 60); put8(&f, 0); put16(&f, 0); put32(&f, 0);
	put8(&f, 6); put8(&f, 0); put16(&f, 0); put32(&f, 0);
	put_tcp(&f, 1234, 80, TH_ACK);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.dst[15], 2);
	assert_int_equal(p.l3len, 76);

	/* A later fragment: protocol known, ports not. */
	f.len = 0;
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 44, 8 + 8);
	put8(&f, 17); put8(&f, 0); put16(&f, 0x0100); put32(&f, 0xabcd);
	put32(&f, 0); put32(&f, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_LATER);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.frag_id, 0xabcd);

	f.len = 0;
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 60, 8 * (DECODE_MAX_IPV6_EXT + 2));
	for (i = 0; i < DECODE_MAX_IPV6_EXT + 2; i++) {
		put8(&f, 60); put8(&f, 0); put16(&f, 0); put32(&f, 0);
	}
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV6_EXT_TOO_MANY);

	f.len = 0;
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 0, 8);
	put8(&f, 6); put8(&f, 4); put16(&f, 0); put32(&f, 0); /* claims 40 */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV6_EXT_TRUNCATED);

	f.len = 0;
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 6, 200);
	put_tcp(&f, 1, 2, 0);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV6_BAD_PLEN);
	f.len = 14 + 30;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_IPV6_TRUNCATED);
}

static void
test_transport(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;

	(void)state;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 6, 20, 0, NULL, 0);
	put_tcp(&f, 1, 2, 0);
	f.b[14 + 20 + 12] = 0x40;	/* data offset 16 bytes */
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_TCP_BAD_HLEN);
	f.b[14 + 20 + 12] = 0xf0;	/* 60 bytes, the packet has 40 */
	f.b[17] = 60;
	memset(f.b + f.len, 0, 20);
	f.len += 20;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_TCP_TRUNCATED);

	static const struct {
		uint8_t			 proto;
		size_t			 have;
		enum decode_reason	 want;
	} rows[] = {
		{ 6, 19, DECODE_TCP_TRUNCATED },
		{ 17, 7, DECODE_UDP_TRUNCATED },
		{ 17, 8, DECODE_OK },
		{ 1, 3, DECODE_ICMP_TRUNCATED },
		{ 1, 4, DECODE_OK },
		{ 132, 11, DECODE_SCTP_TRUNCATED },
		{ 132, 12, DECODE_OK },
		{ 47, 0, DECODE_OK },		/* GRE: a flow without ports */
	};
	size_t	 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f.len = 0;
		put_ether(&f, 0x0800);
		put_ipv4(&f, 1, 2, rows[i].proto, rows[i].have, 0, NULL, 0);
		memset(f.b + f.len, 0, rows[i].have);
		f.b[f.len + 1] = 7;	/* source port 7 where there is one */
		f.len += rows[i].have;
		print_message("protocol %u, %zu bytes\n", rows[i].proto,
		    rows[i].have);
		assert_int_equal(run(&f, DLT_EN10MB, &p), rows[i].want);
	}
	/* ICMPv6 in IPv6. */
	f.len = 0;
	put_ether(&f, 0x86dd);
	put_ipv6(&f, 2, 58, 2);
	put16(&f, 0x8000);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_ICMPV6_TRUNCATED);
}

static void
test_tunnels(void **state)
{
	struct frame	 f = { .len = 0 };
	struct pkt	 p;

	(void)state;
	/* GTP-U G-PDU with a sequence number, carrying IPv4/TCP. */
	put_ether(&f, 0x0800);
	put_ipv4(&f, A(172, 16, 0, 1), A(172, 16, 0, 2), 17, 8 + 12 + 40, 0,
	    NULL, 0);
	put_udp(&f, 2152, 2152, 12 + 40);
	put8(&f, 0x32); put8(&f, 0xff); put16(&f, 44); put32(&f, 7);
	put32(&f, 0);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.tunnel, PKT_TUNNEL_GTP);
	assert_int_equal(p.src[0], 10);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.src_mac[5], 2);	/* outer MACs are kept */

	/* Not GTP after all (version 2): stays an outer UDP flow. */
	f.b[14 + 28] = 0x48;
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.tunnel, PKT_TUNNEL_NONE);
	assert_int_equal(p.dport, 2152);

	/* VXLAN with an inner Ethernet frame. */
	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 17, 8 + 8 + 14 + 40, 0, NULL, 0);
	put_udp(&f, 50000, 4789, 8 + 14 + 40);
	put32(&f, 0x08000000); put32(&f, 0x00010000);
	put_ether(&f, 0x0800);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.tunnel, PKT_TUNNEL_VXLAN);
	assert_int_equal(p.dport, 443);

	/* IPv4 in IPv4. */
	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 4, 40, 0, NULL, 0);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.tunnel, PKT_TUNNEL_IPIP);
	assert_int_equal(p.src[0], 10);

	/* Nested beyond the cap: the innermost stays unpeeled. */
	f.len = 0;
	put_ether(&f, 0x0800);
	put_ipv4(&f, 1, 2, 4, 80, 0, NULL, 0);
	put_ipv4(&f, 3, 4, 4, 60, 0, NULL, 0);
	put_ipv4(&f, 5, 6, 4, 40, 0, NULL, 0);
	build_tcp4(&f);
	assert_int_equal(run(&f, DLT_EN10MB, &p), DECODE_OK);
	assert_int_equal(p.proto, 4);
	assert_int_equal(p.src[3], 5);
}

/*
 * Every prefix of a deep frame decodes to some answer without reading
 * past its end (AddressSanitizer watches the copy on the heap).
 */
static void
test_every_truncation(void **state)
{
	/* Up to each length, what refuses the frame. */
	static const struct {
		size_t		 upto;
		const char	*reason;
	} cuts[] = {
		{ 14, "link.truncated" },	/* Ethernet */
		{ 18, "vlan.truncated" },	/* 802.1Q */
		{ 26, "pppoe.truncated" },	/* PPPoE session, PPP */
		{ 66, "ipv6.truncated" },	/* the IPv6 header */
		{ 138, "ipv6.bad_payload_length" }, /* the rest */
		{ 139, "ok" },
	};
	struct frame	 f = { .len = 0 };
	struct pkt	 p;
	uint8_t		*copy;
	size_t		 n;
	int		 rv;

	(void)state;
	put_ether(&f, 0x8100);
	put_vlan(&f, 10, 0x8864);
	put8(&f, 0x11); put8(&f, 0); put16(&f, 1); put16(&f, 2 + 40 + 72);
	put16(&f, 0x0057);
	put_ipv6(&f, 2, 44, 8 + 8 + 16 + 40);
	/* An atomic fragment (RFC 6946): offset 0, no more fragments. */
	put8(&f, 17); put8(&f, 0); put16(&f, 0); put32(&f, 9);
	put_udp(&f, 1000, 2152, 16 + 40);
	put8(&f, 0x34); put8(&f, 0xff); put16(&f, 0); put32(&f, 1);
	put32(&f, 0x00000085); put8(&f, 1); put8(&f, 0); put8(&f, 0); put8(&f, 0);
	build_tcp4(&f);
	assert_int_equal(f.len, 138);
	/*
	 * Each length is refused by the layer it cuts, named: the frame's
	 * lengths are the wire's, so a cut in the IPv6 payload is a payload
	 * length that the frame does not hold.
	 */
	for (n = 0; n <= f.len; n++) {
		size_t	 k;

		copy = test_malloc(n ? n : 1);
		memcpy(copy, f.b, n);
		memset(&p, 0, sizeof(p));
		p.frame = copy;
		p.caplen = p.wirelen = (uint32_t)n;
		rv = decode_packet(decode_link_lookup(DLT_EN10MB), &p);
		test_free(copy);
		/* The last row's bound is past the frame: k stays in cuts. */
		for (k = 0; k + 1 < sizeof(cuts) / sizeof(cuts[0]) &&
		    n >= cuts[k].upto; k++)
			;
		if (strcmp(decode_reason_name(rv), cuts[k].reason) != 0)
			fail_msg("length %zu: %s, not %s", n,
			    decode_reason_name(rv), cuts[k].reason);
	}
	memset(&p, 0, sizeof(p));
	p.frame = f.b;
	p.caplen = p.wirelen = (uint32_t)f.len;
	assert_int_equal(decode_packet(decode_link_lookup(DLT_EN10MB), &p),
	    DECODE_OK);
	assert_int_equal(p.tunnel, PKT_TUNNEL_GTP);
	assert_int_equal(p.dport, 443);
}

static void
test_reason_names(void **state)
{
	int	 i, j;

	(void)state;
	for (i = 0; i < DECODE_NREASONS; i++) {
		assert_non_null(strchr(decode_reason_name(i), '.') ?
		    decode_reason_name(i) : (i == 0 ? "ok" : NULL));
		for (j = 0; j < i; j++)
			assert_string_not_equal(decode_reason_name(i),
			    decode_reason_name(j));
	}
	assert_string_equal(decode_reason_name(DECODE_NREASONS), "invalid");
	assert_int_equal(decode_reason_malformed(DECODE_NON_IP), 0);
	assert_int_equal(decode_reason_malformed(DECODE_TCP_TRUNCATED), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_ipv4_tcp),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_vlan_qinq),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
