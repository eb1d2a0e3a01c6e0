/*
 * The evidence ring: a flow's first packets come back as a pcap, in
 * order, interleaved with other flows' packets; a ring that has wrapped
 * over a flow's records gives what is left and counts the rest as lost;
 * a flow's pcap is made once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "evidence.h"

#define PCAP_HDR	24
#define REC_HDR		16

static struct pkt
mkpkt(uint8_t fill, uint32_t len, uint64_t ts)
{
	static uint8_t	 frames[256][EVIDENCE_SNAP + 100];
	struct pkt	 p;

	memset(&p, 0, sizeof(p));
	memset(frames[fill], fill, sizeof(frames[fill]));
	p.frame = frames[fill];
	p.caplen = p.wirelen = len;
	p.ts_us = ts;
	return p;
}

/* The records of a pcap in memory: count, and each one's first byte. */
static int
records(const uint8_t *pcap, size_t len, uint8_t *first, uint32_t *caplen)
{
	uint32_t	 cap;
	size_t		 off = PCAP_HDR;
	int		 n = 0;

	assert_true(len >= PCAP_HDR);
	while (off + REC_HDR <= len) {
		memcpy(&cap, pcap + off + 8, 4);
		first[n] = pcap[off + REC_HDR];
		caplen[n] = cap;
		off += REC_HDR + cap;
		n++;
	}
	assert_int_equal(off, len);
	return n;
}

static void
test_in_order_across_flows(void **state)
{
	struct evidence	*ev = evidence_new(1 << 20, 4);
	struct flow	 a, b;
	struct pkt	 p;
	uint8_t		*pcap, first[16];
	uint32_t	 cap[16];
	size_t		 len;
	unsigned int	 n;
	int		 i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 6; i++) {
		p = mkpkt((uint8_t)(10 + i), 60 + i, 1000 + i);
		evidence_packet(ev, &a, &p, 1);
		p = mkpkt((uint8_t)(100 + i), 80, 1000 + i);
		evidence_packet(ev, &b, &p, 1);
	}
	assert_true(evidence_full(ev, &a));
	pcap = evidence_take(ev, &a, &len, &n);
	assert_non_null(pcap);
	assert_int_equal(n, 4);
	assert_int_equal(records(pcap, len, first, cap), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(first[i], 10 + i);
		assert_int_equal(cap[i], 60 + i);
	}
	free(pcap);
	/* Once taken, the flow records nothing more and gives nothing. */
	assert_null(evidence_take(ev, &a, &len, &n));
	p = mkpkt(1, 60, 2000);
	evidence_packet(ev, &a, &p, 1);
	assert_null(evidence_take(ev, &a, &len, &n));
	assert_int_equal(evidence_stats(ev)->recorded, 8);
	assert_int_equal(evidence_stats(ev)->taken, 1);
	assert_int_equal(evidence_stats(ev)->lost, 0);
	evidence_free(ev);
}

static void
test_snap_and_wrap(void **state)
{
	struct evidence	*ev = evidence_new(4 * (EVIDENCE_SNAP + 64), 8);
	struct flow	 a, others[8];
	struct pkt	 p;
	uint8_t		*pcap, first[16];
	uint32_t	 cap[16];
	size_t		 len;
	unsigned int	 n;
	int		 i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(others, 0, sizeof(others));
	/* Jumbo frames are cut to the snap length. */
	for (i = 0; i < 3; i++) {
		p = mkpkt((uint8_t)(1 + i), EVIDENCE_SNAP + 50, 10 + i);
		evidence_packet(ev, &a, &p, 1);
	}
	/* Other flows push a's first two packets out of the ring. */
	for (i = 0; i < 8; i++) {
		p = mkpkt(200, 600, 20 + i);
		evidence_packet(ev, &others[i], &p, 1);
	}
	p = mkpkt(9, 100, 30);
	evidence_packet(ev, &a, &p, 1);
	pcap = evidence_take(ev, &a, &len, &n);
	assert_non_null(pcap);
	assert_true(n < 4);
	assert_int_equal(records(pcap, len, first, cap), (int)n);
	assert_int_equal(first[n - 1], 9);
	for (i = 0; i < (int)n - 1; i++)
		assert_int_equal(cap[i], EVIDENCE_SNAP);
	assert_int_equal(evidence_stats(ev)->lost, 4 - n);
	free(pcap);
	evidence_free(ev);
}

static void
test_all_overwritten(void **state)
{
	struct evidence	*ev = evidence_new(0, 2);	/* the smallest ring */
	struct flow	 a, b[16];
	struct pkt	 p;
	size_t		 len;
	unsigned int	 n;
	int		 i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	p = mkpkt(1, 1500, 1);
	evidence_packet(ev, &a, &p, 1);
	for (i = 0; i < 16; i++) {
		p = mkpkt(2, 1500, 2);
		evidence_packet(ev, &b[i], &p, 1);
	}
	assert_null(evidence_take(ev, &a, &len, &n));
	assert_int_equal(evidence_stats(ev)->lost, 1);
	evidence_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_across_flows),
		cmocka_unit_test(test_snap_and_wrap),
		cmocka_unit_test(test_all_overwritten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
