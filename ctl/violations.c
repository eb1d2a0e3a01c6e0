/*
 * zwctl violations: what the security officer does from a shell.  List
 * and export with filters, show one record with its review history,
 * review it (acknowledge, resolve, false positive), save its evidence as
 * a pcap, and purge what retention has expired.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "audit.h"
#include "clock.h"
#include "conf.h"
#include "escape.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "zwctl.h"

#define DAY_US		(86400LL * 1000000)

static int
severity_parse(const char *name)
{
	int	 i;

	for (i = 0; i < SEV_NLEVELS; i++)
		if (strcmp(name, conf_severity_name((enum severity)i)) == 0)
			return i;
	return -1;
}

/* Output formats ----------------------------------------------------------- */

struct field {
	const char	*name;
	char		 value[STORE_TEXT_MAX * 2];
	int		 number;
};

#define NFIELDS		32

static int
fields_of(const struct store_violation *v, struct field *f)
{
	int	 n = 0;

#define TEXT(nm, val)	do { f[n].name = nm; f[n].number = 0;		\
	snprintf(f[n].value, sizeof(f[n].value), "%s", val); n++; } while (0)
#define NUM(nm, val)	do { f[n].name = nm; f[n].number = 1;		\
	snprintf(f[n].value, sizeof(f[n].value), "%lld", (long long)(val)); \
	n++; } while (0)
#define TIME(nm, val)	do { f[n].name = nm; f[n].number = 0;		\
	zwctl_fmt_time(val, f[n].value, sizeof(f[n].value), 1); n++; } while (0)
	NUM("id", v->id);
	NUM("rule", v->rule);
	TEXT("severity", conf_severity_name((enum severity)v->severity));
	TEXT("state", store_state_name(v->state));
	TIME("first_seen", v->first_us);
	TIME("last_seen", v->last_us);
	NUM("flows", v->flows);
	NUM("packets", v->packets);
	NUM("bytes", v->bytes);
	TEXT("l4proto", v->l4proto);
	TEXT("src_ip", v->src_ip);
	NUM("src_port", v->src_port);
	TEXT("dst_ip", v->dst_ip);
	NUM("dst_port", v->dst_port);
	NUM("vlan", v->vlan);
	TEXT("src_zone", v->src_zone);
	TEXT("dst_zone", v->dst_zone);
	TEXT("src_site", v->src_site);
	TEXT("dst_site", v->dst_site);
	TEXT("exit", v->exit);
	TEXT("app", v->app);
	TEXT("category", v->category);
	TEXT("hostname", v->hostname);
	TEXT("detail", v->detail);
	TEXT("msg_zh", v->msg_zh);
	TEXT("msg_en", v->msg_en);
	NUM("evidence", v->nevidence);
	TEXT("reviewed_by", v->reviewed_by);
	TIME("reviewed_at", v->reviewed_us);
	TEXT("comment", v->comment);
	TIME("created", v->created_us);
	TIME("updated", v->updated_us);
#undef TEXT
#undef NUM
#undef TIME
	return n;
}

struct printer {
	FILE	*fp;
	int	 rows;
	void	(*row)(struct printer *, const struct store_violation *);
	void	(*head)(struct printer *);
};

static void
row_json(struct printer *p, const struct store_violation *v)
{
	static struct field	 f[NFIELDS];
	char			 esc[sizeof(f[0].value) * 6];
	int			 i, n = fields_of(v, f);

	for (i = 0; i < n; i++) {
		if (f[i].number)
			fprintf(p->fp, "%s\"%s\":%s", i ? "," : "{", f[i].name,
			    f[i].value);
		else {
			escape_json(esc, sizeof(esc), f[i].value);
			fprintf(p->fp, "%s\"%s\":\"%s\"", i ? "," : "{",
			    f[i].name, esc);
		}
	}
	fputs("}\n", p->fp);
}

/* UTF-8 with a BOM: Excel and WPS then read the Chinese text right. */
static void
head_csv(struct printer *p)
{
	static struct field		 f[NFIELDS];
	static const struct store_violation none;
	int				 i, n = fields_of(&none, f);

	fputs("\xef\xbb\xbf", p->fp);
	for (i = 0; i < n; i++)
		fprintf(p->fp, "%s%s", i ? "," : "", f[i].name);
	fputs("\r\n", p->fp);
}

static void
row_csv(struct printer *p, const struct store_violation *v)
{
	static struct field	 f[NFIELDS];
	char			 esc[sizeof(f[0].value) * 2 + 4];
	int			 i, n = fields_of(v, f);

	for (i = 0; i < n; i++) {
		escape_csv(esc, sizeof(esc), f[i].value);
		fprintf(p->fp, "%s%s", i ? "," : "", esc);
	}
	fputs("\r\n", p->fp);
}

static void
head_table(struct printer *p)
{
	fprintf(p->fp, "%-6s %-19s %-8s %-5s %-14s %-40s %-16s %-6s %s\n",
	    "ID", "LAST SEEN", "SEVERITY", "RULE", "STATE", "FROM -> TO", "APP",
	    "FLOWS", "SITES");
}

static void
row_table(struct printer *p, const struct store_violation *v)
{
	char	 t[32], ends[128];

	snprintf(ends, sizeof(ends), "%s -> %s:%u", v->src_ip, v->dst_ip,
	    v->dst_port);
	fprintf(p->fp, "%-6lld %-19s %-8s %-5u %-14s %-40s %-16s %-6lld "
	    "%s -> %s\n",
	    (long long)v->id, zwctl_fmt_time(v->last_us, t, sizeof(t), 0),
	    conf_severity_name((enum severity)v->severity), v->rule,
	    store_state_name(v->state), ends,
	    /* Opened before nDPI had named the flow (JSON and CSV keep ""). */
	    v->app[0] != '\0' ? v->app : "(not named)", (long long)v->flows,
	    v->src_site[0] != '\0' ? v->src_site : "-",
	    v->dst_site[0] != '\0' ? v->dst_site : "-");
}

static const struct {
	const char	*name;
	void		(*head)(struct printer *);
	void		(*row)(struct printer *, const struct store_violation *);
} formats[] = {
	{ "table",	head_table,	row_table },
	{ "json",	NULL,		row_json },
	{ "csv",	head_csv,	row_csv },
};

static int
printer_init(struct printer *p, const char *format, FILE *fp)
{
	size_t	 i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i].name) == 0) {
			p->fp = fp;
			p->rows = 0;
			p->head = formats[i].head;
			p->row = formats[i].row;
			return 0;
		}
	log_warnx("format %s: table, json or csv", format);
	return -1;
}

static int
print_row(void *arg, const struct store_violation *v)
{
	struct printer	*p = arg;

	p->row(p, v);
	p->rows++;
	return 0;
}

/* Subcommands ---------------------------------------------------------- */

enum {
	O_SINCE = 256, O_UNTIL, O_RULE, O_SEVERITY, O_STATE, O_SITE, O_ZONE,
	O_APP, O_IP, O_LIMIT, O_FORMAT, O_BY, O_COMMENT, O_OUTPUT, O_DAYS,
	O_INDEX
};

static const struct option list_opts[] = {
	{ "since",	required_argument, NULL, O_SINCE },
	{ "until",	required_argument, NULL, O_UNTIL },
	{ "rule",	required_argument, NULL, O_RULE },
	{ "severity",	required_argument, NULL, O_SEVERITY },
	{ "state",	required_argument, NULL, O_STATE },
	{ "site",	required_argument, NULL, O_SITE },
	{ "zone",	required_argument, NULL, O_ZONE },
	{ "app",	required_argument, NULL, O_APP },
	{ "ip",		required_argument, NULL, O_IP },
	{ "limit",	required_argument, NULL, O_LIMIT },
	{ "format",	required_argument, NULL, O_FORMAT },
	{ "output",	required_argument, NULL, O_OUTPUT },
	{ NULL,		0,		   NULL, 0 }
};

static int
cmd_list(struct zwctl *ctx, int argc, char **argv, const char *format)
{
	struct store_filter	 f;
	struct printer		 p;
	struct store		*s;
	const struct conf	*c;
	const char		*errstr, *output = NULL;
	struct afile		*af;
	uint64_t		 n;
	int			 ch, rc, k;

	store_filter_init(&f);
	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", list_opts, NULL)) != -1) {
		switch (ch) {
		case O_SINCE:
			if (zwctl_parse_time(optarg, &f.since_us) == -1)
				return zwctl_bad("--since", optarg, "a date such as "
				    "2026-11-22 or \"2026-11-22 08:30\"");
			break;
		case O_UNTIL:
			if (zwctl_parse_until(optarg, &f.until_us) == -1)
				return zwctl_bad("--until", optarg, "a date such as "
				    "2026-11-22 or \"2026-11-22 08:30\"");
			break;
		case O_RULE:
			if (parse_u64(optarg, 1, UINT32_MAX, &n, &errstr) == -1)
				return zwctl_bad("--rule", optarg, errstr);
			f.rule = (uint32_t)n;
			break;
		case O_SEVERITY:
			if ((f.max_severity = severity_parse(optarg)) < 0)
				return zwctl_bad("--severity", optarg, "critical, "
				    "high, medium, low or info (and worse)");
			break;
		case O_STATE:
			if ((f.state = store_state_parse(optarg)) < 0)
				return zwctl_bad("--state", optarg, "new, "
				    "acknowledged, resolved or false-positive");
			break;
		case O_SITE:
			/* Named as the web UI takes it: id, 中文 or English. */
			if ((c = zwctl_conf(ctx, 0)) != NULL) {
				if ((k = conf_site_named(c, optarg)) < 0)
					return zwctl_bad("--site", optarg,
					    "no such site (its id, or its name "
					    "in Chinese or English)");
				f.site = c->sites.v[k].name;
			} else
				f.site = optarg;
			break;
		case O_ZONE:
			f.zone = optarg;
			break;
		case O_APP:
			f.app = optarg;
			break;
		case O_IP:
			f.ip = optarg;
			break;
		case O_LIMIT:
			if (parse_u64(optarg, 1, INT64_MAX, &n, &errstr) == -1)
				return zwctl_bad("--limit", optarg, errstr);
			f.limit = (int64_t)n;
			break;
		case O_FORMAT:
			format = optarg;
			break;
		case O_OUTPUT:
			output = optarg;
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	if (optind != argc)
		return zwctl_bad(argv[0], argv[optind], "unexpected argument");
	if (printer_init(&p, format, stdout) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	/* An export is whole or not at all (afile: beside, then renamed). */
	if ((af = afile_open(output != NULL ? output : "-")) == NULL) {
		log_warn("%s", output);
		store_close(s);
		return ZWCTL_FAILED;
	}
	p.fp = afile_fp(af);
	if (p.head)
		p.head(&p);
	rc = store_violations(s, &f, print_row, &p);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	store_close(s);
	if (rc != 0)
		afile_abort(af);
	else if (afile_commit(af) == -1) {
		log_warn("%s", output ? output : "stdout");
		rc = -1;
	} else if (output != NULL)
		fprintf(stderr, "%d records written to %s\n", p.rows, output);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
sub_list(struct zwctl *ctx, int argc, char **argv)
{
	return cmd_list(ctx, argc, argv, "table");
}

static int
sub_export(struct zwctl *ctx, int argc, char **argv)
{
	return cmd_list(ctx, argc, argv, "csv");
}

static int
parse_id(const char *arg, int64_t *id)
{
	const char	*errstr;
	uint64_t	 v;

	if (parse_u64(arg, 1, INT64_MAX, &v, &errstr) == -1) {
		log_warnx("%s: a record id is a number", arg);
		return -1;
	}
	*id = (int64_t)v;
	return 0;
}

static int
sub_show(struct zwctl *ctx, int argc, char **argv)
{
	struct store_violation	 v;
	struct field		 f[NFIELDS];
	struct store		*s;
	int64_t			 id;
	int			 i, n, rc;

	if (argc != 2 || parse_id(argv[1], &id) == -1) {
		fprintf(stderr, "usage: zwctl violations show id\n");
		return ZWCTL_USAGE;
	}
	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	rc = store_violation_get(s, id, &v);
	if (rc == STORE_NOTFOUND) {
		log_warnx("no violation %lld", (long long)id);
		store_close(s);
		return ZWCTL_NOTFOUND;
	}
	if (rc != 0) {
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
		store_close(s);
		return ZWCTL_FAILED;
	}
	n = fields_of(&v, f);
	for (i = 0; i < n; i++)
		printf("%-12s %s\n", f[i].name, f[i].value);
	store_close(s);
	return 0;
}

static int
sub_review(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_review(ctx, STORE_REVIEW_VIOLATION, argc, argv);
}

struct pick {
	int64_t		 want;		/* 1-based */
	int64_t		 seen;
	FILE		*fp;
	int		 written;
};

static int
write_evidence(void *arg, const struct store_evidence *e)
{
	struct pick	*p = arg;

	if (++p->seen != p->want)
		return 0;
	p->written = fwrite(e->pcap, 1, e->len, p->fp) == e->len ? 1 : -1;
	return 1;
}

static const struct option evidence_opts[] = {
	{ "output",	required_argument, NULL, O_OUTPUT },
	{ "index",	required_argument, NULL, O_INDEX },
	{ NULL,		0,		   NULL, 0 }
};

static int
sub_evidence(struct zwctl *ctx, int argc, char **argv)
{
	struct pick	 p = { 1, 0, NULL, 0 };
	struct store	*s;
	const char	*output = NULL, *errstr;
	struct afile	*af;
	uint64_t	 n;
	int64_t		 id;
	int		 ch, rc;

	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "o:", evidence_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
		case O_OUTPUT:
			output = optarg;
			break;
		case O_INDEX:
			if (parse_u64(optarg, 1, INT64_MAX, &n, &errstr) == -1)
				return zwctl_bad("--index", optarg, errstr);
			p.want = (int64_t)n;
			break;
		default:
			return ZWCTL_USAGE;
		}
	}
	if (argc - optind != 1 || output == NULL) {
		fprintf(stderr, "usage: zwctl violations evidence id -o "
		    "file.pcap [--index n]\n");
		return ZWCTL_USAGE;
	}
	if (parse_id(argv[optind], &id) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_store(ctx, STORE_READONLY)) == NULL)
		return ZWCTL_FAILED;
	/* Never half a pcap under its name (afile: beside, then renamed). */
	if ((af = afile_open(output)) == NULL) {
		log_warn("%s", output);
		store_close(s);
		return ZWCTL_FAILED;
	}
	p.fp = afile_fp(af);
	rc = store_evidence(s, id, write_evidence, &p);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	store_close(s);
	if (rc == 0 && p.written == 1) {
		if (afile_commit(af) == 0)
			return 0;
		p.written = -1;
	} else
		afile_abort(af);
	if (rc == 0 && p.written == 0) {
		log_warnx("violation %lld has no evidence %lld", (long long)id,
		    (long long)p.want);
		return ZWCTL_NOTFOUND;
	}
	if (p.written == -1)
		log_warn("%s", output);
	return ZWCTL_FAILED;
}

static const struct option purge_opts[] = {
	{ "days",	required_argument, NULL, O_DAYS },
	{ NULL,		0,		   NULL, 0 }
};

/* What the collector's hourly job does, on demand. */
static int
sub_purge(struct zwctl *ctx, int argc, char **argv)
{
	struct store	*s;
	struct conf	*c;
	const char	*errstr;
	uint64_t	 days = RETENTION_MIN_DAYS;
	int64_t		 removed;
	int		 ch, rc, given = 0;

	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", purge_opts, NULL)) != -1) {
		if (ch != O_DAYS)
			return ZWCTL_USAGE;
		if (parse_u64(optarg, RETENTION_MIN_DAYS, 36500, &days,
		    &errstr) == -1)
			return zwctl_bad("--days", optarg, "at least 180 (six "
			    "months, Cybersecurity Law art. 21)");
		given = 1;
	}
	if (optind != argc)
		return ZWCTL_USAGE;
	if (!given && (c = zwctl_conf(ctx, 0)) != NULL)
		days = c->retention_days;
	if ((s = zwctl_store(ctx, 0)) == NULL)
		return ZWCTL_FAILED;
	rc = store_purge(s, clock_wall_us() - (int64_t)days * DAY_US, &removed);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	else
		printf("%lld records older than %llu days purged\n",
		    (long long)removed, (unsigned long long)days);
	zwctl_record(ctx, NULL, "secadmin", "violations-purge", "violations",
	    rc == 0, "%lld records older than %llu days", (long long)removed,
	    (unsigned long long)days);
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static const struct zwctl_command subcommands[] = {
	{ "list",	sub_list,	"[filters] [--format table|json|csv]" },
	{ "export",	sub_export,	"[filters] [--format csv|json] "
					"[--output file]" },
	{ "show",	sub_show,	"id" },
	{ "review",	sub_review,	"id state --by name [--comment text]" },
	{ "evidence",	sub_evidence,	"id -o file.pcap [--index n]" },
	{ "purge",	sub_purge,	"[--days n]" },
	{ NULL,		NULL,		NULL }
};

int
zwctl_violations(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_subcommand(ctx, subcommands, "violations",
	    "filters: --since date --until date --rule id --severity level\n"
	    "  --state state --site name --zone name --app name --ip address "
	    "--limit n\n", argc, argv);
}
