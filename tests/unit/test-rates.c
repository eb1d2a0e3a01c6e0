/*
 * Counter arithmetic: rates over 64-bit and 32-bit counters, across a
 * wrap; the agent's clock used over ours; unknown after a restart, a
 * re-indexed interface, a change of counter width, or a jump the line
 * cannot carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "rates.h"

#define SEC	1000000ULL

static struct if_row
row64(uint64_t in, uint64_t out, uint32_t mbps)
{
	struct if_row	 r;

	memset(&r, 0, sizeof(r));
	r.index = 6;
	strcpy(r.name, "GigabitEthernet0/0/1");
	r.have = 1u << IF_COL_HC_IN | 1u << IF_COL_HC_OUT |
	    1u << IF_COL_HIGH_SPEED | 1u << IF_COL_NAME;
	r.in_octets = in;
	r.out_octets = out;
	r.high_speed = mbps;
	return r;
}

static struct if_row
row32(uint32_t in, uint32_t out, uint32_t bps)
{
	struct if_row	 r;

	memset(&r, 0, sizeof(r));
	r.index = 3;
	strcpy(r.descr, "xgei_5/1");
	r.have = 1u << IF_COL_IN32 | 1u << IF_COL_OUT32 | 1u << IF_COL_SPEED |
	    1u << IF_COL_DESCR;
	r.in32 = in;
	r.out32 = out;
	r.speed = bps;
	return r;
}

static struct rates
compute(const struct if_row *a, uint32_t ua, uint64_t ta,
    const struct if_row *b, uint32_t ub, uint64_t tb)
{
	struct reading	 p = { a, ua, 1, ta }, c = { b, ub, 1, tb };
	struct rates	 r;

	rates_compute(&p, &c, &r);
	return r;
}

static void
test_64_bit(void **state)
{
	struct if_row	 a = row64(1000, UINT64_MAX - 99, 1000);
	struct if_row	 b = row64(1000 + 62500000, 25000000 - 100, 1000);
	struct rates	 r;

	(void)state;
	/* 10 s by the agent's clock, 10.4 by ours: the agent's counts. */
	r = compute(&a, 100000, 0, &b, 101000, 10400000);
	assert_null(r.unknown);
	assert_true(fabs(r.v[RATE_IN_BPS] - 50e6) < 1);
	/* The out counter went round 2^64. */
	assert_true(fabs(r.v[RATE_OUT_BPS] - 20e6) < 1);
}

static void
test_32_bit_wrap(void **state)
{
	struct if_row	 a = row32(4294967000u, 10, 1000000000);
	struct if_row	 b = row32(62499704u, 10 + 12500000, 1000000000);
	struct rates	 r;

	(void)state;
	r = compute(&a, 500, 0, &b, 1500, 10 * SEC);
	assert_null(r.unknown);
	assert_true(fabs(r.v[RATE_IN_BPS] - 50e6) < 1);
	assert_true(fabs(r.v[RATE_OUT_BPS] - 10e6) < 1);
}

static void
test_unknowns(void **state)
{
	struct if_row	 a = row64(1000, 1000, 1000), b = row64(2000, 2000, 1000);
	struct if_row	 c = row32(5, 5, 1000000000), big = b;
	struct rates	 r;

	(void)state;
	r = compute(&a, 5000, 0, &b, 100, 10 * SEC);
	assert_string_equal(r.unknown, "agent restarted");
	assert_true(isnan(r.v[RATE_IN_BPS]));
	strcpy(b.name, "GigabitEthernet0/0/2");
	r = compute(&a, 100, 0, &b, 1100, 10 * SEC);
	assert_non_null(strstr(r.unknown, "another interface"));
	r = compute(&a, 100, 0, &c, 1100, 10 * SEC);
	assert_non_null(r.unknown);
	/* A counter reset to nothing looks like a wrap of 2^64: too much. */
	big.in_octets = 10;
	r = compute(&a, 100, 0, &big, 1100, 10 * SEC);
	assert_non_null(strstr(r.unknown, "more than the line"));
	assert_true(isnan(r.v[RATE_OUT_BPS]));
	r = compute(NULL, 0, 0, &b, 1100, 10 * SEC);
	assert_string_equal(r.unknown, "first reading");
}

/*
 * An error or discard counter that goes back (a reset on a running
 * agent) wraps to billions a second: more frames than the line can
 * carry, so unknown, while the octets stay right.
 */
static void
test_error_counters_going_back(void **state)
{
	struct if_row	 a = row64(1000, 1000, 1000), b = row64(2000, 2000, 1000);
	struct rates	 r;

	(void)state;
	a.in_err = 500;
	b.in_err = 20;
	a.out_disc = 7;
	b.out_disc = 17;
	r = compute(&a, 100, 0, &b, 1100, 10 * SEC);
	assert_null(r.unknown);
	assert_true(isnan(r.v[RATE_IN_ERR]));
	assert_true(fabs(r.v[RATE_OUT_DISC] - 1.0) < 1e-9);
	assert_true(fabs(r.v[RATE_IN_BPS] - 800) < 1e-6);
	/* A real wrap of 2^32 within a reading: still counted. */
	a.in_err = UINT32_MAX - 4;
	b.in_err = 5;
	r = compute(&a, 100, 0, &b, 1100, 10 * SEC);
	assert_true(fabs(r.v[RATE_IN_ERR] - 1.0) < 1e-9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_64_bit),
		cmocka_unit_test(test_32_bit_wrap),
		cmocka_unit_test(test_unknowns),
		cmocka_unit_test(test_error_counters_going_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
