/*
 * The configuration reader: the shipped configuration loads; every kind
 * of mistake gives its file:line message; longest-prefix match agrees
 * with a plain scan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "lpm.h"
#include "netaddr.h"

static char	 dir[] = "/tmp/zw-conf-XXXXXX";

static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

/* Loads text as main.conf; returns the error, or "" when it loads. */
static const char *
load(const char *text, struct conf **out)
{
	static char	 err[CONF_ERR_MAX];
	char		 path[256];
	struct conf	*c;

	write_file("main.conf", text);
	snprintf(path, sizeof(path), "%s/main.conf", dir);
	err[0] = '\0';
	c = conf_load(path, err, sizeof(err));
	if (out != NULL)
		*out = c;
	else
		conf_free(c);
	if (c == NULL)
		assert_true(err[0] != '\0');
	return err;
}

#define Z_INT	"zone internal {\n network 172.16.0.0/12\n vlan 900-999\n}\n"
#define S_CITY	"site city {\n level city\n network 10.36.0.0/16\n}\n"
#define S_CNTY	"site county {\n level county\n parent city\n" \
		" network 10.36.16.0/20\n}\n"

static const struct {
	const char	*what;
	const char	*text;
	const char	*error;		/* expected, after the directory */
} mistakes[] = {
	{ "unknown keyword", "retention-days 200\nzonee x {\n}\n",
	  "main.conf:2: unknown keyword \"zonee\"" },
	{ "unknown keyword in a block", "zone internal {\n network 10.0.0.0/8\n"
	  " netwrok 11.0.0.0/8\n}\n",
	  "main.conf:3: unknown keyword \"netwrok\" in zone internal" },
	{ "missing brace", "zone internal {\n network 10.0.0.0/8\n",
	  "main.conf:1: zone internal is not closed: \"}\" missing" },
	{ "stray brace", "}\n", "main.conf:1: \"}\" without a block" },
	{ "block without braces", "zone internal\n",
	  "main.conf:1: zone needs a name and a block" },
	{ "missing value", "zone internal {\n network\n}\n",
	  "main.conf:2: network takes 1 value, not 0" },
	{ "bad address", "zone internal {\n network 10.0.0.300/8\n}\n",
	  "main.conf:2: network 10.0.0.300/8: not an IPv4 or IPv6 address" },
	{ "host bits", "zone internal {\n network 10.1.2.3/8\n}\n",
	  "main.conf:2: network 10.1.2.3/8: host bits set" },
	{ "prefix length", "zone internal {\n network 10.0.0.0/33\n}\n",
	  "main.conf:2: network 10.0.0.0/33: bad prefix length" },
	{ "zones overlap", "zone internal {\n network 10.0.0.0/8\n}\n"
	  "zone external {\n network 10.1.0.0/16\n}\n",
	  "main.conf:5: network 10.1.0.0/16 overlaps 10.0.0.0/8 of zone "
	  "internal (@main.conf:2)" },
	{ "one zone overlaps itself", "zone external {\n network 10.0.0.0/8\n"
	  " network 10.0.0.0/8\n}\n", "main.conf:3: network 10.0.0.0/8 overlaps" },
	{ "VLAN in two zones", Z_INT "zone external {\n vlan 950\n}\n",
	  "main.conf:6: vlan 950-950 of zone external overlaps vlan 900-999 "
	  "of zone internal" },
	{ "bad VLAN", "zone internal {\n vlan 4095\n}\n",
	  "main.conf:2: vlan 4095: give an id from 1 to 4094" },
	{ "reversed VLAN range", "zone internal {\n vlan 20-10\n}\n",
	  "main.conf:2: vlan 20-10" },
	{ "zone declared twice", Z_INT Z_INT,
	  "main.conf:5: zone internal declared twice (first at @main.conf:1)" },
	{ "zone unknown", "zone unknown {\n}\n",
	  "main.conf:1: zone \"unknown\" is where addresses in no zone go" },
	{ "name in Chinese", "site 南城县 {\n}\n",
	  "main.conf:1: site name \"南城县\": use letters" },
	{ "site without level", "site a {\n network 10.0.0.0/24\n}\n",
	  "main.conf:1: site a has no level" },
	{ "bad level", "site a {\n level province\n}\n",
	  "main.conf:2: level province: one of region" },
	{ "unknown parent", "site a {\n level county\n parent nowhere\n}\n",
	  "main.conf:1: site a: parent nowhere is not a site" },
	{ "township without county", "site t {\n level township\n}\n",
	  "main.conf:1: township t needs a parent (the county" },
	{ "township under a city", S_CITY "site t {\n level township\n"
	  " parent city\n}\n", "main.conf:5: township t cannot belong to city "
	  "city" },
	{ "site declared twice", S_CITY S_CITY,
	  "main.conf:5: site city declared twice" },
	{ "sites overlap", S_CITY "site other {\n level city\n"
	  " network 10.36.1.0/24\n}\n",
	  "main.conf:7: network 10.36.1.0/24 overlaps 10.36.0.0/16 of site "
	  "city (@main.conf:3)" },
	{ "child outside the order", S_CITY S_CNTY "site t {\n level township\n"
	  " parent county\n network 10.36.0.0/16\n}\n",
	  "main.conf:13: network 10.36.0.0/16 overlaps 10.36.0.0/16 of site "
	  "city" },
	{ "bad bandwidth", "site a {\n level city\n bandwidth 1T\n}\n",
	  "main.conf:3: bandwidth 1T: bits per second" },
	{ "bad MAC", S_CITY "exit e {\n district city\n router-mac 00:11:22:33:44\n"
	  "}\n", "main.conf:7: router-mac 00:11:22:33:44: six hexadecimal" },
	{ "exit without district", "exit e {\n vlan 10\n}\n",
	  "main.conf:1: exit e has no district" },
	{ "exit in an unknown district", "exit e {\n district nowhere\n"
	  " vlan 10\n}\n", "main.conf:1: exit e: district nowhere is not a site" },
	{ "exit with nothing to match", S_CITY "exit e {\n district city\n}\n",
	  "main.conf:5: exit e: give a router-mac, a vlan or an address" },
	{ "two exits on one VLAN", S_CITY "exit a {\n district city\n vlan 5-9\n}\n"
	  "exit b {\n district city\n vlan 9\n}\n",
	  "main.conf:11: vlan 9-9 of exit b overlaps vlan 5-9 of exit a "
	  "(@main.conf:7)" },
	{ "three exits", S_CITY "exit a {\n district city\n vlan 1\n}\n"
	  "exit b {\n district city\n vlan 2\n}\n"
	  "exit c {\n district city\n vlan 3\n}\n",
	  "main.conf:13: exit c: district city would have 3 internet exits" },
	{ "exit inside the internal zone", Z_INT S_CITY "exit e {\n"
	  " district city\n address 172.16.0.1\n}\n",
	  "main.conf:11: exit e: address in the internal zone" },
	{ "bad rrd-min-free", "rrd-min-free lots\n",
	  "main.conf:1: rrd-min-free lots" },
	{ "short retention", "retention-days 90\n",
	  "main.conf:1: retention-days 90: at least 180" },
	{ "unterminated string", "zone internal {\n description \"open\n}\n",
	  "main.conf:2: unterminated quoted string" },
	{ "missing include", "include \"nothere.conf\"\n",
	  "main.conf:1: @nothere.conf: No such file or directory" },
	{ "include loop", "include \"main.conf\"\n",
	  "includes nested more than 8 deep" },
	{ "binary file", "zone\001\000 x\n", "" },
	{ "device", "include \"/dev/null\"\n",
	  "main.conf:1: /dev/null: not a regular file" },
	{ "IPFIX port out of range", "ipfix \"udp:127.0.0.1:99999\"\n",
	  "main.conf:1: ipfix udp:127.0.0.1:99999: port 99999 too large" },
	{ "IPFIX without a port", "ipfix \"tcp:127.0.0.1\"\n",
	  "main.conf:1: ipfix tcp:127.0.0.1: udp:HOST:PORT or tcp:HOST:PORT" },
	{ "IPFIX to IPv6 without brackets", "ipfix \"udp:2001:db8::1:4739\"\n",
	  "main.conf:1: ipfix udp:2001:db8::1:4739: udp:HOST:PORT" },
};

static void
test_mistakes(void **state)
{
	char		 want[CONF_ERR_MAX], *at;
	const char	*got;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(mistakes) / sizeof(mistakes[0]); i++) {
		print_message("%s\n", mistakes[i].what);
		got = load(mistakes[i].text, NULL);
		assert_true(got[0] != '\0');
		/* "@" stands for the test's directory. */
		snprintf(want, sizeof(want), "%s", mistakes[i].error);
		while ((at = strchr(want, '@')) != NULL) {
			char	 rest[CONF_ERR_MAX];

			snprintf(rest, sizeof(rest), "%s", at + 1);
			snprintf(at, sizeof(want) - (size_t)(at - want), "%s/%s",
			    dir, rest);
		}
		if (strstr(got, want) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", mistakes[i].what,
			    got, want);
		assert_non_null(strstr(got, dir));
	}
}

static void
test_good(void **state)
{
	struct conf		*c;
	const struct conf_site	*s;
	const char		*err;

	(void)state;
	write_file("sites.conf", S_CITY S_CNTY
	    "site t {\n name-zh \"建昌镇\"\n name-en \"Jianchang Town\"\n"
	    " level township\n parent county\n network 10.36.17.0/24\n"
	    " bandwidth 100M\n}\n");
	err = load("# comment\nretention-days 365\n"
	    "ipfix \"udp:[2001:db8::1]:4739\"\n" Z_INT
	    "include \"sites.conf\"\nzone external{\n"
	    "  network 10.0.0.0/8 # the extranet\n}\n"
	    "exit e {\n district city\n router-mac 00:1E:73:36:00:01\n"
	    " address 59.255.36.1\n vlan 360\n}\n", &c);
	assert_string_equal(err, "");
	assert_int_equal(c->retention_days, 365);
	assert_string_equal(c->ipfix, "udp:[2001:db8::1]:4739");
	assert_int_equal(c->zones.n, 3);
	assert_string_equal(c->zones.v[ZONE_INTERNAL].name, "internal");
	assert_int_equal(c->zones.v[ZONE_INTERNAL].vlans.v[0].hi, 999);
	assert_int_equal(c->zones.v[ZONE_EXTERNAL].nets.n, 1);
	assert_int_equal(c->sites.n, 3);
	s = &c->sites.v[conf_site_index(c, "t")];
	assert_string_equal(s->name_zh, "建昌镇");
	assert_int_equal(s->bandwidth_bps, 100000000);
	assert_int_equal(s->parent, conf_site_index(c, "county"));
	assert_int_equal(s->level, SITE_TOWNSHIP);
	assert_int_equal(c->exits.v[0].macs.v[0].mac[1], 0x1e);
	assert_int_equal(c->exits.v[0].district, conf_site_index(c, "city"));
	assert_non_null(strstr(s->at.file, "sites.conf"));
	assert_int_equal(s->at.line, 10);
	conf_free(c);
}

/* The configuration the project ships loads as it is. */
static void
test_shipped(void **state)
{
	struct conf	*c;
	char		 err[CONF_ERR_MAX];

	(void)state;
	c = conf_load("conf/zonewatch.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_true(c->sites.n >= 8);
	conf_free(c);
}

static void
test_netaddr(void **state)
{
	static const struct {
		const char	*addr;
		int		 public;
	} rows[] = {
		{ "8.8.8.8", 1 }, { "59.255.36.1", 1 }, { "10.1.2.3", 0 },
		{ "172.31.255.255", 0 }, { "172.32.0.1", 1 },
		{ "192.168.1.1", 0 }, { "100.64.0.1", 0 }, { "224.0.0.251", 0 },
		{ "255.255.255.255", 0 }, { "2408:8000::1", 1 },
		{ "fe80::1", 0 }, { "fd00::1", 0 }, { "2001:db8::1", 0 },
		{ "::1", 0 }, { "ff02::1", 0 },
	};
	struct prefix	 p;
	const char	*errstr;
	uint8_t		 mac[6];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(netaddr_prefix_parse(rows[i].addr, &p,
		    &errstr), 0);
		print_message("%s\n", rows[i].addr);
		assert_int_equal(netaddr_is_public(p.addr, p.ipver),
		    rows[i].public);
	}
	assert_int_equal(netaddr_mac_parse("00-1e-73-36-00-0A", mac), 0);
	assert_int_equal(mac[5], 0x0a);
	assert_int_equal(netaddr_mac_parse("00:1e:73:36:00:0g", mac), -1);
	assert_int_equal(netaddr_mac_parse("00:1e:73-36:00:01", mac), -1);
	assert_int_equal(netaddr_mac_parse("001e.7336.0001", mac), -1);
}

static uint32_t
rnd(void)
{
	static uint64_t	 s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (uint32_t)s;
}

/* Random prefixes and addresses: the trie agrees with a linear scan. */
static void
test_lpm(void **state)
{
	struct prefix	 v[600], a;
	struct lpm	*t;
	int		 i, j, best, bestlen, ver, n = 0;

	(void)state;
	assert_non_null(t = lpm_new());
	for (i = 0; i < 600; i++) {
		memset(&v[n], 0, sizeof(v[n]));
		ver = i % 3 ? 4 : 6;
		v[n].ipver = (uint8_t)ver;
		v[n].len = (uint8_t)(rnd() % (ver == 4 ? 33 : 129));
		/* A small address space, so that prefixes nest often. */
		v[n].addr[0] = (uint8_t)(rnd() % 4);
		v[n].addr[1] = (uint8_t)rnd();
		for (j = v[n].len; j < 128; j++)
			v[n].addr[j / 8] &= (uint8_t)~(0x80 >> (j % 8));
		for (j = 0; j < n; j++)
			if (v[j].ipver == v[n].ipver && v[j].len == v[n].len &&
			    memcmp(v[j].addr, v[n].addr, 16) == 0)
				break;
		if (j < n)
			continue;
		assert_int_equal(lpm_insert(t, &v[n], n), 0);
		n++;
	}
	for (i = 0; i < 20000; i++) {
		memset(&a, 0, sizeof(a));
		a.ipver = i % 2 ? 4 : 6;
		a.len = a.ipver == 4 ? 32 : 128;
		a.addr[0] = (uint8_t)(rnd() % 4);
		for (j = 1; j < 16; j++)
			a.addr[j] = (uint8_t)rnd();
		if (a.ipver == 4)
			memset(a.addr + 4, 0, 12);
		best = -1;
		bestlen = -1;
		for (j = 0; j < n; j++)
			if (netaddr_prefix_contains(&v[j], &a) &&
			    v[j].len > bestlen) {
				best = j;
				bestlen = v[j].len;
			}
		assert_int_equal(lpm_lookup(t, a.addr, a.ipver), best);
	}
	lpm_free(t);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Every row of the settings table: its default is what a configuration
 * that does not name it holds; a file saying the default again changes
 * nothing; a number below or above its bounds, a second value, a
 * setting in a block, or a rules file holding one, is refused with its
 * name.  The table is sorted, without twins, and each row documented.
 */
static void
test_settings(void **state)
{
	const struct conf_setting	*s;
	struct conf			*c, *d;
	char				 text[CONF_PATH_MAX + 64], v[CONF_PATH_MAX];
	char				 def[CONF_PATH_MAX], want[256];
	const char			*err;
	size_t				 n = 0;

	(void)state;
	assert_string_equal(load("", &c), "");
	for (s = conf_settings; s->name != NULL; s++, n++) {
		print_message("%s\n", s->name);
		assert_non_null(s->doc);
		assert_non_null(s->doc_zh);
		assert_true(s->readers != 0);
		assert_ptr_equal(conf_setting_find(s->name), s);
		if (s[1].name != NULL)
			assert_true(strcmp(s->name, s[1].name) < 0);
		conf_setting_value(c, s, v, sizeof(v));
		conf_setting_default(s, def, sizeof(def));
		if (s->kind != CONF_T_SECRET)
			assert_string_equal(v, def);
		if (def[0] != '\0') {
			snprintf(text, sizeof(text), "%s \"%s\"\n", s->name,
			    def);
			assert_string_equal(load(text, &d), "");
			conf_setting_value(d, s, v, sizeof(v));
			assert_string_equal(v, def);
			conf_free(d);
		}
		snprintf(text, sizeof(text), "%s a b\n", s->name);
		snprintf(want, sizeof(want), "main.conf:1: %s takes 1 value",
		    s->name);
		assert_non_null(strstr(load(text, NULL), want));
		snprintf(text, sizeof(text), "zone z {\n %s x\n}\n", s->name);
		assert_non_null(strstr(load(text, NULL),
		    "main.conf:2: unknown keyword"));
		if (s->kind != CONF_T_NUMBER)
			continue;
		if (s->lo > 0) {
			snprintf(text, sizeof(text), "%s %llu\n", s->name,
			    (unsigned long long)s->lo - 1);
			snprintf(want, sizeof(want), "main.conf:1: %s %llu: at "
			    "least %llu", s->name, (unsigned long long)s->lo - 1,
			    (unsigned long long)s->lo);
			err = load(text, NULL);
			if (strstr(err, want) == NULL)
				fail_msg("%s: got \"%s\"", s->name, err);
		}
		snprintf(text, sizeof(text), "%s %llu\n", s->name,
		    (unsigned long long)s->hi + 1);
		snprintf(want, sizeof(want), "main.conf:1: %s %llu: at most "
		    "%llu", s->name, (unsigned long long)s->hi + 1,
		    (unsigned long long)s->hi);
		err = load(text, NULL);
		if (strstr(err, want) == NULL)
			fail_msg("%s: got \"%s\"", s->name, err);
		snprintf(text, sizeof(text), "%s many\n", s->name);
		assert_non_null(strstr(load(text, NULL), "a whole number"));
	}
	assert_true(n >= 36);
	conf_free(c);
	/* A rules file holds rules, not settings. */
	write_file("r.rules", "store \"/tmp/x.db\"\n");
	assert_non_null(strstr(load("rules \"r.rules\"\n", NULL),
	    "r.rules:1: unknown keyword \"store\""));
	/* A secret is never shown; a short one is refused. */
	assert_non_null(strstr(load("webui-metrics-token short\n", NULL),
	    "webui-metrics-token: at least 16 characters"));
	assert_string_equal(load("webui-metrics-token "
	    "0123456789abcdef0123\n", &c), "");
	conf_setting_value(c, conf_setting_find("webui-metrics-token"), v,
	    sizeof(v));
	assert_string_equal(v, "(set)");
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_netaddr),
		cmocka_unit_test(test_lpm),
	};

	return cmocka_run_group_tests_name("conf", tests, setup, teardown);
}
