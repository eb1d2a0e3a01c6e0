/*
 * zwctl report: network, security and audit reports for a range, as
 * CSV, JSON or PDF, each with a detached signature by the appliance's
 * key; the scheduled ones (the last day, week and month) kept in
 * report-dir; the public key for auditors; and verification.  Every
 * export is written to the audit trail.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "audit.h"
#include "clock.h"
#include "log.h"
#include "report.h"
#include "sign.h"
#include "zwctl.h"

enum { O_SINCE = 256, O_UNTIL, O_FORMAT, O_OUTPUT, O_NO_SIGN, O_KEY,
	O_RRD_DIR, O_BY, O_DIR, O_AT, O_SIG };

static const struct option opts[] = {
	{ "since",	required_argument, NULL, O_SINCE },
	{ "until",	required_argument, NULL, O_UNTIL },
	{ "format",	required_argument, NULL, O_FORMAT },
	{ "output",	required_argument, NULL, O_OUTPUT },
	{ "no-sign",	no_argument,	   NULL, O_NO_SIGN },
	{ "key",	required_argument, NULL, O_KEY },
	{ "rrd-dir",	required_argument, NULL, O_RRD_DIR },
	{ "by",		required_argument, NULL, O_BY },
	{ "dir",	required_argument, NULL, O_DIR },
	{ "at",		required_argument, NULL, O_AT },
	{ "sig",	required_argument, NULL, O_SIG },
	{ NULL,		0,		   NULL, 0 }
};

struct args {
	int64_t		 since_us, until_us, at_us;
	int		 format;
	const char	*output, *key, *rrd_dir, *by, *dir, *sig;
	int		 no_sign;
};

/* Midnight (local) of the day of t, moved by days. */
static int64_t
midnight(int64_t us, int days)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000000;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->format = REPORT_PDF;
	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case O_SINCE:
		case O_UNTIL:
		case O_AT:
			if (zwctl_parse_time(optarg, ch == O_SINCE ?
			    &a->since_us : ch == O_UNTIL ? &a->until_us :
			    &a->at_us) == -1) {
				log_warnx("%s: a date such as 2026-11-01",
				    optarg);
				return -1;
			}
			break;
		case O_FORMAT:
			if ((a->format = report_format_parse(optarg)) < 0) {
				log_warnx("format %s: csv, json or pdf",
				    optarg);
				return -1;
			}
			break;
		case 'o':
		case O_OUTPUT:
			a->output = optarg;
			break;
		case O_NO_SIGN:
			a->no_sign = 1;
			break;
		case O_KEY:
			a->key = optarg;
			break;
		case O_RRD_DIR:
			a->rrd_dir = optarg;
			break;
		case O_BY:
			a->by = optarg;
			break;
		case O_DIR:
			a->dir = optarg;
			break;
		case O_SIG:
			a->sig = optarg;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static const char *
key_path(struct zwctl *ctx, const struct args *a)
{
	struct conf	*c;

	if (a->key != NULL)
		return a->key;
	return (c = zwctl_conf(ctx, 0)) != NULL ? c->report_key :
	    REPORT_KEY_DEFAULT;
}

/*
 * One report into a file, signed beside it (FILE.sig), the export
 * audited.  The report is written whole or not at all.
 */
static int
export(struct zwctl *ctx, const struct args *a, enum report_kind kind,
    int64_t since_us, int64_t until_us, const char *output)
{
	struct report_sources	 src;
	struct report		*r;
	struct store		*s = NULL, *admin = NULL;
	struct afile		*af;
	EVP_PKEY		*key = NULL;
	char			 err[1024], sig[PATH_MAX], from[32], to[32];
	int			 rc = -1;

	memset(&src, 0, sizeof(src));
	if ((src.conf = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	src.rrd_dir = a->rrd_dir ? a->rrd_dir : src.conf->rrd_dir;
	src.charts = a->format == REPORT_PDF;
	/*
	 * The security report reads violations, the audit report the trail;
	 * a network report is audited where there are administrators.
	 */
	if (kind == REPORT_SECURITY || (kind == REPORT_NETWORK &&
	    (ctx->store != NULL || access(src.conf->store_path, F_OK) == 0)))
		if ((s = zwctl_store(ctx, 0)) == NULL)
			return ZWCTL_FAILED;
	src.store = s;
	if ((kind != REPORT_NETWORK || s != NULL) &&
	    (admin = zwctl_admin(ctx)) == NULL) {
		store_close(s);
		return ZWCTL_FAILED;
	}
	src.admin = admin;
	if (!a->no_sign && output != NULL &&
	    (key = sign_key(key_path(ctx, a), 1, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		store_close(admin);
		store_close(s);
		return ZWCTL_FAILED;
	}
	if ((r = report_new(kind, since_us, until_us)) == NULL ||
	    report_build(r, &src, err, sizeof(err)) == -1) {
		log_warnx("%s", r ? err : "out of memory");
		goto out;
	}
	if ((af = afile_open(output ? output : "-")) == NULL) {
		log_warn("%s", output);
		goto out;
	}
	if (report_write(r, (enum report_format)a->format,
	    afile_fp(af)) == -1) {
		log_warnx("%s: the report could not be written", output ?
		    output : "stdout");
		afile_abort(af);
		goto out;
	}
	if (afile_commit(af) == -1) {
		log_warn("%s", output ? output : "stdout");
		goto out;
	}
	if (key != NULL) {
		snprintf(sig, sizeof(sig), "%s.sig", output);
		if (sign_file(key, output, sig, err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			goto out;
		}
	}
	rc = 0;
	if (output != NULL)
		fprintf(stderr, "%s%s%s\n", output, key ? ", signed " : "",
		    key ? sign_algorithm(key) : "");
out:
	zwctl_fmt_time(since_us, from, sizeof(from), 0);
	zwctl_fmt_time(until_us, to, sizeof(to), 0);
	if (admin != NULL)
		audit_log(admin, zwctl_actor(a->by),
		    "auditadmin", "console", "report-export", output ? output :
		    "stdout", rc == 0 ? "ok" : "failed", "%s report %s .. %s, "
		    "%s%s%s", report_kind_name(kind), from, to,
		    report_format_name((enum report_format)a->format),
		    key ? ", signed " : "", key ? sign_algorithm(key) : "");
	report_free(r);
	EVP_PKEY_free(key);
	store_close(admin);
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
sub_one(struct zwctl *ctx, int argc, char **argv, enum report_kind kind)
{
	struct args	 a;

	if (parse_args(argc, argv, &a) == -1 || optind != argc)
		return ZWCTL_USAGE;
	/* The last whole day by default. */
	if (a.until_us == 0)
		a.until_us = midnight(clock_wall_us(), 0);
	if (a.since_us == 0)
		a.since_us = midnight(a.until_us - 1, 0);
	if (a.since_us >= a.until_us) {
		log_warnx("--since must come before --until");
		return ZWCTL_USAGE;
	}
	return export(ctx, &a, kind, a.since_us, a.until_us, a.output);
}

static int
sub_network(struct zwctl *ctx, int argc, char **argv)
{
	return sub_one(ctx, argc, argv, REPORT_NETWORK);
}

static int
sub_security(struct zwctl *ctx, int argc, char **argv)
{
	return sub_one(ctx, argc, argv, REPORT_SECURITY);
}

static int
sub_audit(struct zwctl *ctx, int argc, char **argv)
{
	return sub_one(ctx, argc, argv, REPORT_AUDIT);
}

/* The periods a schedule keeps: the day, week and month before "at". */
static const struct period {
	const char	*name;
	int		 days;		/* 0: a calendar month */
} periods[] = {
	{ "daily",	1 },
	{ "weekly",	7 },
	{ "monthly",	0 },
};

static void
period_of(const struct period *p, int64_t at_us, int64_t *since,
    int64_t *until)
{
	struct tm	 tm;
	time_t		 t;

	*until = midnight(at_us, 0);
	if (p->days == 1) {
		*since = midnight(*until - 1, 0);
		return;
	}
	t = (time_t)(*until / 1000000);
	localtime_r(&t, &tm);
	if (p->days == 7) {
		/* Weeks end on Monday, 00:00 (ISO 8601 weeks). */
		*until = midnight(*until, -((tm.tm_wday + 6) % 7));
		*since = midnight(*until, -7);
		return;
	}
	*until = midnight(*until, 1 - tm.tm_mday);
	t = (time_t)((*until - 1) / 1000000);
	localtime_r(&t, &tm);
	*since = midnight(*until - 1, 1 - tm.tm_mday);
}

static int
sub_scheduled(struct zwctl *ctx, int argc, char **argv)
{
	static const enum report_format fmts[] = { REPORT_PDF, REPORT_CSV,
	    REPORT_JSON };
	struct args	 a;
	struct conf	*c;
	const char	*dir;
	char		 path[PATH_MAX + 96], sub[PATH_MAX], day[32];
	int64_t		 since, until;
	size_t		 p, f;
	int		 k, made = 0, failed = 0;
	struct tm	 tm;
	time_t		 t;

	if (parse_args(argc, argv, &a) == -1 || optind != argc)
		return ZWCTL_USAGE;
	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	dir = a.dir ? a.dir : c->report_dir;
	if (a.at_us == 0)
		a.at_us = clock_wall_us();
	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		log_warn("%s", dir);
		return ZWCTL_FAILED;
	}
	for (p = 0; p < sizeof(periods) / sizeof(periods[0]); p++) {
		period_of(&periods[p], a.at_us, &since, &until);
		t = (time_t)(since / 1000000);
		localtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		if (snprintf(sub, sizeof(sub), "%s/%s", dir,
		    periods[p].name) >= (int)sizeof(sub) - 64) {
			log_warnx("%s: path too long", dir);
			return ZWCTL_FAILED;
		}
		if (mkdir(sub, 0750) == -1 && errno != EEXIST) {
			log_warn("%s", sub);
			return ZWCTL_FAILED;
		}
		for (k = 0; k < REPORT_NKINDS; k++)
			for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
				snprintf(path, sizeof(path), "%s/%s-%s.%s", sub,
				    day, report_kind_name((enum report_kind)k),
				    report_format_name(fmts[f]));
				if (access(path, F_OK) == 0)
					continue;	/* made already */
				a.format = (int)fmts[f];
				if (export(ctx, &a, (enum report_kind)k, since,
				    until, path) == 0)
					made++;
				else
					failed++;
			}
	}
	printf("%d reports made in %s%s\n", made, dir, failed ?
	    ", some failed" : "");
	return failed ? ZWCTL_FAILED : 0;
}

static int
sub_key(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	EVP_PKEY	*key;
	char		 err[512];

	if (parse_args(argc, argv, &a) == -1 || optind != argc)
		return ZWCTL_USAGE;
	if ((key = sign_key(key_path(ctx, &a), 1, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return ZWCTL_FAILED;
	}
	fprintf(stderr, "# %s; verify with: openssl dgst -%s -verify "
	    "THIS.pem -signature REPORT.sig REPORT\n", sign_algorithm(key),
	    sign_digest(key));
	sign_public_pem(key, stdout);
	EVP_PKEY_free(key);
	return 0;
}

static int
sub_verify(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	EVP_PKEY	*key;
	char		 err[512], sig[PATH_MAX];
	int		 ok;

	if (parse_args(argc, argv, &a) == -1 || argc - optind != 1)
		return ZWCTL_USAGE;
	if ((key = sign_key(key_path(ctx, &a), 0, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return ZWCTL_FAILED;
	}
	snprintf(sig, sizeof(sig), "%s.sig", argv[optind]);
	ok = sign_verify(key, argv[optind], a.sig ? a.sig : sig, err,
	    sizeof(err));
	EVP_PKEY_free(key);
	if (ok == -1) {
		log_warnx("%s", err);
		return ZWCTL_FAILED;
	}
	printf("%s: signature %s\n", argv[optind], ok ? "good" : "BAD");
	return ok ? 0 : ZWCTL_FAILED;
}

static const struct zwctl_command subcommands[] = {
	{ "network",	sub_network,	"traffic, peaks, 95th percentile, "
					"links, applications" },
	{ "security",	sub_security,	"violations by rule, site, state; "
					"offenders; evidence" },
	{ "audit",	sub_audit,	"actions, failed logins, changes, "
					"the chain" },
	{ "scheduled",	sub_scheduled,	"the last day, week and month, "
					"into report-dir" },
	{ "key",	sub_key,	"the public key that verifies them" },
	{ "verify",	sub_verify,	"file [--sig file.sig]" },
	{ NULL,		NULL,		NULL }
};

int
zwctl_report(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_subcommand(ctx, subcommands, "report",
	    "options: --since date --until date (the last day) "
	    "--format pdf|csv|json\n  --output file (signed: file.sig) "
	    "--no-sign --key file --rrd-dir dir --by name\n"
	    "  scheduled: --dir dir --at date\n", argc, argv);
}
