/*
 * zwctl exceptions: what the security administrator allows (a host, and
 * the rule, application and peer it names, until a date, for a reason),
 * listed, made from a record (a false positive that is to stay quiet),
 * and revoked.  Each change goes to the audit trail; the collector
 * applies it within seconds, without a restart.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "zwctl.h"

enum {
	O_RULE = 256, O_APP, O_PEER, O_UNTIL, O_REASON, O_FROM, O_BY, O_ALL,
	O_ANY_PEER, O_ANY_APP
};

static const struct option add_opts[] = {
	{ "rule",	required_argument, NULL, O_RULE },
	{ "app",	required_argument, NULL, O_APP },
	{ "peer",	required_argument, NULL, O_PEER },
	{ "until",	required_argument, NULL, O_UNTIL },
	{ "reason",	required_argument, NULL, O_REASON },
	{ "from",	required_argument, NULL, O_FROM },
	{ "any-peer",	no_argument,	   NULL, O_ANY_PEER },
	{ "any-app",	no_argument,	   NULL, O_ANY_APP },
	{ "by",		required_argument, NULL, O_BY },
	{ NULL,		0,		   NULL, 0 }
};

static int
put(char *dst, size_t len, const char *src)
{
	return (size_t)snprintf(dst, len, "%s", src) < len ? 0 : -1;
}

/* The record's host, rule, application and peer, as a start. */
static int
from_record(struct zwctl *ctx, int64_t id, struct store_exception *x)
{
	struct store_violation	 v;
	struct store		*s;
	int			 rc;

	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	rc = store_violation_get(s, id, &v);
	store_close(s);
	if (rc == STORE_NOTFOUND) {
		log_warnx("no violation %lld", (long long)id);
		return ZWCTL_NOTFOUND;
	}
	if (rc != 0)
		return ZWCTL_FAILED;
	put(x->host, sizeof(x->host), v.src_ip);
	x->rule = v.rule;
	put(x->app, sizeof(x->app), v.app);
	put(x->peer, sizeof(x->peer), v.dst_ip);
	x->violation = id;
	return 0;
}

static int
sub_add(struct zwctl *ctx, int argc, char **argv)
{
	struct store_exception	 x;
	struct store		*s;
	const char		*by = NULL, *errstr;
	char			 object[64];
	uint64_t		 n;
	int64_t			 from = 0;
	int			 ch, rc, any_peer = 0, any_app = 0, rule_set = 0;
	struct store_exception	 given;

	memset(&x, 0, sizeof(x));
	memset(&given, 0, sizeof(given));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", add_opts, NULL)) != -1) {
		switch (ch) {
		case O_RULE:
			if (parse_u64(optarg, 1, UINT32_MAX, &n, &errstr) == -1)
				return zwctl_bad("--rule", optarg, errstr);
			given.rule = (uint32_t)n;
			rule_set = 1;
			break;
		case O_APP:
			if (put(given.app, sizeof(given.app), optarg) == -1)
				return zwctl_bad("--app", optarg, "too long");
			break;
		case O_PEER:
			if (store_exception_host(optarg, given.peer,
			    sizeof(given.peer)) == -1)
				return zwctl_bad("--peer", optarg,
				    "an IPv4 or IPv6 address");
			break;
		case O_UNTIL:
			if (zwctl_parse_until(optarg, &given.until_us) == -1)
				return zwctl_bad("--until", optarg, "a date such "
				    "as 2026-12-31 (all of that day)");
			break;
		case O_REASON:
			if (put(given.reason, sizeof(given.reason), optarg) ==
			    -1)
				return zwctl_bad("--reason", optarg, "too long");
			break;
		case O_FROM:
			if (parse_u64(optarg, 1, INT64_MAX, &n, &errstr) == -1)
				return zwctl_bad("--from", optarg,
				    "a violation id is a number");
			from = (int64_t)n;
			break;
		case O_ANY_PEER:
			any_peer = 1;
			break;
		case O_ANY_APP:
			any_app = 1;
			break;
		case O_BY:
			by = optarg;
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	if (argc - optind > 1 || (argc - optind == 0) == (from == 0) ||
	    given.until_us == 0 || given.reason[0] == '\0') {
		fprintf(stderr, "usage: zwctl exceptions add host|--from id "
		    "--until date --reason text\n"
		    "  [--rule id] [--app name] [--peer address] [--any-peer] "
		    "[--any-app] [--by name]\n");
		return ZWCTL_USAGE;
	}
	if (from != 0 && (rc = from_record(ctx, from, &x)) != 0)
		return rc;
	if (argc - optind == 1 && store_exception_host(argv[optind], x.host,
	    sizeof(x.host)) == -1)
		return zwctl_bad("host", argv[optind], "an IPv4 or IPv6 address");
	if (rule_set)
		x.rule = given.rule;
	if (given.app[0] != '\0')
		memcpy(x.app, given.app, sizeof(x.app));
	if (given.peer[0] != '\0')
		memcpy(x.peer, given.peer, sizeof(x.peer));
	if (any_app)
		x.app[0] = '\0';
	if (any_peer)
		x.peer[0] = '\0';
	x.until_us = given.until_us;
	memcpy(x.reason, given.reason, sizeof(x.reason));
	put(x.made_by, sizeof(x.made_by), zwctl_actor(by));
	x.made_us = clock_wall_us();
	if (x.until_us <= x.made_us)
		return zwctl_bad("--until", "", "a date still to come");
	if ((s = zwctl_store(ctx, 0)) == NULL)
		return ZWCTL_FAILED;
	rc = store_exception_add(s, &x);
	snprintf(object, sizeof(object), "exception %lld", (long long)x.id);
	zwctl_record(ctx, by, "secadmin", "exception-add", object, rc == 0,
	    "host %s rule %u app %s peer %s until %lld from %lld: %s", x.host,
	    x.rule, x.app[0] ? x.app : "*", x.peer[0] ? x.peer : "*",
	    (long long)(x.until_us / 1000000), (long long)x.violation,
	    x.reason);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	else
		printf("%s\n", object);
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
print_one(void *arg, const struct store_exception *x)
{
	char	 until[32], made[32], rule[16] = "*";

	(void)arg;
	if (x->rule != 0)
		snprintf(rule, sizeof(rule), "%u", x->rule);
	printf("%-5lld %-15s %-5s %-12s %-15s %-16s %-8s %6lld %-16s %s%s%s\n",
	    (long long)x->id, x->host, rule,
	    x->app[0] ? x->app : "*", x->peer[0] ? x->peer : "*",
	    zwctl_fmt_time(x->until_us, until, sizeof(until), 0),
	    x->revoked_us ? "revoked" : x->until_us <= clock_wall_us() ?
	    "expired" : "active", (long long)x->hits,
	    zwctl_fmt_time(x->made_us, made, sizeof(made), 0), x->made_by,
	    ": ", x->reason);
	return 0;
}

static int
sub_list(struct zwctl *ctx, int argc, char **argv)
{
	struct store	*s;
	int		 rc, all = argc == 2 && strcmp(argv[1], "--all") == 0;

	if (argc > 2 || (argc == 2 && !all)) {
		fprintf(stderr, "usage: zwctl exceptions list [--all]\n");
		return ZWCTL_USAGE;
	}
	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	printf("%-5s %-15s %-5s %-12s %-15s %-16s %-8s %6s %-16s %s\n", "ID",
	    "HOST", "RULE", "APP", "PEER", "UNTIL", "STATE", "HITS", "MADE",
	    "BY: REASON");
	rc = store_exceptions(s, !all, clock_wall_us(), print_one, NULL);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
sub_revoke(struct zwctl *ctx, int argc, char **argv)
{
	struct store	*s;
	const char	*by = NULL, *errstr;
	char		 object[64];
	uint64_t	 id;
	int		 rc;

	if (argc == 4 && strcmp(argv[2], "--by") == 0)
		by = argv[3];
	if ((argc != 2 && by == NULL) ||
	    parse_u64(argv[1], 1, INT64_MAX, &id, &errstr) == -1) {
		fprintf(stderr, "usage: zwctl exceptions revoke id [--by name]\n");
		return ZWCTL_USAGE;
	}
	if ((s = zwctl_store(ctx, 0)) == NULL)
		return ZWCTL_FAILED;
	rc = store_exception_revoke(s, (int64_t)id, zwctl_actor(by),
	    clock_wall_us());
	snprintf(object, sizeof(object), "exception %llu",
	    (unsigned long long)id);
	zwctl_record(ctx, by, "secadmin", "exception-revoke", object, rc == 0,
	    "%s", rc == 0 ? "revoked" : rc == STORE_INVALID ?
	    "revoked already" : rc == STORE_NOTFOUND ? "no such" : "failed");
	switch (rc) {
	case 0:
		printf("%s: revoked\n", object);
		break;
	case STORE_NOTFOUND:
		log_warnx("no %s", object);
		break;
	case STORE_INVALID:
		log_warnx("%s is revoked already", object);
		break;
	default:
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	}
	store_close(s);
	return rc == 0 ? 0 : rc == STORE_NOTFOUND ? ZWCTL_NOTFOUND :
	    rc == STORE_INVALID ? ZWCTL_USAGE : ZWCTL_FAILED;
}

static const struct zwctl_command subcommands[] = {
	{ "add",	sub_add,	"host|--from id --until date --reason "
					"text [--rule id] [--app name] "
					"[--peer address]" },
	{ "list",	sub_list,	"[--all]: in force, or all" },
	{ "revoke",	sub_revoke,	"id [--by name]" },
	{ NULL,		NULL,		NULL }
};

int
zwctl_exceptions(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_subcommand(ctx, subcommands, "exceptions",
	    "an exception allows what a host began: the rule, application "
	    "and peer it names\n(any, where not named), until the end of a "
	    "day, for a reason; the collector\napplies it within seconds\n",
	    argc, argv);
}
