/*
 * What zonewatch's configuration holds: the keyword tables for the top
 * level and for zone, site and exit blocks, and the checks of the whole
 * once every file is read (names, hierarchy, overlaps, limits).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "afile.h"
#include "conf-parse.h"
#include "parse.h"

static const char *const level_names[SITE_NLEVELS] = {
	"region", "city", "county", "township", "village"
};

const char *
conf_level_name(enum site_level l)
{
	return (unsigned)l < SITE_NLEVELS ? level_names[l] : "?";
}

int
conf_valid_name(struct conf_parser *ps, const char *what, const char *name)
{
	const char	*c;

	if (*name == '\0' || strlen(name) >= CONF_NAME_MAX) {
		conf_error(ps, "%s name must be 1 to %d characters", what,
		    CONF_NAME_MAX - 1);
		return 0;
	}
	for (c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.') {
			conf_error(ps, "%s name \"%s\": use letters, digits, "
			    "'-', '_' and '.' (put Chinese names in name-zh)",
			    what, name);
			return 0;
		}
	return 1;
}

int
conf_set_text(struct conf_parser *ps, char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len) {
		conf_error(ps, "text longer than %zu bytes", len - 1);
		return -1;
	}
	strcpy(dst, src);
	return 0;
}

struct conf_where
conf_here(struct conf_parser *ps)
{
	struct conf_where	 w = { ps->file, ps->line };

	return w;
}

/* One network, into the list given. */
static int
add_net(struct conf_parser *ps, struct conf_nets *l, const char *arg)
{
	struct conf_net	*n;
	const char	*errstr;

	if ((n = CONF_ADD(ps, *l, CONF_MAX_ITEMS)) == NULL) {
		conf_error(ps, "too many networks (at most %d)", CONF_MAX_ITEMS);
		return -1;
	}
	if (netaddr_prefix_parse(arg, &n->prefix, &errstr) == -1) {
		l->n--;
		conf_error(ps, "network %s: %s", arg, errstr);
		return -1;
	}
	n->at = conf_here(ps);
	return 0;
}

/* "100" or "100-199"; IEEE 802.1Q leaves 0 and 4095 reserved. */
static int
add_vlan(struct conf_parser *ps, struct conf_vlans *l, const char *arg)
{
	struct conf_vlan *v;
	const char	*errstr, *dash = strchr(arg, '-');
	char		 lo[16];
	uint64_t	 a, b;

	if (dash == NULL) {
		if (parse_u64(arg, 1, 4094, &a, &errstr) == -1)
			goto bad;
		b = a;
	} else {
		if ((size_t)(dash - arg) >= sizeof(lo))
			goto bad;
		memcpy(lo, arg, (size_t)(dash - arg));
		lo[dash - arg] = '\0';
		if (parse_u64(lo, 1, 4094, &a, &errstr) == -1 ||
		    parse_u64(dash + 1, 1, 4094, &b, &errstr) == -1 || b < a)
			goto bad;
	}
	if ((v = CONF_ADD(ps, *l, CONF_MAX_ITEMS)) == NULL) {
		conf_error(ps, "too many VLANs (at most %d)", CONF_MAX_ITEMS);
		return -1;
	}
	v->lo = (uint16_t)a;
	v->hi = (uint16_t)b;
	v->at = conf_here(ps);
	return 0;
bad:
	conf_error(ps, "vlan %s: give an id from 1 to 4094, or a range "
	    "such as 100-199", arg);
	return -1;
}

/* Zones ----------------------------------------------------------------- */

static int
zone_descr(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_zone	*z = ps->obj;

	return conf_set_text(ps, z->descr, sizeof(z->descr), argv[0]);
}

static int
zone_network(struct conf_parser *ps, int argc, char **argv)
{
	return add_net(ps, &((struct conf_zone *)ps->obj)->nets, argv[0]);
}

static int
zone_vlan(struct conf_parser *ps, int argc, char **argv)
{
	return add_vlan(ps, &((struct conf_zone *)ps->obj)->vlans, argv[0]);
}

static const struct conf_keyword zone_keywords[] = {
	{ "description",	1, zone_descr,		NULL },
	{ "network",		1, zone_network,	NULL },
	{ "vlan",		1, zone_vlan,		NULL },
	{ NULL,			0, NULL,		NULL }
};

static const struct conf_block zone_block = { "zone", zone_keywords };

int
conf_zone_index(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->zones.n; i++)
		if (strcmp(c->zones.v[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
top_zone(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_zone	*z;
	int			 i;

	if (!conf_valid_name(ps, "zone", argv[0]))
		return -1;
	if (strcmp(argv[0], "unknown") == 0) {
		conf_error(ps, "zone \"unknown\" is where addresses in no zone "
		    "go; it cannot be declared");
		return -1;
	}
	if ((i = conf_zone_index(ps->conf, argv[0])) >= 0) {
		z = &ps->conf->zones.v[i];
		if (z->declared) {
			conf_error(ps, "zone %s declared twice (first at %s:%d)",
			    argv[0], z->at.file, z->at.line);
			return -1;
		}
	} else if ((z = CONF_ADD(ps, ps->conf->zones, CONF_MAX_ZONES)) == NULL) {
		conf_error(ps, "too many zones (at most %d)", CONF_MAX_ZONES);
		return -1;
	}
	strcpy(z->name, argv[0]);
	z->declared = 1;
	z->at = conf_here(ps);
	ps->obj = z;
	return 0;
}

/* Sites ----------------------------------------------------------------- */

static int
site_text(struct conf_parser *ps, char *dst, size_t len, const char *s)
{
	return conf_set_text(ps, dst, len, s);
}

static int
site_name_zh(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;

	return site_text(ps, s->name_zh, sizeof(s->name_zh), argv[0]);
}

static int
site_name_en(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;

	return site_text(ps, s->name_en, sizeof(s->name_en), argv[0]);
}

static int
site_level(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;
	int			 i;

	for (i = 0; i < SITE_NLEVELS; i++)
		if (strcmp(argv[0], level_names[i]) == 0) {
			s->level = (enum site_level)i;
			s->has_level = 1;
			return 0;
		}
	conf_error(ps, "level %s: one of region, city, county, township, "
	    "village", argv[0]);
	return -1;
}

static int
site_parent(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;

	if (!conf_valid_name(ps, "parent", argv[0]))
		return -1;
	strcpy(s->parent_name, argv[0]);
	return 0;
}

static int
site_network(struct conf_parser *ps, int argc, char **argv)
{
	return add_net(ps, &((struct conf_site *)ps->obj)->nets, argv[0]);
}

/* Bits per second, with k, M or G (powers of 1000, as links are sold). */
static int
site_bandwidth(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;
	char			 num[32];
	const char		*errstr;
	size_t			 len = strlen(argv[0]);
	uint64_t		 v, mult = 1;

	if (len == 0 || len >= sizeof(num))
		goto bad;
	strcpy(num, argv[0]);
	switch (num[len - 1]) {
	case 'k':
	case 'K':
		mult = 1000;
		break;
	case 'M':
		mult = 1000000;
		break;
	case 'G':
		mult = 1000000000;
		break;
	default:
		break;
	}
	if (mult != 1)
		num[len - 1] = '\0';
	if (parse_u64(num, 1, UINT64_C(400000000000) / mult, &v, &errstr) == -1)
		goto bad;
	s->bandwidth_bps = v * mult;
	return 0;
bad:
	conf_error(ps, "bandwidth %s: bits per second, such as 100M or 1G",
	    argv[0]);
	return -1;
}

static const struct conf_keyword site_keywords[] = {
	{ "bandwidth",		1, site_bandwidth,	NULL },
	{ "level",		1, site_level,		NULL },
	{ "name-en",		1, site_name_en,	NULL },
	{ "name-zh",		1, site_name_zh,	NULL },
	{ "network",		1, site_network,	NULL },
	{ "parent",		1, site_parent,		NULL },
	{ "uplink",		2, conf_devices_uplink,	NULL },
	{ NULL,			0, NULL,		NULL }
};

static const struct conf_block site_block = { "site", site_keywords };

/*
 * Site names are looked up for every parent, exit and rule, and checked
 * for doubles at each declaration: a hash table, open addressing, twice
 * the most sites there can be, so that 20,000 sites load in no time.
 */
#define SITE_HASH_SIZE	65536	/* > 2 * CONF_MAX_SITES, a power of 2 */

static uint32_t
name_hash(const char *name)
{
	uint32_t	 h = 2166136261u;		/* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

static uint32_t *
site_slot(const struct conf *c, const char *name)
{
	uint32_t	 i = name_hash(name) & (SITE_HASH_SIZE - 1);

	while (c->site_names[i] != 0 &&
	    strcmp(c->sites.v[c->site_names[i] - 1].name, name) != 0)
		i = (i + 1) & (SITE_HASH_SIZE - 1);
	return &c->site_names[i];
}

int
conf_site_index(const struct conf *c, const char *name)
{
	if (c->site_names == NULL)
		return -1;
	return (int)*site_slot(c, name) - 1;
}

/*
 * A site as a person names it: its id, or its name in either language
 * (建昌镇, Jianchang); -1 if none.  The web UI and zwctl take the same.
 */
int
conf_site_named(const struct conf *c, const char *v)
{
	size_t	 i;
	int	 k;

	if ((k = conf_site_index(c, v)) >= 0)
		return k;
	for (i = 0; i < c->sites.n; i++)
		if (strcmp(c->sites.v[i].name_zh, v) == 0 ||
		    strcasecmp(c->sites.v[i].name_en, v) == 0)
			return (int)i;
	return -1;
}

static int
top_site(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s;
	int			 i;

	if (!conf_valid_name(ps, "site", argv[0]))
		return -1;
	if ((i = conf_site_index(ps->conf, argv[0])) >= 0) {
		conf_error(ps, "site %s declared twice (first at %s:%d)",
		    argv[0], ps->conf->sites.v[i].at.file,
		    ps->conf->sites.v[i].at.line);
		return -1;
	}
	if (ps->conf->site_names == NULL && (ps->conf->site_names =
	    calloc(SITE_HASH_SIZE, sizeof(*ps->conf->site_names))) == NULL) {
		conf_error(ps, "out of memory");
		return -1;
	}
	if ((s = CONF_ADD(ps, ps->conf->sites, CONF_MAX_SITES)) == NULL) {
		conf_error(ps, "too many sites (at most %d)", CONF_MAX_SITES);
		return -1;
	}
	strcpy(s->name, argv[0]);
	*site_slot(ps->conf, argv[0]) = (uint32_t)ps->conf->sites.n;
	s->parent = -1;
	s->at = conf_here(ps);
	ps->obj = s;
	return 0;
}

/* Exits ----------------------------------------------------------------- */

static int
exit_district(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_exit	*e = ps->obj;

	if (!conf_valid_name(ps, "district", argv[0]))
		return -1;
	strcpy(e->district_name, argv[0]);
	return 0;
}

static int
exit_mac(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_exit	*e = ps->obj;
	struct conf_mac		*m;

	if ((m = CONF_ADD(ps, e->macs, CONF_MAX_ITEMS)) == NULL) {
		conf_error(ps, "too many router MACs (at most %d)",
		    CONF_MAX_ITEMS);
		return -1;
	}
	if (netaddr_mac_parse(argv[0], m->mac) == -1) {
		e->macs.n--;
		conf_error(ps, "router-mac %s: six hexadecimal bytes such as "
		    "00:11:22:33:44:55", argv[0]);
		return -1;
	}
	m->at = conf_here(ps);
	return 0;
}

static int
exit_vlan(struct conf_parser *ps, int argc, char **argv)
{
	return add_vlan(ps, &((struct conf_exit *)ps->obj)->vlans, argv[0]);
}

static int
exit_address(struct conf_parser *ps, int argc, char **argv)
{
	return add_net(ps, &((struct conf_exit *)ps->obj)->addrs, argv[0]);
}

static const struct conf_keyword exit_keywords[] = {
	{ "address",		1, exit_address,	NULL },
	{ "district",		1, exit_district,	NULL },
	{ "router-mac",		1, exit_mac,		NULL },
	{ "vlan",		1, exit_vlan,		NULL },
	{ NULL,			0, NULL,		NULL }
};

static const struct conf_block exit_block = { "exit", exit_keywords };

static int
top_exit(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_exit	*e;
	size_t			 i;

	if (!conf_valid_name(ps, "exit", argv[0]))
		return -1;
	for (i = 0; i < ps->conf->exits.n; i++)
		if (strcmp(ps->conf->exits.v[i].name, argv[0]) == 0) {
			conf_error(ps, "exit %s declared twice (first at %s:%d)",
			    argv[0], ps->conf->exits.v[i].at.file,
			    ps->conf->exits.v[i].at.line);
			return -1;
		}
	if ((e = CONF_ADD(ps, ps->conf->exits, CONF_MAX_EXITS)) == NULL) {
		conf_error(ps, "too many exits (at most %d)", CONF_MAX_EXITS);
		return -1;
	}
	strcpy(e->name, argv[0]);
	e->district = -1;
	e->at = conf_here(ps);
	ps->obj = e;
	return 0;
}

/* Top level --------------------------------------------------------------- */

static int
top_include(struct conf_parser *ps, int argc, char **argv)
{
	char	 path[PATH_MAX];

	if (conf_include_path(ps, argv[0], path, sizeof(path)) == -1) {
		conf_error(ps, "include %s: path too long", argv[0]);
		return -1;
	}
	return conf_parse_file(ps, path);
}

/*
 * The administrators' store: beside an event store named on the command
 * line (events_path, when not the configuration's), else the
 * configuration's admin-store, else admin/admin.db beside its store.
 */
int
conf_admin_path(const struct conf *c, const char *events_path, char *out,
    size_t len)
{
	int		 n;

	if (c != NULL && (events_path == NULL ||
	    strcmp(events_path, c->store_path) == 0)) {
		if (c->admin_store[0] != '\0') {
			n = snprintf(out, len, "%s", c->admin_store);
			return n < 0 || (size_t)n >= len ? -1 : 0;
		}
		events_path = c->store_path;
	} else if (events_path == NULL)
		events_path = STORE_DEFAULT_PATH;
	return afile_beside(events_path, "admin/admin.db", out, len);
}

/* Syslog receivers ------------------------------------------------------ */

static int
syslog_server(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l = ps->obj;

	return conf_set_text(ps, l->host, sizeof(l->host), argv[0]);
}

static int
syslog_port(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l = ps->obj;
	const char		*errstr;
	uint64_t		 v;

	if (parse_u64(argv[0], 1, 65535, &v, &errstr) == -1) {
		conf_error(ps, "port %s: from 1 to 65535", argv[0]);
		return -1;
	}
	snprintf(l->port, sizeof(l->port), "%u", (unsigned int)v);
	return 0;
}

static int
syslog_transport(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l = ps->obj;

	if (strcmp(argv[0], "udp") == 0)
		l->transport = SYSLOG_UDP;
	else if (strcmp(argv[0], "tcp") == 0)
		l->transport = SYSLOG_TCP;
	else {
		conf_error(ps, "transport %s: udp (RFC 5426) or tcp "
		    "(RFC 6587)", argv[0]);
		return -1;
	}
	return 0;
}

/* RFC 5424, 6.2.1: the facilities an appliance may use. */
static const struct {
	const char	*name;
	int		 code;
} facilities[] = {
	{ "user", 1 }, { "daemon", 3 }, { "auth", 4 }, { "security", 13 },
	{ "audit", 13 }, { "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 },
};

static int
syslog_facility(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l = ps->obj;
	size_t			 i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(argv[0], facilities[i].name) == 0) {
			l->facility = facilities[i].code;
			return 0;
		}
	conf_error(ps, "facility %s: user, daemon, auth, security or "
	    "local0 to local7", argv[0]);
	return -1;
}

static int
syslog_severity(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l = ps->obj;
	int			 i;

	if ((i = conf_severity_parse(argv[0])) >= 0) {
		l->min_severity = (enum severity)i;
		return 0;
	}
	conf_error(ps, "severity %s: one of critical, high, medium, low, "
	    "info (that and worse are sent)", argv[0]);
	return -1;
}

static const struct conf_keyword syslog_keywords[] = {
	{ "facility",		1, syslog_facility,	NULL },
	{ "port",		1, syslog_port,		NULL },
	{ "server",		1, syslog_server,	NULL },
	{ "severity",		1, syslog_severity,	NULL },
	{ "transport",		1, syslog_transport,	NULL },
	{ NULL,			0, NULL,		NULL }
};

static const struct conf_block syslog_block = { "syslog", syslog_keywords };

static int
top_syslog(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_syslog	*l;
	size_t			 i;

	if (!conf_valid_name(ps, "syslog", argv[0]))
		return -1;
	for (i = 0; i < ps->conf->syslogs.n; i++)
		if (strcmp(ps->conf->syslogs.v[i].name, argv[0]) == 0) {
			conf_error(ps, "syslog %s declared twice", argv[0]);
			return -1;
		}
	if ((l = CONF_ADD(ps, ps->conf->syslogs, CONF_MAX_SYSLOG)) == NULL) {
		conf_error(ps, "too many syslog receivers (at most %d)",
		    CONF_MAX_SYSLOG);
		return -1;
	}
	strcpy(l->name, argv[0]);
	strcpy(l->port, "514");
	l->transport = SYSLOG_UDP;
	l->facility = 13;		/* log audit */
	l->min_severity = SEV_INFO;
	l->at = conf_here(ps);
	ps->obj = l;
	return 0;
}

static const struct conf_keyword top_keywords[] = {
	{ "device",		1, conf_devices_device,	&conf_device_block },
	{ "exit",		1, top_exit,		&exit_block },
	{ "include",		1, top_include,		NULL },
	{ "rules",		1, conf_rules_file,	NULL },
	{ "site",		1, top_site,		&site_block },
	{ "syslog",		1, top_syslog,		&syslog_block },
	{ "zone",		1, top_zone,		&zone_block },
	{ NULL,			0, NULL,		NULL }
};

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	static const char *const builtin[] = { "internal", "external",
	    "internet" };
	struct conf_parser	 ps;
	struct conf		*c;
	struct conf_zone	*z;
	size_t			 i;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	conf_settings_default(c);
	memset(&ps, 0, sizeof(ps));
	ps.conf = c;
	ps.top = top_keywords;
	ps.settings = 1;
	ps.file = path;
	ps.err = err;
	ps.errlen = errlen;
	/* The three zones of the design exist at fixed indexes. */
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if ((z = CONF_ADD(&ps, c->zones, CONF_MAX_ZONES)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", path);
			conf_free(c);
			return NULL;
		}
		strcpy(z->name, builtin[i]);
	}
	if (conf_parse_file(&ps, path) == -1 || conf_check(&ps) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->zones.n; i++) {
		free(c->zones.v[i].nets.v);
		free(c->zones.v[i].vlans.v);
	}
	for (i = 0; i < c->sites.n; i++)
		free(c->sites.v[i].nets.v);
	for (i = 0; i < c->exits.n; i++) {
		free(c->exits.v[i].macs.v);
		free(c->exits.v[i].vlans.v);
		free(c->exits.v[i].addrs.v);
	}
	for (i = 0; i < c->rules.n; i++) {
		free(c->rules.v[i].apps.v);
		free(c->rules.v[i].categories.v);
	}
	for (i = 0; i < c->files.n; i++)
		free(c->files.v[i]);
	free(c->rules.v);
	free(c->zones.v);
	free(c->sites.v);
	free(c->exits.v);
	free(c->files.v);
	free(c->syslogs.v);
	free(c->devices.v);
	free(c->site_names);
	free(c);
}
