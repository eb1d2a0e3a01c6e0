/*
 * The strict number parsers (lib/parse.c): the whole string, digits
 * first, within the range; none of what strtoull() and strtod() would
 * also take (white space first, a sign after it, "inf", hexadecimal).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "parse.h"

static const struct {
	const char	*s;
	uint64_t	 min, max;
	const char	*errstr;	/* NULL: taken */
	uint64_t	 v;
} u64_rows[] = {
	{ "0",			0, 10,		NULL,		0 },
	{ "65535",		1, 65535,	NULL,		65535 },
	{ "65536",		1, 65535,	"too large",	0 },
	{ "0",			1, 65535,	"too small",	0 },
	{ "18446744073709551615", 0, UINT64_MAX, NULL,	UINT64_MAX },
	{ "18446744073709551616", 0, UINT64_MAX, "too large", 0 },
	{ "",			0, 10,		"invalid",	0 },
	{ " 5",			0, 10,		"invalid",	0 },
	{ "\t5",		0, 10,		"invalid",	0 },
	{ "\r5020",		1, 65535,	"invalid",	0 },
	{ "\n5",		0, 10,		"invalid",	0 },
	{ "\t-1",		0, UINT64_MAX,	"invalid",	0 },
	{ "-1",			0, UINT64_MAX,	"invalid",	0 },
	{ "+5",			0, 10,		"invalid",	0 },
	{ "5 ",			0, 10,		"invalid",	0 },
	{ "5\r",		0, 10,		"invalid",	0 },
	{ "0x10",		0, 100,		"invalid",	0 },
	{ "1e3",		0, 10000,	"invalid",	0 },
};

static const struct {
	const char	*s;
	double		 min, max;
	const char	*errstr;
	double		 v;
} double_rows[] = {
	{ "1.5",	0, 10,		NULL,		1.5 },
	{ ".5",		0, 10,		NULL,		0.5 },
	{ "-0.5",	-1, 1,		NULL,		-0.5 },
	{ "+2",		0, 10,		NULL,		2 },
	{ "1e3",	0, 1e4,		NULL,		1000 },
	{ "0.001",	0.001, 1e6,	NULL,		0.001 },
	{ "0.0001",	0.001, 1e6,	"too small",	0 },
	{ "2e6",	0.001, 1e6,	"too large",	0 },
	{ "",		0, 10,		"invalid",	0 },
	{ " 1",		0, 10,		"invalid",	0 },
	{ "\t1",	0, 10,		"invalid",	0 },
	{ "-",		-1, 1,		"invalid",	0 },
	{ ".",		0, 10,		"invalid",	0 },
	{ "inf",	0, 1e308,	"invalid",	0 },
	{ "-inf",	-1e308, 0,	"invalid",	0 },
	{ "nan",	0, 10,		"invalid",	0 },
	{ "0x1p3",	0, 10,		"invalid",	0 },
	{ "1e999",	0, 1e308,	"invalid",	0 },
	{ "1 ",		0, 10,		"invalid",	0 },
};

static void
test_u64(void **state)
{
	const char	*errstr;
	uint64_t	 v;
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < sizeof(u64_rows) / sizeof(u64_rows[0]); i++) {
		v = 0;
		rv = parse_u64(u64_rows[i].s, u64_rows[i].min, u64_rows[i].max,
		    &v, &errstr);
		if (u64_rows[i].errstr == NULL ? rv != 0 ||
		    v != u64_rows[i].v : rv != -1 ||
		    strcmp(errstr, u64_rows[i].errstr) != 0)
			fail_msg("row %zu, \"%s\": %s", i, u64_rows[i].s,
			    rv == 0 ? "taken" : errstr);
	}
}

static void
test_double(void **state)
{
	const char	*errstr;
	double		 v;
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < sizeof(double_rows) / sizeof(double_rows[0]); i++) {
		v = 0;
		rv = parse_double(double_rows[i].s, double_rows[i].min,
		    double_rows[i].max, &v, &errstr);
		if (double_rows[i].errstr == NULL ? rv != 0 ||
		    v != double_rows[i].v : rv != -1 ||
		    strcmp(errstr, double_rows[i].errstr) != 0)
			fail_msg("row %zu, \"%s\": %s", i, double_rows[i].s,
			    rv == 0 ? "taken" : errstr);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_double),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
