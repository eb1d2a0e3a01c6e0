/*
 * zw-webui: the appliance's web UI over HTTPS, in a process of its own.
 * It reads the configuration, opens the store (users, audit trail,
 * violations), sets up TLS (a self-signed certificate at first start),
 * listens, and serves from one event loop; the figures it shows are
 * read every few seconds by a thread (state.c), never while a request
 * waits.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>

#include "audit.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "privdrop.h"
#include "tls.h"
#include "webui.h"

#define EXIT_USAGE	2
#define PURGE_EVERY_US	(3600 * INT64_C(1000000))

struct options {
	const char	*config;
	const char	*listen;
	const char	*store;
	const char	*rrd_dir;
	int		 check_only;
	int		 use_syslog;
};

static void	 usage(void) __attribute__((noreturn));
static void	 parse_options(int, char **, struct options *);
static void	 on_tick(evutil_socket_t, short, void *);
static void	 on_signal(evutil_socket_t, short, void *);

int
main(int argc, char *argv[])
{
	struct options	 opt;
	struct webui	 w;
	struct event	*tick, *sigint, *sigterm;
	struct timeval	 every = { 1, 0 };
	char		 err[CONF_ERR_MAX + 256], admin[CONF_PATH_MAX];
	const char	*events;
	int64_t		 users;
	struct conf	*conf;

	log_init("zw-webui", LOG_TO_STDERR);
	parse_options(argc, argv, &opt);
	if ((conf = conf_load(opt.config, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (opt.check_only) {
		printf("configuration OK\n");
		/* -v: the settings it reads, as it will use them. */
		if (log_getverbose())
			conf_settings_print(stdout, conf, CONF_READ_WEBUI);
		conf_free(conf);
		return 0;
	}
	if (opt.use_syslog)
		log_init("zw-webui", LOG_TO_SYSLOG);
	memset(&w, 0, sizeof(w));
	w.conf = conf;
	w.rrd_dir = opt.rrd_dir ? opt.rrd_dir : conf->rrd_dir;
	w.metrics_token = conf->metrics_token;
	w.started_us = clock_wall_us();
	events = opt.store ? opt.store : conf->store_path;
	if ((w.store = store_open(events, STORE_CREATE, err,
	    sizeof(err))) == NULL)
		fatalx("%s", err);
	if (conf_admin_path(conf, events, admin, sizeof(admin)) == -1)
		fatalx("%s: path too long", events);
	if ((w.admin = store_admin_open(admin, events, STORE_CREATE, err,
	    sizeof(err))) == NULL)
		fatalx("%s", err);
	if (users_count(w.admin, &users) == 0 && users == 0)
		log_warnx("no administrator yet: make the first at the console "
		    "with \"zwctl user add NAME --role sysadmin\"");
	if ((w.tls = tls_context(conf->webui_cert, conf->webui_key, err,
	    sizeof(err))) == NULL)
		fatalx("%s", err);
	signal(SIGPIPE, SIG_IGN);
	if ((w.base = event_base_new()) == NULL)
		fatal("event_base_new");
	if (server_listen(&w, opt.listen ? opt.listen : conf->webui_listen,
	    err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (privdrop(conf_user(conf, CONF_WEBUI), err, sizeof(err)) == -1)
		fatalx("%s", err);

	if (state_start(&w) == -1)
		fatal("state");
	if (login_pool_start(&w) == -1)
		fatal("login pool");
	tick = event_new(w.base, -1, EV_PERSIST, on_tick, &w);
	sigint = evsignal_new(w.base, SIGINT, on_signal, &w);
	sigterm = evsignal_new(w.base, SIGTERM, on_signal, &w);
	event_add(tick, &every);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	audit_log(w.admin, "system", "system", "localhost", "service-start",
	    "zw-webui", "ok", "version %s, listening on %s", ZW_VERSION,
	    opt.listen ? opt.listen : conf->webui_listen);
	log_info("serving https://%s", opt.listen ? opt.listen :
	    conf->webui_listen);
	event_base_dispatch(w.base);

	log_info("stopping");
	audit_log(w.admin, "system", "system", "localhost", "service-stop",
	    "zw-webui", "ok", "%llu requests",
	    (unsigned long long)w.stats.requests);
	login_pool_stop(&w);
	event_free(tick);
	event_free(sigint);
	event_free(sigterm);
	evhttp_free(w.http);
	event_base_free(w.base);
	SSL_CTX_free(w.tls);
	state_stop(&w);
	store_close(w.admin);
	store_close(w.store);
	conf_free(conf);
	return 0;
}

/*
 * The audit trail and the review history are kept as long as the
 * violations (retention-days); the purge audits itself.  At start, then
 * hourly.
 */
static void
purge(struct webui *w)
{
	int64_t	 now = clock_wall_us(), removed;

	if (now < w->next_purge_us)
		return;
	w->next_purge_us = now + PURGE_EVERY_US;
	if (audit_purge(w->admin, now - (int64_t)w->conf->retention_days *
	    86400 * 1000000, "system", &removed) != 0)
		log_warnx("audit purge: %s", store_errmsg(w->admin));
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	state_take(arg);
	purge(arg);
}

static void
on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct webui	*w = arg;

	event_base_loopexit(w->base, NULL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: zw-webui [-nv] [-c | --config file] [--listen "
	    "addr:port] [--store file]\n"
	    "           [--rrd-dir dir] [--syslog]\n");
	exit(EXIT_USAGE);
}

enum { OPT_LISTEN = 256, OPT_STORE, OPT_RRD_DIR, OPT_SYSLOG };

static const struct option longopts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "listen",	required_argument, NULL, OPT_LISTEN },
	{ "store",	required_argument, NULL, OPT_STORE },
	{ "rrd-dir",	required_argument, NULL, OPT_RRD_DIR },
	{ "syslog",	no_argument,	   NULL, OPT_SYSLOG },
	{ NULL,		0,		   NULL, 0 }
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config = ZW_CONFIG;
	while ((ch = getopt_long(argc, argv, "c:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'n':
			o->check_only = 1;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_STORE:
			o->store = optarg;
			break;
		case OPT_RRD_DIR:
			o->rrd_dir = optarg;
			break;
		case OPT_SYSLOG:
			o->use_syslog = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}
