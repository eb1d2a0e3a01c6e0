/*
 * The isolation rules: the keywords of a rule block and the "rules FILE"
 * statement, which reads a file of rules only.  Names in rules (zones,
 * sites, exits) are resolved by conf-check.c once everything is read;
 * application names by the policy, against nDPI.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "conf-parse.h"
#include "parse.h"

/* Rules ------------------------------------------------------------------ */

static const char *const severity_names[SEV_NLEVELS] = {
	"critical", "high", "medium", "low", "info"
};

const char *
conf_severity_name(enum severity s)
{
	return (unsigned)s < SEV_NLEVELS ? severity_names[s] : "?";
}

int
conf_severity_parse(const char *name)
{
	int	 i;

	for (i = 0; i < SEV_NLEVELS; i++)
		if (strcmp(name, severity_names[i]) == 0)
			return i;
	return -1;
}

static int
rule_severity(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;
	int			 i;

	if ((i = conf_severity_parse(argv[0])) >= 0) {
		r->severity = (enum severity)i;
		r->has_severity = 1;
		return 0;
	}
	conf_error(ps, "severity %s: one of critical, high, medium, low, info",
	    argv[0]);
	return -1;
}

static int
rule_msg_zh(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	return conf_set_text(ps, r->msg_zh, sizeof(r->msg_zh), argv[0]);
}

static int
rule_msg_en(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	return conf_set_text(ps, r->msg_en, sizeof(r->msg_en), argv[0]);
}

/* zones A B: names are checked once every zone is known. */
static int
rule_zones(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;
	int			 i;

	for (i = 0; i < 2; i++) {
		if (strcmp(argv[i], "any") != 0 &&
		    !conf_valid_name(ps, "zone", argv[i]))
			return -1;
		strcpy(r->zone_name[i], argv[i]);
	}
	r->has_zones = 1;
	return 0;
}

static int
rule_direction(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	if (strcmp(argv[0], "either") == 0)
		r->direction = RULE_EITHER;
	else if (strcmp(argv[0], "a-to-b") == 0)
		r->direction = RULE_A_TO_B;
	else {
		conf_error(ps, "direction %s: either, or a-to-b (the first "
		    "packet comes from the first zone)", argv[0]);
		return -1;
	}
	return 0;
}

static int
add_names(struct conf_parser *ps, struct conf_names *l, int argc,
    char **argv, const char *what)
{
	char	(*slot)[CONF_NAME_MAX];
	int	 i;

	if (argc == 0) {
		conf_error(ps, "%s needs at least one name", what);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) >= CONF_NAME_MAX) {
			conf_error(ps, "%s %s: name too long", what, argv[i]);
			return -1;
		}
		if ((slot = CONF_ADD(ps, *l, CONF_MAX_NAMES)) == NULL) {
			conf_error(ps, "too many %s names (at most %d)", what,
			    CONF_MAX_NAMES);
			return -1;
		}
		strcpy(*slot, argv[i]);
	}
	return 0;
}

static int
rule_app(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	r->apps_at = conf_here(ps);
	return add_names(ps, &r->apps, argc, argv, "app");
}

static int
rule_category(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	r->categories_at = conf_here(ps);
	return add_names(ps, &r->categories, argc, argv, "category");
}

static int
rule_site(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	if (!conf_valid_name(ps, "site", argv[0]))
		return -1;
	strcpy(r->site_name, argv[0]);
	return 0;
}

static int
rule_exit(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;

	if (!conf_valid_name(ps, "exit", argv[0]))
		return -1;
	strcpy(r->exit_name, argv[0]);
	return 0;
}

static int
rule_not_via_exit(struct conf_parser *ps, int argc, char **argv)
{
	((struct conf_rule *)ps->obj)->not_via_exit = 1;
	return 0;
}

static const char *const detect_names[DETECT_NKINDS] = {
	"none", "exits-per-district", "hidden-router"
};

const char *
conf_detect_name(enum rule_detect d)
{
	return (unsigned)d < DETECT_NKINDS ? detect_names[d] : "?";
}

/* Defaults of each detector: the limit and the window it remembers. */
static const struct {
	unsigned int	 limit;
	unsigned int	 window_s;
} detect_defaults[DETECT_NKINDS] = {
	[DETECT_EXITS]		= { 2, 86400 },	/* two exits per district */
	[DETECT_HIDDEN_ROUTER]	= { 1, 3600 },	/* one TTL signature */
};

static int
rule_detect(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;
	int			 i;

	for (i = DETECT_NONE + 1; i < DETECT_NKINDS; i++)
		if (strcmp(argv[0], detect_names[i]) == 0) {
			r->detect = (enum rule_detect)i;
			if (r->limit == 0)
				r->limit = detect_defaults[i].limit;
			if (r->window_s == 0)
				r->window_s = detect_defaults[i].window_s;
			return 0;
		}
	conf_error(ps, "detect %s: exits-per-district or hidden-router",
	    argv[0]);
	return -1;
}

static int
rule_limit(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;
	const char		*errstr;
	uint64_t		 v;

	if (parse_u64(argv[0], 1, 8, &v, &errstr) == -1) {
		conf_error(ps, "limit %s: a number from 1 to 8", argv[0]);
		return -1;
	}
	r->limit = (unsigned int)v;
	return 0;
}

static int
rule_window(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r = ps->obj;
	const char		*errstr;
	uint64_t		 v;

	if (parse_u64(argv[0], 60, 30 * 86400, &v, &errstr) == -1) {
		conf_error(ps, "window %s: seconds, from 60 to 2592000 "
		    "(30 days)", argv[0]);
		return -1;
	}
	r->window_s = (unsigned int)v;
	return 0;
}

static const struct conf_keyword rule_keywords[] = {
	{ "app",		-1, rule_app,		NULL },
	{ "category",		-1, rule_category,	NULL },
	{ "detect",		1, rule_detect,		NULL },
	{ "direction",		1, rule_direction,	NULL },
	{ "exit",		1, rule_exit,		NULL },
	{ "limit",		1, rule_limit,		NULL },
	{ "msg-en",		1, rule_msg_en,		NULL },
	{ "msg-zh",		1, rule_msg_zh,		NULL },
	{ "not-via-exit",	0, rule_not_via_exit,	NULL },
	{ "severity",		1, rule_severity,	NULL },
	{ "site",		1, rule_site,		NULL },
	{ "window",		1, rule_window,		NULL },
	{ "zones",		2, rule_zones,		NULL },
	{ NULL,			0, NULL,		NULL }
};

const struct conf_block conf_rule_block = { "rule", rule_keywords };

int
conf_rules_rule(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_rule	*r;
	const char		*errstr;
	uint64_t		 id;
	size_t			 i;

	if (parse_u64(argv[0], 1, UINT32_MAX, &id, &errstr) == -1) {
		conf_error(ps, "rule %s: the id is a number", argv[0]);
		return -1;
	}
	for (i = 0; i < ps->conf->rules.n; i++)
		if (ps->conf->rules.v[i].id == id) {
			conf_error(ps, "rule %s declared twice (first at %s:%d)",
			    argv[0], ps->conf->rules.v[i].at.file,
			    ps->conf->rules.v[i].at.line);
			return -1;
		}
	if ((r = CONF_ADD(ps, ps->conf->rules, CONF_MAX_RULES)) == NULL) {
		conf_error(ps, "too many rules (at most %d)", CONF_MAX_RULES);
		return -1;
	}
	r->id = (uint32_t)id;
	r->zone[0] = r->zone[1] = r->site = r->exit = RULE_ANY;
	r->at = conf_here(ps);
	ps->obj = r;
	return 0;
}

/* A rules file holds rules only. */
static const struct conf_keyword rules_top_keywords[] = {
	{ "rule",		1, conf_rules_rule,	&conf_rule_block },
	{ NULL,			0, NULL,		NULL }
};

int
conf_rules_file(struct conf_parser *ps, int argc, char **argv)
{
	const struct conf_keyword	*saved = ps->top;
	char				 path[PATH_MAX];
	int				 rv;

	if (conf_include_path(ps, argv[0], path, sizeof(path)) == -1) {
		conf_error(ps, "rules %s: path too long", argv[0]);
		return -1;
	}
	ps->top = rules_top_keywords;
	ps->settings = 0;
	rv = conf_parse_file(ps, path);
	ps->top = saved;
	ps->settings = 1;
	return rv;
}

