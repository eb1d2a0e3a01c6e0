/*
 * Zone and site of an address, on the configuration the project ships:
 * VLAN first, then networks (the most specific site), then public or not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "conf.h"
#include "netaddr.h"
#include "zone-map.h"

static void
test_lookups(void **state)
{
	static const struct {
		const char	*addr;
		uint16_t	 vlan;
		const char	*zone;
		const char	*site;
	} rows[] = {
		{ "10.36.17.5", 0, "external", "nancheng-jianchang" },
		{ "10.36.20.1", 0, "external", "nancheng" },
		{ "10.36.1.1", 0, "external", "fuzhou" },
		{ "59.255.36.77", 0, "external", "fuzhou" },
		{ "10.99.0.1", 0, "external", "" },
		{ "172.20.0.1", 0, "internal", "" },
		{ "8.8.8.8", 950, "internal", "" },	/* an internal VLAN */
		{ "8.8.8.8", 360, "internet", "" },	/* not a zone's VLAN */
		{ "8.8.8.8", 0, "internet", "" },
		{ "192.168.1.1", 0, "unknown", "" },
		{ "fd00:36::1", 0, "internal", "" },
		{ "2408:8000::1", 0, "external", "" },
		{ "2400:da00::6666", 0, "internet", "" },
		{ "2001:db8::1", 0, "unknown", "" },
	};
	struct conf	*c;
	struct zone_map	*zm;
	struct prefix	 p;
	const char	*errstr;
	char		 err[CONF_ERR_MAX];
	size_t		 i;

	(void)state;
	if ((c = conf_load("conf/zonewatch.conf", err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_non_null(zm = zone_map_new(c));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%s vlan %u\n", rows[i].addr, rows[i].vlan);
		assert_int_equal(netaddr_prefix_parse(rows[i].addr, &p,
		    &errstr), 0);
		assert_string_equal(zone_map_zone_name(zm, zone_map_zone(zm,
		    p.addr, p.ipver, rows[i].vlan)), rows[i].zone);
		assert_string_equal(zone_map_site_name(zm, zone_map_site(zm,
		    p.addr, p.ipver)), rows[i].site);
	}
	assert_string_equal(zone_map_zone_name(zm, ZONE_NONE), "");
	assert_int_equal(zone_map_unknown(zm), 3);
	zone_map_free(zm);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests_name("zone-map", tests, NULL, NULL);
}
