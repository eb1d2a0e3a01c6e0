/*
 * Checks of a configuration as a whole, once every file is read: what
 * refers to what, the site hierarchy, and overlaps.  Overlapping or
 * contradictory definitions are errors: an address must have one answer
 * to "which zone" and "which site".
 */
#include <stdlib.h>
#include <string.h>

#include "conf-parse.h"

/* Points the error at an item of the configuration. */
static void
error_at(struct conf_parser *ps, struct conf_where at)
{
	ps->file = at.file;
	ps->line = at.line;
}

struct owned_net {
	const struct conf_net	*net;
	int			 owner;
	const char		*name;		/* the owner's */
};

static int
net_cmp(const void *a, const void *b)
{
	const struct prefix	*x = &((const struct owned_net *)a)->net->prefix;
	const struct prefix	*y = &((const struct owned_net *)b)->net->prefix;
	int			 c;

	if (x->ipver != y->ipver)
		return x->ipver - y->ipver;
	if ((c = memcmp(x->addr, y->addr, 16)) != 0)
		return c;
	if (x->len != y->len)
		return x->len - y->len;
	/* Equal prefixes: in the order they were written. */
	return ((const struct owned_net *)a)->owner -
	    ((const struct owned_net *)b)->owner;
}

/*
 * Walks the prefixes in address order with a stack of those still open:
 * prefixes are either disjoint or nested, so the top of the stack, if it
 * holds the next one, is the smallest prefix that does.  allowed() says
 * whether an owner may sit strictly inside another's prefix; the same
 * prefix twice is never allowed.
 */
static int
sweep(struct conf_parser *ps, struct owned_net *v, size_t n,
    int (*allowed)(const struct conf *, int outer, int inner),
    const char *kind)
{
	struct owned_net	**stack;
	size_t			 i, top = 0;
	char			 a[64], b[64];

	if (n == 0)
		return 0;
	if ((stack = calloc(n, sizeof(*stack))) == NULL) {
		conf_error(ps, "out of memory");
		return -1;
	}
	qsort(v, n, sizeof(*v), net_cmp);
	for (i = 0; i < n; i++) {
		while (top > 0 && !netaddr_prefix_contains(
		    &stack[top - 1]->net->prefix, &v[i].net->prefix))
			top--;
		if (top > 0 && (stack[top - 1]->net->prefix.len ==
		    v[i].net->prefix.len || !allowed(ps->conf,
		    stack[top - 1]->owner, v[i].owner))) {
			const struct owned_net *o = stack[top - 1];

			netaddr_prefix_format(&v[i].net->prefix, a, sizeof(a));
			netaddr_prefix_format(&o->net->prefix, b, sizeof(b));
			error_at(ps, v[i].net->at);
			conf_error(ps, "network %s overlaps %s of %s %s (%s:%d)",
			    a, b, kind, o->name, o->net->at.file,
			    o->net->at.line);
			free(stack);
			return -1;
		}
		stack[top++] = &v[i];
	}
	free(stack);
	return 0;
}

/* Gathers the networks of n owners (zones or sites) and sweeps them. */
static int
sweep_all(struct conf_parser *ps, size_t n,
    const struct conf_nets *(*nets_of)(const struct conf *, size_t,
    const char **), int (*allowed)(const struct conf *, int, int),
    const char *kind)
{
	const struct conf_nets	*nets;
	struct owned_net	*v;
	const char		*name;
	size_t			 i, j, total = 0;
	int			 rv;

	for (i = 0; i < n; i++)
		total += nets_of(ps->conf, i, &name)->n;
	if ((v = calloc(total ? total : 1, sizeof(*v))) == NULL) {
		conf_error(ps, "out of memory");
		return -1;
	}
	for (i = 0, total = 0; i < n; i++) {
		nets = nets_of(ps->conf, i, &name);
		for (j = 0; j < nets->n; j++) {
			v[total].net = &nets->v[j];
			v[total].name = name;
			v[total++].owner = (int)i;
		}
	}
	rv = sweep(ps, v, total, allowed, kind);
	free(v);
	return rv;
}

static const struct conf_nets *
zone_nets(const struct conf *c, size_t i, const char **name)
{
	*name = c->zones.v[i].name;
	return &c->zones.v[i].nets;
}

static const struct conf_nets *
site_nets(const struct conf *c, size_t i, const char **name)
{
	*name = c->sites.v[i].name;
	return &c->sites.v[i].nets;
}

static int
never(const struct conf *c, int outer, int inner)
{
	return 0;
}

/* A site's network may hold those of its own descendants only. */
static int
descendant(const struct conf *c, int outer, int inner)
{
	int	 s;

	for (s = c->sites.v[inner].parent; s >= 0; s = c->sites.v[s].parent)
		if (s == outer)
			return 1;
	return 0;
}

struct vlan_owner {
	const struct conf_vlan	*v;
	const char		*kind;
	const char		*name;
};

/*
 * Marks each VLAN id of the ranges as owned; an id owned already is a
 * contradiction.  Linear in the ids marked: the first conflict stops it.
 */
static int
claim_vlans(struct conf_parser *ps, struct vlan_owner *owners,
    const struct conf_vlans *l, const char *kind, const char *name)
{
	const struct vlan_owner	*o;
	size_t			 i;
	unsigned int		 id;

	for (i = 0; i < l->n; i++)
		for (id = l->v[i].lo; id <= l->v[i].hi; id++) {
			if ((o = &owners[id])->v != NULL) {
				error_at(ps, l->v[i].at);
				conf_error(ps, "vlan %u-%u of %s %s overlaps vlan "
				    "%u-%u of %s %s (%s:%d)", l->v[i].lo,
				    l->v[i].hi, kind, name, o->v->lo, o->v->hi,
				    o->kind, o->name, o->v->at.file,
				    o->v->at.line);
				return -1;
			}
			owners[id].v = &l->v[i];
			owners[id].kind = kind;
			owners[id].name = name;
		}
	return 0;
}

static int
check_zones(struct conf_parser *ps)
{
	struct conf		*c = ps->conf;
	struct vlan_owner	 owners[4096];
	size_t			 i;

	if (sweep_all(ps, c->zones.n, zone_nets, never, "zone") == -1)
		return -1;
	/* A VLAN binds traffic to one zone only. */
	memset(owners, 0, sizeof(owners));
	for (i = 0; i < c->zones.n; i++)
		if (claim_vlans(ps, owners, &c->zones.v[i].vlans, "zone",
		    c->zones.v[i].name) == -1)
			return -1;
	return 0;
}

static int
check_sites(struct conf_parser *ps)
{
	struct conf		*c = ps->conf;
	struct conf_site	*s, *p;
	size_t			 i;
	int			 k, hops;

	for (i = 0; i < c->sites.n; i++) {
		s = &c->sites.v[i];
		if (!s->has_level) {
			error_at(ps, s->at);
			conf_error(ps, "site %s has no level (region, city, "
			    "county, township or village)", s->name);
			return -1;
		}
		if (s->parent_name[0] == '\0') {
			if (s->level == SITE_TOWNSHIP || s->level == SITE_VILLAGE) {
				error_at(ps, s->at);
				conf_error(ps, "%s %s needs a parent (the %s it "
				    "belongs to)", conf_level_name(s->level),
				    s->name, s->level == SITE_TOWNSHIP ?
				    "county" : "township");
				return -1;
			}
			continue;
		}
		if ((k = conf_site_index(c, s->parent_name)) < 0) {
			error_at(ps, s->at);
			conf_error(ps, "site %s: parent %s is not a site",
			    s->name, s->parent_name);
			return -1;
		}
		p = &c->sites.v[k];
		s->parent = k;
		if (p->level >= s->level ||
		    (s->level == SITE_TOWNSHIP && p->level != SITE_COUNTY) ||
		    (s->level == SITE_VILLAGE && p->level != SITE_TOWNSHIP)) {
			error_at(ps, s->at);
			conf_error(ps, "%s %s cannot belong to %s %s",
			    conf_level_name(s->level), s->name,
			    conf_level_name(p->level), p->name);
			return -1;
		}
	}
	/* Levels only go down, so a chain is never longer than the levels. */
	for (i = 0; i < c->sites.n; i++)
		for (hops = 0, k = c->sites.v[i].parent; k >= 0;
		    k = c->sites.v[k].parent)
			if (++hops > SITE_NLEVELS)
				abort();
	return sweep_all(ps, c->sites.n, site_nets, descendant, "site");
}

static int
check_exits(struct conf_parser *ps)
{
	struct conf		*c = ps->conf;
	struct conf_exit	*e;
	struct conf_zone	*internal = &c->zones.v[ZONE_INTERNAL];
	struct vlan_owner	 owners[4096];
	size_t			 i, j, k;
	int			 count;

	/* A VLAN names one exit. */
	memset(owners, 0, sizeof(owners));
	for (i = 0; i < c->exits.n; i++)
		if (claim_vlans(ps, owners, &c->exits.v[i].vlans, "exit",
		    c->exits.v[i].name) == -1)
			return -1;
	for (i = 0; i < c->exits.n; i++) {
		e = &c->exits.v[i];
		error_at(ps, e->at);
		if (e->district_name[0] == '\0') {
			conf_error(ps, "exit %s has no district", e->name);
			return -1;
		}
		if ((e->district = conf_site_index(c, e->district_name)) < 0) {
			conf_error(ps, "exit %s: district %s is not a site",
			    e->name, e->district_name);
			return -1;
		}
		if (e->macs.n + e->vlans.n + e->addrs.n == 0) {
			conf_error(ps, "exit %s: give a router-mac, a vlan or an "
			    "address to recognise it by", e->name);
			return -1;
		}
		for (count = 0, j = 0; j <= i; j++)
			count += c->exits.v[j].district == e->district;
		if (count > 2) {
			conf_error(ps, "exit %s: district %s would have %d "
			    "internet exits; policy allows two", e->name,
			    e->district_name, count);
			return -1;
		}
		/* An exit to the internet inside the internal network. */
		for (j = 0; j < e->addrs.n; j++)
			for (k = 0; k < internal->nets.n; k++)
				if (netaddr_prefix_overlap(
				    &e->addrs.v[j].prefix,
				    &internal->nets.v[k].prefix)) {
					error_at(ps, e->addrs.v[j].at);
					conf_error(ps, "exit %s: address in the "
					    "internal zone (%s:%d), which must "
					    "never reach the internet", e->name,
					    internal->nets.v[k].at.file,
					    internal->nets.v[k].at.line);
					return -1;
				}
	}
	return 0;
}

/* Names in rules refer to zones, sites and exits that exist. */
static int
check_rules(struct conf_parser *ps)
{
	struct conf		*c = ps->conf;
	struct conf_rule	*r;
	size_t			 i, j;
	int			 k;

	for (i = 0; i < c->rules.n; i++) {
		r = &c->rules.v[i];
		error_at(ps, r->at);
		if (!r->has_severity || r->msg_zh[0] == '\0' ||
		    r->msg_en[0] == '\0') {
			conf_error(ps, "rule %u needs a severity, msg-zh and "
			    "msg-en", r->id);
			return -1;
		}
		if (r->detect != DETECT_NONE && (r->has_zones ||
		    r->apps.n > 0 || r->categories.n > 0 ||
		    r->exit_name[0] != '\0' || r->not_via_exit)) {
			conf_error(ps, "rule %u: detect %s takes only limit, "
			    "window and site", r->id,
			    conf_detect_name(r->detect));
			return -1;
		}
		if (r->detect == DETECT_NONE && (r->limit || r->window_s)) {
			conf_error(ps, "rule %u: limit and window belong to "
			    "detect rules", r->id);
			return -1;
		}
		if (r->detect == DETECT_NONE && !r->has_zones &&
		    r->apps.n == 0 && r->categories.n == 0 &&
		    r->site_name[0] == '\0' && r->exit_name[0] == '\0' &&
		    !r->not_via_exit) {
			conf_error(ps, "rule %u matches every flow: give zones, "
			    "app, category, site, exit or not-via-exit", r->id);
			return -1;
		}
		for (j = 0; r->has_zones && j < 2; j++) {
			if (strcmp(r->zone_name[j], "any") == 0)
				r->zone[j] = RULE_ANY;
			else if (strcmp(r->zone_name[j], "unknown") == 0)
				r->zone[j] = (int)c->zones.n;
			else if ((r->zone[j] = conf_zone_index(c,
			    r->zone_name[j])) < 0) {
				conf_error(ps, "rule %u: zone %s is not declared",
				    r->id, r->zone_name[j]);
				return -1;
			}
		}
		if (r->direction == RULE_A_TO_B && !r->has_zones) {
			conf_error(ps, "rule %u: a direction needs zones",
			    r->id);
			return -1;
		}
		if (r->site_name[0] != '\0' &&
		    (r->site = conf_site_index(c, r->site_name)) < 0) {
			conf_error(ps, "rule %u: site %s is not declared", r->id,
			    r->site_name);
			return -1;
		}
		if (r->exit_name[0] != '\0') {
			for (k = 0; k < (int)c->exits.n; k++)
				if (strcmp(c->exits.v[k].name, r->exit_name) == 0)
					break;
			if (k == (int)c->exits.n) {
				conf_error(ps, "rule %u: exit %s is not declared",
				    r->id, r->exit_name);
				return -1;
			}
			r->exit = k;
			if (r->not_via_exit) {
				conf_error(ps, "rule %u: exit and not-via-exit "
				    "contradict each other", r->id);
				return -1;
			}
		}
	}
	return 0;
}

static int
check_syslogs(struct conf_parser *ps)
{
	const struct conf_syslog *l;
	size_t			 i;

	for (i = 0; i < ps->conf->syslogs.n; i++) {
		l = &ps->conf->syslogs.v[i];
		if (l->host[0] == '\0') {
			error_at(ps, l->at);
			conf_error(ps, "syslog %s needs a server", l->name);
			return -1;
		}
	}
	return 0;
}

int
conf_check(struct conf_parser *ps)
{
	if (check_zones(ps) == -1 || check_sites(ps) == -1 ||
	    check_exits(ps) == -1 || check_rules(ps) == -1 ||
	    check_syslogs(ps) == -1 || conf_devices_check(ps) == -1)
		return -1;
	return 0;
}
