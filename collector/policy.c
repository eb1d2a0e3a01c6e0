/*
 * Policy evaluation.  Each rule is compiled once: zone indexes, a bitmap
 * of nDPI protocol ids and one of categories.  A flow keeps a bit per
 * rule that fired, so a rule fires at most once per flow however often
 * the flow is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define MAX_IDS		4096	/* nDPI ids, custom protocols included */
#define MAX_CATEGORIES	256

struct compiled_rule {
	const struct conf_rule	*r;
	uint8_t			*apps;		/* bitmap by nDPI id, or NULL */
	uint8_t			 cats[MAX_CATEGORIES / 8];
	int			 has_cats;
	int			 needs_dpi;
	uint64_t		 hits;
};

/* Zones are 0..n-1, unknown is n: at most CONF_MAX_ZONES + 1 of them. */
#define NZ		(CONF_MAX_ZONES + 1)

struct policy {
	const struct conf	*conf;
	uint64_t		 by_zones[NZ][NZ];	/* rules a pair may fire */
	const struct zone_map	*zones;
	struct compiled_rule	*rules;
	size_t			 nrules;
	int			 dns_id;
};

static int
bit_test(const uint8_t *map, unsigned int i, unsigned int max)
{
	return i < max && (map[i / 8] >> (i % 8) & 1);
}

static void
bit_set(uint8_t *map, unsigned int i)
{
	map[i / 8] |= (uint8_t)(1 << (i % 8));
}

/* Names of a rule's list into a bitmap of nDPI ids. */
static int
compile_names(const struct conf_rule *r, const struct conf_names *names,
    struct conf_where at, int (*lookup)(struct dpi *, const char *),
    struct dpi *d, uint8_t *map, unsigned int max, const char *what,
    char *err, size_t errlen)
{
	size_t	 i;
	int	 id;

	for (i = 0; i < names->n; i++) {
		if ((id = lookup(d, names->v[i])) < 0 || (unsigned int)id >= max) {
			snprintf(err, errlen, "%s:%d: rule %u: nDPI has no %s "
			    "named %s", at.file, at.line, r->id, what,
			    names->v[i]);
			return -1;
		}
		bit_set(map, (unsigned int)id);
	}
	return 0;
}

static int
compile(struct compiled_rule *cr, struct dpi *d, char *err, size_t errlen)
{
	const struct conf_rule	*r = cr->r;

	if (r->apps.n > 0) {
		if ((cr->apps = calloc(MAX_IDS / 8, 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (compile_names(r, &r->apps, r->apps_at, dpi_app_id, d,
		    cr->apps, MAX_IDS, "protocol", err, errlen) == -1)
			return -1;
	}
	if (compile_names(r, &r->categories, r->categories_at,
	    dpi_category_id, d, cr->cats, MAX_CATEGORIES, "category", err,
	    errlen) == -1)
		return -1;
	cr->has_cats = r->categories.n > 0;
	cr->needs_dpi = r->apps.n > 0 || cr->has_cats;
	return 0;
}

static int zones_match(const struct conf_rule *, const struct flow *);

/*
 * For each pair of zones, the rules whose zones can match it: a flow
 * tries only those, and most pairs (the extranet within itself) have
 * none.  Detector rules fire by themselves and are in no list.
 */
static void
index_by_zones(struct policy *pol)
{
	struct flow	 f;
	size_t		 a, b, i, nz = pol->conf->zones.n + 1;

	memset(&f, 0, sizeof(f));
	for (a = 0; a < nz && a < NZ; a++)
		for (b = 0; b < nz && b < NZ; b++) {
			f.zone[0] = (uint8_t)a;
			f.zone[1] = (uint8_t)b;
			for (f.began_lower = 0; f.began_lower < 2;
			    f.began_lower++)
				for (i = 0; i < pol->nrules; i++)
					if (pol->rules[i].r->detect ==
					    DETECT_NONE &&
					    zones_match(pol->rules[i].r, &f))
						pol->by_zones[a][b] |=
						    UINT64_C(1) << i;
		}
}

struct policy *
policy_new(const struct conf *c, const struct zone_map *zm, struct dpi *d,
    char *err, size_t errlen)
{
	struct policy	*pol;
	size_t		 i;

	if ((pol = calloc(1, sizeof(*pol))) == NULL ||
	    (pol->rules = calloc(c->rules.n ? c->rules.n : 1,
	    sizeof(*pol->rules))) == NULL) {
		free(pol);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pol->conf = c;
	pol->zones = zm;
	pol->nrules = c->rules.n;
	pol->dns_id = dpi_app_id(d, "DNS");
	for (i = 0; i < c->rules.n; i++) {
		pol->rules[i].r = &c->rules.v[i];
		if (compile(&pol->rules[i], d, err, errlen) == -1) {
			policy_free(pol);
			return NULL;
		}
	}
	index_by_zones(pol);
	return pol;
}

void
policy_free(struct policy *pol)
{
	size_t	 i;

	if (pol == NULL)
		return;
	for (i = 0; i < pol->nrules; i++)
		free(pol->rules[i].apps);
	free(pol->rules);
	free(pol);
}

static int
zone_is(int want, uint8_t zone)
{
	return want == RULE_ANY || want == zone;
}

static int
zones_match(const struct conf_rule *r, const struct flow *f)
{
	int	 init = f->began_lower ? 0 : 1;

	if (!r->has_zones)
		return 1;
	if (r->direction == RULE_A_TO_B)
		return zone_is(r->zone[0], f->zone[init]) &&
		    zone_is(r->zone[1], f->zone[1 - init]);
	return (zone_is(r->zone[0], f->zone[0]) &&
	    zone_is(r->zone[1], f->zone[1])) ||
	    (zone_is(r->zone[0], f->zone[1]) &&
	    zone_is(r->zone[1], f->zone[0]));
}

/*
 * A flow is its application or its master protocol ("TLS.Tor" is Tor and
 * TLS).  Looking a name up is not using the service: "DNS.AnyDesk", a
 * query for AnyDesk's servers, matches only rules that name DNS.
 */
static int
app_matches(const struct policy *pol, const struct compiled_rule *cr,
    const struct flow_app *a)
{
	if (bit_test(cr->apps, a->master, MAX_IDS))
		return 1;
	if (a->master == pol->dns_id)
		return 0;
	return bit_test(cr->apps, a->app, MAX_IDS);
}

static int
rule_matches(const struct policy *pol, const struct compiled_rule *cr,
    const struct flow *f)
{
	const struct conf_rule	*r = cr->r;

	if (!zones_match(r, f))
		return 0;
	if (r->site != RULE_ANY &&
	    !zone_map_site_within(pol->zones, f->site[0], r->site) &&
	    !zone_map_site_within(pol->zones, f->site[1], r->site))
		return 0;
	if (r->exit != RULE_ANY && f->exit != r->exit)
		return 0;
	if (r->not_via_exit && f->exit != EXIT_NONE)
		return 0;
	if (cr->apps != NULL && !app_matches(pol, cr, &f->app))
		return 0;
	if (cr->has_cats && !bit_test(cr->cats, f->app.category,
	    MAX_CATEGORIES))
		return 0;
	return 1;
}

/*
 * Rules that need the application wait until it is known; the others
 * fire at the first check.  Nothing here looks at packets.
 */
void
policy_eval(struct policy *pol, struct flow *f, int classified)
{
	struct compiled_rule	*cr;
	uint64_t		 todo;
	size_t			 i;

	/* Without a configuration a flow has no zones, and no rule applies. */
	if (f->zone[0] >= NZ || f->zone[1] >= NZ)
		return;
	todo = pol->by_zones[f->zone[0]][f->zone[1]] & ~f->fired;
	for (i = 0; todo != 0; i++, todo >>= 1) {
		cr = &pol->rules[i];
		if (!(todo & 1) || (cr->needs_dpi && !classified))
			continue;
		if (!rule_matches(pol, cr, f))
			continue;
		f->fired |= UINT64_C(1) << i;
		cr->hits++;
	}
}

void
policy_fire(struct policy *pol, struct flow *f, size_t i)
{
	if (i >= pol->nrules || (f->fired >> i & 1))
		return;
	f->fired |= UINT64_C(1) << i;
	pol->rules[i].hits++;
}

size_t
policy_nrules(const struct policy *pol)
{
	return pol->nrules;
}

const struct conf_rule *
policy_rule(const struct policy *pol, size_t i, uint64_t *hits)
{
	if (hits != NULL)
		*hits = pol->rules[i].hits;
	return pol->rules[i].r;
}
