/*
 * zwctl events: what the poller saw happen to the network (devices
 * that stop answering, links going down or up, uplinks over their
 * share of the contract), listed and reviewed as violations are.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "conf.h"
#include "escape.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "zwctl.h"

struct listing {
	int	 json;
};

static int
print_event(void *arg, const struct store_event *e)
{
	struct listing	*l = arg;
	char		 t[32], esc[STORE_TEXT_MAX * 6];
	struct tm	 tm;
	time_t		 secs = (time_t)(e->at_us / 1000000);

	localtime_r(&secs, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	if (!l->json) {
		printf("%-6lld %-19s %-12s %-8s %-14s %-16s %-20s %s\n",
		    (long long)e->id, t, e->kind,
		    conf_severity_name((enum severity)e->severity),
		    store_state_name(e->state), e->device, e->port, e->detail);
		return 0;
	}
	printf("{\"id\":%lld,\"time\":\"%s\",\"at_us\":%lld", (long long)e->id,
	    t, (long long)e->at_us);
#define FIELD(k, v)	do { escape_json(esc, sizeof(esc), v);		\
	printf(",\"%s\":\"%s\"", k, esc); } while (0)
	FIELD("kind", e->kind);
	FIELD("severity", conf_severity_name((enum severity)e->severity));
	FIELD("state", store_state_name(e->state));
	FIELD("device", e->device);
	FIELD("port", e->port);
	FIELD("site", e->site);
	FIELD("detail", e->detail);
	FIELD("reviewed_by", e->reviewed_by);
	FIELD("comment", e->comment);
#undef FIELD
	printf("}\n");
	return 0;
}

enum { O_KIND = 256, O_DEVICE, O_SITE, O_LIMIT, O_FORMAT };

static const struct option opts[] = {
	{ "kind",	required_argument, NULL, O_KIND },
	{ "device",	required_argument, NULL, O_DEVICE },
	{ "site",	required_argument, NULL, O_SITE },
	{ "limit",	required_argument, NULL, O_LIMIT },
	{ "format",	required_argument, NULL, O_FORMAT },
	{ NULL,		0,		   NULL, 0 }
};

static int
usage(void)
{
	fprintf(stderr, "usage: zwctl events list [--kind k] [--device d] "
	    "[--site s] [--limit n] [--format table|json]\n"
	    "       zwctl events review id state --by name "
	    "[--comment text]\n");
	return ZWCTL_USAGE;
}

int
zwctl_events(struct zwctl *ctx, int argc, char **argv)
{
	struct listing	 l = { 0 };
	struct store	*s;
	const char	*kind = NULL, *device = NULL, *site = NULL, *errstr;
	uint64_t	 limit = 0;
	int		 ch, rc;

	if (argc >= 1 && strcmp(argv[0], "review") == 0)
		return zwctl_review(ctx, STORE_REVIEW_EVENT, argc, argv);
	if (argc < 1 || strcmp(argv[0], "list") != 0)
		return usage();
	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_KIND:
			kind = optarg;
			break;
		case O_DEVICE:
			device = optarg;
			break;
		case O_SITE:
			site = optarg;
			break;
		case O_LIMIT:
			if (parse_u64(optarg, 1, INT64_MAX, &limit, &errstr) == -1)
				return zwctl_bad("--limit", optarg,
				    "a number of records, 1 or more");
			break;
		case O_FORMAT:
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "table") != 0)
				return zwctl_bad("--format", optarg,
				    "table or json");
			l.json = strcmp(optarg, "json") == 0;
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	if (optind != argc)
		return usage();
	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	rc = store_events(s, 0, kind, device, site, (int64_t)limit,
	    print_event, &l);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}
