/*
 * zwctl audit: the audit trail for the audit administrator.  Listing
 * and exporting are themselves recorded (who read the trail is part of
 * it); verify walks the whole hash chain and names the first break.
 */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "audit.h"
#include "clock.h"
#include "escape.h"
#include "log.h"
#include "parse.h"
#include "users.h"
#include "zwctl.h"

#define DAY_US		(86400LL * 1000000)

enum { O_SINCE = 256, O_UNTIL, O_ACTOR, O_ACTION, O_OUTCOME, O_LIMIT,
	O_FORMAT, O_OUTPUT, O_DAYS, O_BY };

static const struct option opts[] = {
	{ "since",	required_argument, NULL, O_SINCE },
	{ "until",	required_argument, NULL, O_UNTIL },
	{ "actor",	required_argument, NULL, O_ACTOR },
	{ "action",	required_argument, NULL, O_ACTION },
	{ "outcome",	required_argument, NULL, O_OUTCOME },
	{ "limit",	required_argument, NULL, O_LIMIT },
	{ "format",	required_argument, NULL, O_FORMAT },
	{ "output",	required_argument, NULL, O_OUTPUT },
	{ "days",	required_argument, NULL, O_DAYS },
	{ "by",		required_argument, NULL, O_BY },
	{ NULL,		0,		   NULL, 0 }
};

struct args {
	struct audit_filter	 f;
	const char		*format;
	const char		*output;
	const char		*by;
	uint64_t		 days;
};

static int
parse_args(int argc, char **argv, struct args *a)
{
	const char	*errstr;
	uint64_t	 n;
	int		 ch;

	memset(a, 0, sizeof(*a));
	a->format = "table";
	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_SINCE:
			if (zwctl_parse_time(optarg, &a->f.since_us) == -1)
				goto bad;
			break;
		case O_UNTIL:
			if (zwctl_parse_until(optarg, &a->f.until_us) == -1)
				goto bad;
			break;
		case O_ACTOR:
			a->f.actor = optarg;
			break;
		case O_ACTION:
			a->f.action = optarg;
			break;
		case O_OUTCOME:
			a->f.outcome = optarg;
			break;
		case O_LIMIT:
			if (parse_u64(optarg, 1, INT64_MAX, &n, &errstr) == -1)
				goto bad;
			a->f.limit = (int64_t)n;
			break;
		case O_FORMAT:
			a->format = optarg;
			break;
		case O_OUTPUT:
			a->output = optarg;
			break;
		case O_DAYS:
			if (parse_u64(optarg, RETENTION_MIN_DAYS, 36500,
			    &a->days, &errstr) == -1) {
				log_warnx("--days %s: at least %d (six months, "
				    "Cybersecurity Law art. 21)", optarg,
				    RETENTION_MIN_DAYS);
				return -1;
			}
			break;
		case O_BY:
			a->by = optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		log_warnx("audit %s: unexpected argument %s", argv[0],
		    argv[optind]);
		return -1;
	}
	return 0;
bad:
	log_warnx("%s: not a date, number or name", optarg);
	return -1;
}

/* Output -------------------------------------------------------------- */

struct out {
	FILE		*fp;
	int		 format;	/* 0 table, 1 csv, 2 json */
	long		 rows;
};

static const char *const formats[] = { "table", "csv", "json" };

static int
print_record(void *arg, const struct audit_record *r)
{
	struct out	*o = arg;
	char		 when[64], num[24];
	char		 esc[8][AUDIT_TEXT_MAX * 2];
	const char	*f[8] = { r->actor, r->role, r->address, r->action,
			    r->object, r->detail, r->outcome, r->hash };
	int		 i;

	o->rows++;
	switch (o->format) {
	case 0:
		fprintf(o->fp, "%6lld %s %-10s %-10s %-14s %-18s %-7s %s\n",
		    (long long)r->id, zwctl_fmt_time(r->at_us, when,
		    sizeof(when), 0), r->actor, r->role, r->address, r->action,
		    r->outcome, r->object);
		break;
	case 1:
		snprintf(num, sizeof(num), "%lld", (long long)r->id);
		fprintf(o->fp, "%s,%s", num, zwctl_fmt_time(r->at_us, when,
		    sizeof(when), 1));
		for (i = 0; i < 8; i++) {
			escape_csv(esc[i], sizeof(esc[i]), f[i]);
			fprintf(o->fp, ",%s", esc[i]);
		}
		fprintf(o->fp, ",%s\r\n", r->alg);
		break;
	default:
		for (i = 0; i < 8; i++)
			escape_json(esc[i], sizeof(esc[i]), f[i]);
		fprintf(o->fp, "{\"id\":%lld,\"time\":\"%s\",\"actor\":\"%s\","
		    "\"role\":\"%s\",\"address\":\"%s\",\"action\":\"%s\","
		    "\"object\":\"%s\",\"detail\":\"%s\",\"outcome\":\"%s\","
		    "\"hash\":\"%s\",\"prev\":\"%s\",\"alg\":\"%s\"}\n",
		    (long long)r->id, zwctl_fmt_time(r->at_us, when,
		    sizeof(when), 1), esc[0], esc[1], esc[2], esc[3], esc[4],
		    esc[5], esc[6], esc[7], r->prev, r->alg);
		break;
	}
	return 0;
}

static int
cmd_list(struct zwctl *ctx, int argc, char **argv, int export)
{
	struct args	 a;
	struct out	 o = { 0 };
	struct afile	*af;
	struct store	*s;
	int		 rc;

	if (parse_args(argc, argv, &a) == -1)
		return ZWCTL_USAGE;
	if (export && strcmp(a.format, "table") == 0)
		a.format = "csv";
	for (o.format = 0; o.format < 3; o.format++)
		if (strcmp(a.format, formats[o.format]) == 0)
			break;
	if (o.format == 3) {
		log_warnx("format %s: table, csv or json", a.format);
		return ZWCTL_USAGE;
	}
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	if ((af = afile_open(a.output ? a.output : "-")) == NULL) {
		log_warn("%s", a.output);
		store_close(s);
		return ZWCTL_FAILED;
	}
	o.fp = afile_fp(af);
	if (o.format == 1)	/* UTF-8 BOM: Excel and WPS read the Chinese */
		fprintf(o.fp, "\xef\xbb\xbfid,time,actor,role,address,action,"
		    "object,detail,outcome,hash,alg\r\n");
	rc = audit_list(s, &a.f, print_record, &o);
	if (rc != 0) {
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
		afile_abort(af);
	} else if (afile_commit(af) == -1) {
		log_warn("%s", a.output ? a.output : "stdout");
		rc = -1;
	}
	/* Reading the trail is an action of the audit administrator too. */
	audit_log(s, zwctl_actor(a.by),
	    "auditadmin", "console", export ? "audit-export" : "audit-read",
	    a.output ? a.output : "stdout", rc == 0 ? "ok" : "failed",
	    "%ld records, format %s", o.rows, formats[o.format]);
	store_close(s);
	if (rc == 0 && a.output != NULL)
		fprintf(stderr, "%ld records written to %s\n", o.rows,
		    a.output);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
sub_list(struct zwctl *ctx, int argc, char **argv)
{
	return cmd_list(ctx, argc, argv, 0);
}

static int
sub_export(struct zwctl *ctx, int argc, char **argv)
{
	return cmd_list(ctx, argc, argv, 1);
}

/* The administrators whose rows zonewatch did not write. */
static int
forged_user(void *arg, const struct user *u)
{
	int	*n = arg;

	if (u->sealed == 0) {
		printf("account %s (%s) was not written by zonewatch: its row's "
		    "MAC does not hold\n", u->name, users_role_name(u->role));
		(*n)++;
	}
	return 0;
}

/*
 * The chain, and with --anchor ID:HASH a head seen outside the box (the
 * syslog receiver's, the MIB's, a signed report's): whether the trail
 * still holds it.
 */
static int
sub_verify(struct zwctl *ctx, int argc, char **argv)
{
	struct audit_check	 c;
	struct store		*s;
	char			 hash[AUDIT_HASH_HEX + 1] = "", *end;
	long long		 id = 0;
	int			 rc, k, forged = 0;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--anchor") != 0 || k + 1 == argc)
			return zwctl_bad("audit verify", argv[k], "takes only "
			    "--anchor ID:HASH");
		errno = 0;
		id = strtoll(argv[++k], &end, 10);
		if (id <= 0 || errno != 0 || *end != ':' ||
		    strlen(end + 1) != AUDIT_HASH_HEX)
			return zwctl_bad("--anchor", argv[k], "a record's id "
			    "and its hash, ID:HASH, as the head is sent");
		snprintf(hash, sizeof(hash), "%s", end + 1);
	}
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	rc = audit_verify_anchor(s, &c, id, id ? hash : NULL);
	if (rc == 0)
		rc = users_list(s, forged_user, &forged);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	store_close(s);
	if (rc != 0)
		return ZWCTL_FAILED;
	if (!c.ok) {
		printf("audit chain BROKEN at record %lld: %s\n",
		    (long long)c.broken_id, c.reason);
		return ZWCTL_FAILED;
	}
	printf("audit chain OK: %lld records, %lld to %lld, %s, head %lld:%s%s"
	    "\n", (long long)c.records, (long long)c.first_id,
	    (long long)c.last_id, c.alg[0] ? c.alg : audit_default_alg(),
	    (long long)c.last_id, c.head, id ? ", holds the anchor" : "");
	return forged > 0 ? ZWCTL_FAILED : 0;
}

/* The head as it is sent out: ID:HASH, to keep away from the box. */
static int
sub_head(struct zwctl *ctx, int argc, char **argv)
{
	struct store	*s;
	char		 hash[AUDIT_HASH_HEX + 1];
	int64_t		 id;
	int		 rc;

	if (argc != 1)
		return zwctl_bad("audit", argv[0], "takes no arguments");
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	rc = audit_head(s, &id, hash);
	store_close(s);
	if (rc != 0)
		return ZWCTL_FAILED;
	printf("%lld:%s\n", (long long)id, hash);
	return 0;
}

static int
sub_purge(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;
	struct conf	*c;
	int64_t		 removed;
	int		 rc;

	if (parse_args(argc, argv, &a) == -1)
		return ZWCTL_USAGE;
	if (a.days == 0)
		a.days = (c = zwctl_conf(ctx, 0)) != NULL ? c->retention_days :
		    RETENTION_MIN_DAYS;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	rc = audit_purge(s, clock_wall_us() - (int64_t)a.days * DAY_US,
	    zwctl_actor(a.by), &removed);
	if (rc != 0)
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	else
		printf("%lld audit records older than %llu days purged\n",
		    (long long)removed, (unsigned long long)a.days);
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static const struct zwctl_command subcommands[] = {
	{ "list",	sub_list,	"[filters] [--format table|csv|json]" },
	{ "export",	sub_export,	"[filters] [--format csv|json] "
					"--output file" },
	{ "verify",	sub_verify,	"[--anchor ID:HASH]" },
	{ "head",	sub_head,	"" },
	{ "purge",	sub_purge,	"[--days n]" },
	{ NULL,		NULL,		NULL }
};

int
zwctl_audit(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_subcommand(ctx, subcommands, "audit",
	    "filters: --since date --until date --actor name --action name\n"
	    "  --outcome ok|failed|denied --limit n; --by name: who reads\n", argc, argv);
}
