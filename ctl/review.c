/*
 * zwctl violations review and zwctl events review: one way to review a
 * record, by the rules of store_review() (a state it has not, a comment
 * for a resolution or a false positive), into the review history and the
 * audit trail.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "zwctl.h"

/* What each kind of record is called, and which role reviews it. */
static const struct {
	const char	*noun;		/* "violation" */
	const char	*command;	/* "violations" */
	const char	*id_is;		/* what a bad id is told */
	const char	*role;
	const char	*action;	/* in the audit trail */
} kinds[] = {
	[STORE_REVIEW_VIOLATION] = { "violation", "violations",
	    "a violation id is a number", "secadmin", "violation-review" },
	[STORE_REVIEW_EVENT] = { "event", "events", "an event id is a number",
	    "sysadmin", "event-review" },
};

enum { O_BY = 256, O_COMMENT };

static const struct option opts[] = {
	{ "by",		required_argument, NULL, O_BY },
	{ "comment",	required_argument, NULL, O_COMMENT },
	{ NULL,		0,		   NULL, 0 }
};

int
zwctl_review(struct zwctl *ctx, enum store_review kind, int argc, char **argv)
{
	struct store	*s, *admin;
	const char	*by = NULL, *comment = NULL, *errstr;
	char		 object[64];
	uint64_t	 id;
	int		 ch, state, rc;

	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_BY:
			by = optarg;
			break;
		case O_COMMENT:
			comment = *optarg != '\0' ? optarg : NULL;
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	if (argc - optind != 2 || by == NULL) {
		fprintf(stderr, "usage: zwctl %s review id "
		    "acknowledged|resolved|false-positive|new --by name "
		    "[--comment text]\n", kinds[kind].command);
		return ZWCTL_USAGE;
	}
	if (parse_u64(argv[optind], 1, INT64_MAX, &id, &errstr) == -1)
		return zwctl_bad(kinds[kind].noun, argv[optind],
		    kinds[kind].id_is);
	if ((state = store_state_parse(argv[optind + 1])) < 0)
		return zwctl_bad("state", argv[optind + 1], "new, acknowledged, "
		    "resolved or false-positive");
	if ((state == STORE_RESOLVED || state == STORE_FALSE_POSITIVE) &&
	    comment == NULL)
		return zwctl_bad("state", argv[optind + 1],
		    "say why, with --comment");
	if ((s = zwctl_store(ctx, 0)) == NULL)
		return ZWCTL_FAILED;
	if ((admin = zwctl_admin(ctx)) == NULL) {
		store_close(s);
		return ZWCTL_FAILED;
	}
	rc = store_review(s, admin, kind, (int64_t)id, (enum store_state)state,
	    by, comment, clock_wall_us());
	snprintf(object, sizeof(object), "%s %llu", kinds[kind].noun,
	    (unsigned long long)id);
	audit_log(admin, by, kinds[kind].role, "console", kinds[kind].action,
	    object, rc == 0 ? "ok" : "failed", "%s%s%s", argv[optind + 1],
	    comment ? ": " : "", comment ? comment : "");
	store_close(admin);
	switch (rc) {
	case 0:
		printf("%s: %s\n", object,
		    store_state_name((enum store_state)state));
		break;
	case STORE_NOTFOUND:
		log_warnx("no %s", object);
		break;
	case STORE_INVALID:
		log_warnx("%s is already %s", object, argv[optind + 1]);
		break;
	default:
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	}
	store_close(s);
	return rc == 0 ? 0 : rc == STORE_NOTFOUND ? ZWCTL_NOTFOUND :
	    rc == STORE_INVALID ? ZWCTL_USAGE : ZWCTL_FAILED;
}
