/*
 * zwctl trends: what the network admins ask of a port or a site over a
 * range: mean, peak and 95th percentile of the 5-minute averages, in
 * and out, and each against the capacity (the site's contract, or the
 * port's speed).
 *
 * A site's figures come from its uplink ports (the switches' counters)
 * when it has any, else from the capture (site/NAME.rrd: the traffic of
 * its area seen on the monitored link); --source chooses.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "rrd-out.h"
#include "rrd-query.h"
#include "zwctl.h"

enum { O_SINCE = 256, O_UNTIL, O_RRD_DIR, O_FORMAT, O_SOURCE };

static const struct option opts[] = {
	{ "since",	required_argument, NULL, O_SINCE },
	{ "until",	required_argument, NULL, O_UNTIL },
	{ "rrd-dir",	required_argument, NULL, O_RRD_DIR },
	{ "format",	required_argument, NULL, O_FORMAT },
	{ "source",	required_argument, NULL, O_SOURCE },
	{ NULL,		0,		   NULL, 0 }
};

static double
pct(double v, double cap)
{
	return cap > 0 && !isnan(v) ? v / cap * 100 : NAN;
}

enum source { SRC_AUTO, SRC_SNMP, SRC_CAPTURE };

static const char *const source_names[] = { "auto", "snmp", "capture" };

/* A figure, or what says there is none (no averages known in the range). */
static void
figure(double v, int width, int prec, int json)
{
	if (json && isnan(v))
		printf("null");
	else if (json)
		printf("%.3f", v);
	else if (isnan(v))
		printf("%*s", width, "-");
	else
		printf("%*.*f", width, prec, v);
}

static void
show(const char *what, enum source src, const struct rrd_query *q,
    double cap, int json)
{
	static const char *const dir[2] = { "in", "out" };
	static const char *const names[6] = { "mean_bps", "peak_bps",
	    "p95_bps", "mean_pct", "peak_pct", "p95_pct" };
	double	 v[6];
	int	 d, i;

	if (json)
		printf("{\"what\":\"%s\",\"source\":\"%s\",\"start\":%lld,"
		    "\"end\":%lld,\"samples\":%u,\"capacity_bps\":%.0f", what,
		    source_names[src], (long long)q->start, (long long)q->end,
		    q->samples, isnan(cap) ? 0 : cap);
	else {
		printf("%s (%s): %u five-minute averages, capacity %.0f "
		    "Mbit/s\n", what, source_names[src], q->samples,
		    isnan(cap) ? 0 : cap / 1e6);
		printf("       %12s %12s %12s   %8s %8s %8s\n", "mean Mb/s",
		    "peak Mb/s", "95th Mb/s", "mean %", "peak %", "95th %");
	}
	for (d = 0; d < 2; d++) {
		v[0] = q->mean[d];
		v[1] = q->peak[d];
		v[2] = q->p95[d];
		for (i = 0; i < 3; i++)
			v[i + 3] = pct(v[i], cap);
		if (json)
			printf(",\"%s\":{", dir[d]);
		else
			printf("  %-4s", dir[d]);
		for (i = 0; i < 6; i++) {
			if (json)
				printf("%s\"%s\":", i ? "," : "", names[i]);
			else
				printf(i == 3 ? "   " : " ");
			figure(i < 3 && !json ? v[i] / 1e6 : v[i], i < 3 ? 12 :
			    8, i < 3 ? 2 : 1, json);
		}
		printf(json ? "}" : "\n");
	}
	if (json)
		printf("}\n");
}

int
zwctl_trends(struct zwctl *ctx, int argc, char **argv)
{
	struct rrd_query	 q;
	struct conf		*c;
	const struct conf_site	*site = NULL;
	const char		*dir = NULL, *files[CONF_MAX_UPLINKS];
	char			 paths[CONF_MAX_UPLINKS][PATH_MAX], safe[256];
	char			 what[256], err[512];
	time_t			 until = time(NULL), since = until - 86400;
	int64_t			 us;
	double			 cap;
	size_t			 n = 0;
	enum source		 src = SRC_AUTO;
	int			 ch, json = 0, i, s;

	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_SINCE:
		case O_UNTIL:
			if (zwctl_parse_time(optarg, &us) == -1)
				return zwctl_bad(ch == O_SINCE ? "--since" :
				    "--until", optarg, "a date such as 2026-11-22 "
				    "or \"2026-11-22 08:30\"");
			if (ch == O_SINCE)
				since = (time_t)(us / 1000000);
			else
				until = (time_t)(us / 1000000);
			break;
		case O_RRD_DIR:
			dir = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "table") != 0)
				return zwctl_bad("--format", optarg,
				    "table or json");
			json = strcmp(optarg, "json") == 0;
			break;
		case O_SOURCE:
			for (i = 0; i < 3; i++)
				if (strcmp(optarg, source_names[i]) == 0)
					src = (enum source)i;
			if (strcmp(optarg, source_names[src]) != 0)
				return zwctl_bad("--source", optarg,
				    "snmp or capture");
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	/* argv[0] is "site" or "port", then its names. */
	if (since >= until) {
		log_warnx("--since must come before --until");
		return ZWCTL_USAGE;
	}
	if (argc < 1 || !((argc - optind == 1 && strcmp(argv[0], "site") == 0) ||
	    (argc - optind == 2 && strcmp(argv[0], "port") == 0))) {
		fprintf(stderr, "usage: zwctl trends site NAME | port DEVICE "
		    "PORT [--since date] [--until date]\n"
		    "           [--rrd-dir dir] [--format table|json] "
		    "[--source snmp|capture]\n");
		return ZWCTL_USAGE;
	}
	c = zwctl_conf(ctx, strcmp(argv[0], "site") == 0 || dir == NULL);
	if (dir == NULL && c == NULL)
		return ZWCTL_FAILED;
	if (dir == NULL)
		dir = c->rrd_dir;
	if (strcmp(argv[0], "port") == 0) {
		rrd_out_safe_name(argv[optind + 1], safe, sizeof(safe));
		if (snprintf(paths[0], sizeof(paths[0]), "%s/if/%s/%s.rrd",
		    dir, argv[optind], safe) >= (int)sizeof(paths[0]))
			return zwctl_bad("port", argv[optind + 1],
			    "the path of its RRD is too long");
		files[n++] = paths[0];
		snprintf(what, sizeof(what), "%s %s", argv[optind],
		    argv[optind + 1]);
		src = SRC_SNMP;
	} else {
		if ((s = conf_site_index(c, argv[optind])) < 0) {
			log_warnx("no site %s", argv[optind]);
			return ZWCTL_NOTFOUND;
		}
		site = &c->sites.v[s];
		if (src == SRC_AUTO)
			src = site->nuplinks > 0 ? SRC_SNMP : SRC_CAPTURE;
		if (src == SRC_SNMP && site->nuplinks == 0) {
			log_warnx("site %s has no uplink ports", argv[optind]);
			return ZWCTL_NOTFOUND;
		}
		if (src == SRC_CAPTURE && snprintf(paths[n++], sizeof(paths[0]),
		    "%s/site/%s.rrd", dir, site->name) >= (int)sizeof(paths[0]))
			return ZWCTL_FAILED;
		files[0] = paths[0];
		for (i = 0; src == SRC_SNMP && i < site->nuplinks; i++) {
			rrd_out_safe_name(site->uplinks[i].port, safe,
			    sizeof(safe));
			if (snprintf(paths[n], sizeof(paths[n]),
			    "%s/if/%s/%s.rrd", dir, site->uplinks[i].device_name,
			    safe) >= (int)sizeof(paths[n]))
				return ZWCTL_FAILED;
			files[n] = paths[n];
			n++;
		}
		snprintf(what, sizeof(what), "site %s", argv[optind]);
	}
	if (rrd_query_files(files, n, since, until, &q, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		return ZWCTL_FAILED;
	}
	cap = site != NULL && site->bandwidth_bps ?
	    (double)site->bandwidth_bps : q.speed;
	show(what, src, &q, cap, json);
	return 0;
}
