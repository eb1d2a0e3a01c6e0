/*
 * Flow table and fragment table: one flow for both directions, timeouts,
 * TCP close, eviction when full, interim records, fragments joining
 * their flow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "flow-table.h"
#include "frag-table.h"

#define SEC	1000000ULL
#define MAXREC	64

struct record {
	struct flow	 f;
	enum flow_end	 why;
};

static struct record	 recs[MAXREC];
static int		 nrecs;

static void
on_end(struct flow *f, enum flow_end why, void *arg)
{
	(void)arg;
	assert_true(nrecs < MAXREC);
	recs[nrecs].f = *f;
	recs[nrecs].why = why;
	nrecs++;
}

static struct pkt
mkpkt(uint8_t a, uint16_t ap, uint8_t b, uint16_t bp, uint8_t proto,
    uint64_t ts, uint8_t flags)
{
	struct pkt	 p;

	memset(&p, 0, sizeof(p));
	p.ipver = 4;
	p.proto = proto;
	p.src[0] = 10;
	p.src[3] = a;
	p.dst[0] = 10;
	p.dst[3] = b;
	p.sport = ap;
	p.dport = bp;
	p.ts_us = ts;
	p.wirelen = p.caplen = 100;
	p.tcp_flags = flags;
	return p;
}

static struct flow_table *
mktable(uint32_t max)
{
	struct flow_table_conf	 c;

	flow_table_conf_default(&c);
	c.max_flows = max;
	c.idle_tcp_us = 300 * SEC;
	c.idle_other_us = 120 * SEC;
	c.closed_us = 10 * SEC;
	c.active_us = 0;
	nrecs = 0;
	return flow_table_new(&c, on_end, NULL);
}

static void
test_bidirectional(void **state)
{
	struct flow_table	*ft = mktable(16);
	struct pkt		 p;
	struct flow		*f1, *f2;
	int			 dir;

	(void)state;
	p = mkpkt(9, 40000, 1, 443, 6, 1 * SEC, TH_SYN);
	f1 = flow_table_packet(ft, &p, &dir);
	assert_int_equal(dir, FLOW_DIR_HI2LO);	/* 10.0.0.9 > 10.0.0.1 */
	assert_int_equal(f1->src_is_lower, 0);
	p = mkpkt(1, 443, 9, 40000, 6, 2 * SEC, TH_SYN | TH_ACK);
	f2 = flow_table_packet(ft, &p, &dir);
	assert_ptr_equal(f1, f2);
	assert_int_equal(dir, FLOW_DIR_LO2HI);
	assert_int_equal(f1->pkts[FLOW_DIR_LO2HI], 1);
	assert_int_equal(f1->pkts[FLOW_DIR_HI2LO], 1);
	assert_int_equal(f1->bytes[0] + f1->bytes[1], 200);
	assert_int_equal(f1->key.lo[3], 1);
	assert_int_equal(f1->key.lo_port, 443);
	assert_int_equal(f1->first_us, 1 * SEC);
	assert_int_equal(f1->last_us, 2 * SEC);

	/* Another VLAN or protocol is another flow. */
	p = mkpkt(9, 40000, 1, 443, 6, 3 * SEC, 0);
	p.vlan = 7;
	assert_ptr_not_equal(flow_table_packet(ft, &p, &dir), f1);
	p = mkpkt(9, 40000, 1, 443, 17, 3 * SEC, 0);
	assert_ptr_not_equal(flow_table_packet(ft, &p, &dir), f1);
	assert_int_equal(flow_table_stats(ft)->active, 3);
	flow_table_free(ft);
}

static void
test_idle(void **state)
{
	struct flow_table	*ft = mktable(16);
	struct pkt		 p;
	int			 dir;

	(void)state;
	p = mkpkt(1, 1000, 2, 80, 6, 10 * SEC, TH_ACK);
	flow_table_packet(ft, &p, &dir);
	p = mkpkt(1, 53, 2, 53, 17, 10 * SEC, 0);
	flow_table_packet(ft, &p, &dir);
	flow_table_expire(ft, 129 * SEC);
	assert_int_equal(nrecs, 0);
	flow_table_expire(ft, 130 * SEC);		/* UDP: 120 s */
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].f.key.proto, 17);
	assert_int_equal(recs[0].why, FLOW_END_IDLE);
	flow_table_expire(ft, 309 * SEC);
	assert_int_equal(nrecs, 1);
	flow_table_expire(ft, 310 * SEC);		/* TCP: 300 s */
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[1].f.key.proto, 6);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_IDLE], 2);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	flow_table_free(ft);
}

static void
test_tcp_close(void **state)
{
	struct flow_table	*ft = mktable(16);
	struct pkt		 p;
	struct flow		*f;
	int			 dir;

	(void)state;
	p = mkpkt(1, 1000, 2, 80, 6, 1 * SEC, TH_FIN | TH_ACK);
	flow_table_packet(ft, &p, &dir);
	flow_table_expire(ft, 20 * SEC);
	assert_int_equal(nrecs, 0);		/* one FIN does not close */
	p = mkpkt(2, 80, 1, 1000, 6, 21 * SEC, TH_FIN | TH_ACK);
	flow_table_packet(ft, &p, &dir);
	flow_table_expire(ft, 30 * SEC);
	assert_int_equal(nrecs, 0);		/* lingers 10 s */
	flow_table_expire(ft, 31 * SEC);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].why, FLOW_END_FIN);
	assert_int_equal(recs[0].f.pkts[0] + recs[0].f.pkts[1], 2);

	/* RST, then a new SYN on the same ports: a new connection. */
	p = mkpkt(1, 1001, 2, 80, 6, 40 * SEC, TH_SYN);
	flow_table_packet(ft, &p, &dir);
	p = mkpkt(2, 80, 1, 1001, 6, 41 * SEC, TH_RST);
	flow_table_packet(ft, &p, &dir);
	p = mkpkt(1, 1001, 2, 80, 6, 42 * SEC, TH_SYN);
	f = flow_table_packet(ft, &p, &dir);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[1].why, FLOW_END_RST);
	assert_int_equal(f->pkts[0] + f->pkts[1], 1);
	assert_int_equal(f->first_us, 42 * SEC);
	flow_table_free(ft);
}

static void
test_eviction(void **state)
{
	struct flow_table	*ft = mktable(4);
	struct pkt		 p;
	int			 i, dir;

	(void)state;
	for (i = 0; i < 4; i++) {
		p = mkpkt(1, (uint16_t)(1000 + i), 2, 53, 17,
		    (uint64_t)(i + 1) * SEC, 0);
		flow_table_packet(ft, &p, &dir);
	}
	/* Touch the first so that the second is now the oldest. */
	p = mkpkt(1, 1000, 2, 53, 17, 5 * SEC, 0);
	flow_table_packet(ft, &p, &dir);
	assert_int_equal(nrecs, 0);
	p = mkpkt(1, 2000, 2, 53, 17, 6 * SEC, 0);
	flow_table_packet(ft, &p, &dir);
	assert_int_equal(nrecs, 1);
	assert_int_equal(recs[0].why, FLOW_END_EVICTED);
	assert_int_equal(recs[0].f.key.lo_port, 1001);
	assert_int_equal(flow_table_stats(ft)->active, 4);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_EVICTED], 1);

	/* The pool is reused without growing: 1000 more flows in 4 slots. */
	for (i = 0; i < 1000; i++) {
		p = mkpkt(3, (uint16_t)i, 4, 53, 17, 7 * SEC, 0);
		nrecs = 0;
		flow_table_packet(ft, &p, &dir);
	}
	assert_int_equal(flow_table_stats(ft)->max_active, 4);
	flow_table_flush(ft, FLOW_END_EOF);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	flow_table_free(ft);
}

static void
test_active_timeout(void **state)
{
	struct flow_table_conf	 c;
	struct flow_table	*ft;
	struct pkt		 p;
	struct flow		*f;
	int			 dir, i;

	(void)state;
	flow_table_conf_default(&c);
	c.max_flows = 8;
	c.active_us = 60 * SEC;
	nrecs = 0;
	ft = flow_table_new(&c, on_end, NULL);
	for (i = 0; i < 150; i++) {
		p = mkpkt(1, 5000, 2, 5001, 17, (uint64_t)i * SEC, 0);
		f = flow_table_packet(ft, &p, &dir);
	}
	/* Records at 60 s and 120 s, each of 60 packets; 30 remain. */
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[0].why, FLOW_END_ACTIVE);
	assert_int_equal(recs[0].f.pkts[0], 60);
	assert_int_equal(recs[1].f.pkts[0], 60);
	assert_int_equal(f->pkts[0], 30);
	assert_int_equal(f->npkts_total, 150);
	flow_table_flush(ft, FLOW_END_EOF);
	assert_int_equal(nrecs, 3);
	assert_int_equal(recs[2].why, FLOW_END_EOF);
	flow_table_free(ft);
}

static void
test_bad_conf(void **state)
{
	struct flow_table_conf	 c;

	(void)state;
	flow_table_conf_default(&c);
	c.max_flows = 0;
	assert_null(flow_table_new(&c, on_end, NULL));
}

static void
test_fragments(void **state)
{
	struct frag_table	*ft = frag_table_new(64, 30 * SEC);
	struct pkt		 p;

	(void)state;
	p = mkpkt(1, 5353, 2, 53, 17, 1 * SEC, 0);
	p.frag = PKT_FRAG_FIRST;
	p.frag_id = 77;
	frag_table_resolve(ft, &p);
	p = mkpkt(1, 0, 2, 0, 17, 2 * SEC, 0);
	p.frag = PKT_FRAG_LATER;
	p.frag_id = 77;
	frag_table_resolve(ft, &p);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(frag_table_stats(ft)->matched, 1);

	/* Another id, or too late: counted, left without ports. */
	p = mkpkt(1, 0, 2, 0, 17, 3 * SEC, 0);
	p.frag = PKT_FRAG_LATER;
	p.frag_id = 78;
	frag_table_resolve(ft, &p);
	assert_int_equal(p.sport, 0);
	p = mkpkt(1, 0, 2, 0, 17, 60 * SEC, 0);
	p.frag = PKT_FRAG_LATER;
	p.frag_id = 77;
	frag_table_resolve(ft, &p);
	assert_int_equal(p.sport, 0);
	assert_int_equal(frag_table_stats(ft)->unmatched, 2);
	frag_table_free(ft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_tcp_close),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_active_timeout),
		cmocka_unit_test(test_bad_conf),
		cmocka_unit_test(test_fragments),
	};

	return cmocka_run_group_tests_name("flow-table", tests, NULL, NULL);
}
