/*
 * zwctl: the administration command.  A table of commands, each with
 * its subcommands; the store comes from -s or from the configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "store.h"
#include "zwctl.h"

static const struct zwctl_command commands[] = {
	{ "violations",	zwctl_violations,
	  "list, show, review, evidence, purge" },
	{ "events",	zwctl_events,	"list, review (links, devices, utilisation)" },
	{ "trends",	zwctl_trends,	"utilisation, peak, 95th percentile" },
	{ "check",	zwctl_check,	"check the configuration" },
	{ NULL,		NULL,		NULL }
};

static void
usage(void)
{
	const struct zwctl_command	*c;

	fprintf(stderr, "usage: zwctl [-c config] [-s store] command "
	    "[args]\n\ncommands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(stderr, "  %-12s %s\n", c->name, c->help);
	fprintf(stderr, "\nzwctl violations help: the violation commands\n");
	exit(ZWCTL_USAGE);
}

int
main(int argc, char *argv[])
{
	const struct zwctl_command	*c;
	struct zwctl			 ctx;
	int				 ch;

	log_init("zwctl", LOG_TO_STDERR);
	memset(&ctx, 0, sizeof(ctx));
	ctx.config = ZW_CONFIG;
	while ((ch = getopt(argc, argv, "+c:hs:V")) != -1) {
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

/* The store named by -s, or by the configuration; it must exist. */
struct store *
zwctl_store(struct zwctl *ctx, int flags)
{
	struct store	*s;
	struct conf	*c;
	const char	*path = ctx->store;
	char		 err[CONF_ERR_MAX + 128];

	if (path == NULL) {
		if ((c = zwctl_conf(ctx, 1)) == NULL)
			return NULL;
		path = c->store_path;
	}
	if (access(path, F_OK) == -1) {
		log_warn("store %s", path);
		return NULL;
	}
	if ((s = store_open(path, flags, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return s;
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
