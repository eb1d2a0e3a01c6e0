/*
 * zwctl: the administration command.  A table of commands, each with
 * its subcommands; the store comes from -s or from the configuration.
 */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "audit.h"
#include "conf.h"
#include "log.h"
#include "parse.h"
#include "store.h"
#include "zwctl.h"

static const struct zwctl_command commands[] = {
	{ "violations",	zwctl_violations,
	  "list, show, review, evidence, purge" },
	{ "exceptions",	zwctl_exceptions,
	  "add, list, revoke (what the officer allows)" },
	{ "events",	zwctl_events,	"list, review (links, devices, utilisation)" },
	{ "trends",	zwctl_trends,	"utilisation, peak, 95th percentile" },
	{ "audit",	zwctl_audit,	"list, export, verify, purge (the audit trail)" },
	{ "report",	zwctl_report,	"network, security, audit reports, signed" },
	{ "user",	zwctl_user,	"add, list, passwd, role, disable, unlock, totp" },
	{ "status",	zwctl_status,	"the daemons and what they publish" },
	{ "backup",	zwctl_backup,	"DIR: store, configuration, RRDs, keys" },
	{ "restore",	zwctl_restore,	"DIR [--force]: put a backup back" },
	{ "check",	zwctl_check,	"check the configuration" },
	{ "settings",	zwctl_settings,	"[--mdoc]: every setting, its value, "
	  "default and readers" },
	{ "version",	zwctl_version,	"the version and the store's schema" },
	{ NULL,		NULL,		NULL }
};

static void
usage(void)
{
	const struct zwctl_command	*c;

	fprintf(stderr, "usage: zwctl [-c | --config file] [-s | --store file] "
	    "command [args]\n\ncommands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(stderr, "  %-12s %s\n", c->name, c->help);
	fprintf(stderr, "\nzwctl violations help: the violation commands\n");
	exit(ZWCTL_USAGE);
}

/* The long forms every daemon takes too. */
static const struct option longopts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "store",	required_argument, NULL, 's' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL,		0,		   NULL, 0 }
};

int
main(int argc, char *argv[])
{
	const struct zwctl_command	*c;
	struct zwctl			 ctx;
	int				 ch;

	log_init("zwctl", LOG_TO_STDERR);
	/* An export or a report told to stop leaves no temporary behind. */
	afile_clean_on_stop();
	memset(&ctx, 0, sizeof(ctx));
	ctx.config = ZW_CONFIG;
	while ((ch = getopt_long(argc, argv, "+c:hs:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctx.config = optarg;
			ctx.config_given = 1;
			break;
		case 's':
			ctx.store = optarg;
			break;
		case 'V':
			printf("zwctl %s\n", ZW_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[0], c->name) == 0)
			return c->fn(&ctx, argc - 1, argv + 1);
	log_warnx("unknown command %s", argv[0]);
	usage();
}

/*
 * The configuration, when a command needs it: named on the command line
 * it must load; the default one is used if present.
 */
struct conf *
zwctl_conf(struct zwctl *ctx, int required)
{
	char	 err[CONF_ERR_MAX];

	if (ctx->conf != NULL)
		return ctx->conf;
	if (!ctx->config_given && access(ctx->config, F_OK) == -1) {
		if (required)
			log_warnx("%s: no configuration", ctx->config);
		return NULL;
	}
	if ((ctx->conf = conf_load(ctx->config, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return ctx->conf;
}

/* The store's path: named by -s, or by the configuration; NULL if neither. */
static const char *
named_store(struct zwctl *ctx)
{
	struct conf	*c;

	if (ctx->store != NULL)
		return ctx->store;
	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return NULL;
	return c->store_path;
}

static struct store *
open_store(const char *path, int flags)
{
	struct store	*s;
	char		 err[CONF_ERR_MAX + 128];

	if ((s = store_open(path, flags, err, sizeof(err))) != NULL)
		return s;
	/*
	 * A store of a release before, that no writer has opened since the
	 * upgrade: the console, which may write it, brings it up to date.
	 */
	if ((flags & STORE_READONLY) && access(path, W_OK) == 0 &&
	    (s = store_open(path, flags & ~STORE_READONLY, err,
	    sizeof(err))) != NULL)
		return s;
	log_warnx("%s", err);
	return NULL;
}

/* The store; it must exist. */
struct store *
zwctl_store(struct zwctl *ctx, int flags)
{
	const char	*path;

	if ((path = named_store(ctx)) == NULL)
		return NULL;
	if (access(path, F_OK) == -1) {
		log_warn("store %s", path);
		return NULL;
	}
	return open_store(path, flags);
}

/*
 * The administrators' store, beside the event store unless the
 * configuration says where.  It is made, and a store from before the
 * split gives it its tables, at the first open.
 */
struct store *
zwctl_admin(struct zwctl *ctx)
{
	struct store	*s;
	const char	*events;
	char		 path[PATH_MAX], err[CONF_ERR_MAX + 128];

	if ((events = named_store(ctx)) == NULL)
		return NULL;
	if (conf_admin_path(zwctl_conf(ctx, 0), events, path,
	    sizeof(path)) == -1) {
		log_warnx("%s: path too long", events);
		return NULL;
	}
	/*
	 * Read-write whatever the command: the console's first open, of any
	 * kind, is the one that finishes a move from a store of before.
	 */
	if ((s = store_admin_open(path, events, access(path, F_OK) == -1 ?
	    STORE_CREATE : 0, err,
	    sizeof(err))) == NULL)
		log_warnx("%s", err);
	return s;
}

/*
 * One record of the console's action in the audit trail, for commands
 * that work on the event store; -1 (said) when it could not be written.
 */
int
zwctl_record(struct zwctl *ctx, const char *actor, const char *role,
    const char *action, const char *object, int ok, const char *fmt, ...)
{
	struct store	*a;
	va_list		 ap;
	int		 rv;

	if ((a = zwctl_admin(ctx)) == NULL)
		return -1;
	va_start(ap, fmt);
	rv = audit_vlog(a, zwctl_actor(actor), role,
	    "console", action, object, ok ? "ok" : "failed", fmt, ap);
	va_end(ap);
	if (rv != 0)
		log_warnx("audit: %s: %s", store_path(a), store_errmsg(a));
	store_close(a);
	return rv;
}

/* The store, made if it is not there yet. */
struct store *
zwctl_store_create(struct zwctl *ctx)
{
	const char	*path;

	if ((path = named_store(ctx)) == NULL)
		return NULL;
	return open_store(path, STORE_CREATE);
}

/*
 * The console's actor in the audit trail: the name given (--by), else
 * the one the session logged in with (getlogin(3) reads it from utmp,
 * so sudo keeps the person), else root.  The one place that decides.
 */
const char *
zwctl_actor(const char *given)
{
	const char	*who;

	if (given != NULL && given[0] != '\0')
		return given;
	who = getlogin();
	return who != NULL && who[0] != '\0' ? who : "root";
}

int
zwctl_check(struct zwctl *ctx, int argc, char **argv)
{
	ctx->config_given = 1;
	if (zwctl_conf(ctx, 1) == NULL)
		return ZWCTL_FAILED;
	printf("configuration OK\n");
	return 0;
}

/* An argument that is not right, said so: the status of a usage error. */
int
zwctl_bad(const char *opt, const char *arg, const char *what)
{
	log_warnx("%s %s: %s", opt, arg, what);
	return ZWCTL_USAGE;
}

/* "2026-11-22", "2026-11-22 08:30[:00]" (local time), or "@seconds". */
int
zwctl_parse_time(const char *arg, int64_t *us)
{
	static const char *const formats[] = { "%Y-%m-%d %H:%M:%S",
	    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
	    "%Y-%m-%d" };
	struct tm	 tm;
	const char	*end, *errstr;
	uint64_t	 secs;
	size_t		 i;
	time_t		 t;

	if (arg[0] == '@') {
		if (parse_u64(arg + 1, 0, INT32_MAX * 4ULL, &secs, &errstr) == -1)
			return -1;
		*us = (int64_t)secs * 1000000;
		return 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(arg, formats[i], &tm)) == NULL || *end)
			continue;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == -1)
			return -1;
		*us = (int64_t)t * 1000000;
		return 0;
	}
	return -1;
}

/*
 * The end of a range: as zwctl_parse_time(), but a date alone means the
 * whole of that day, so that --since and --until of one day list it.
 */
int
zwctl_parse_until(const char *arg, int64_t *us)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(arg, "%Y-%m-%d", &tm)) == NULL || *end)
		return zwctl_parse_time(arg, us);
	tm.tm_mday++;		/* mktime() carries into the month */
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == -1)
		return -1;
	*us = (int64_t)t * 1000000;
	return 0;
}

/* Local time, as the people who read it live. */
const char *
zwctl_fmt_time(int64_t us, char *buf, size_t len, int iso)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);
	char		 zone[8];

	if (us == 0) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	localtime_r(&t, &tm);
	if (!iso) {
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
		return buf;
	}
	strftime(zone, sizeof(zone), "%z", &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	/* RFC 3339 wants the offset with a colon. */
	snprintf(buf + strlen(buf), len - strlen(buf), ".%06lld%.3s:%s",
	    (long long)(us % 1000000), zone, zone + 3);
	return buf;
}

/*
 * A command's subcommands: runs the one named by argv[0], else prints
 * them with the footer (the options they share) and says how it went.
 */
int
zwctl_subcommand(struct zwctl *ctx, const struct zwctl_command *subs,
    const char *command, const char *footer, int argc, char **argv)
{
	const struct zwctl_command	*c;

	if (argc > 0)
		for (c = subs; c->name != NULL; c++)
			if (strcmp(argv[0], c->name) == 0)
				return c->fn(ctx, argc, argv);
	fprintf(stderr, "usage: zwctl %s command\n\n", command);
	for (c = subs; c->name != NULL; c++)
		fprintf(stderr, "  %-10s %s\n", c->name, c->help);
	fprintf(stderr, "\n%s", footer);
	return argc > 0 && strcmp(argv[0], "help") == 0 ? 0 : ZWCTL_USAGE;
}
