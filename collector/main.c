/*
 * zw-collector: watches an extranet uplink from a mirror port or tap, or
 * reads capture files, and turns packets into classified flows.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "capture.h"
#include "conf.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "privdrop.h"
#include "status.h"
#include "trend-writer.h"
#include "violation-store.h"
#include "workers.h"

#define MAX_FILES	1024

/* Exit statuses; see zw-collector(8). */
#define EXIT_FAILED	1	/* an input could not be read, or output failed */
#define EXIT_USAGE	2
#define EXIT_DAMAGED	3	/* an input stopped at a bad record */

struct options {
	const char		*config;
	int			 config_given;
	int			 check_only;
	const char		*iface;
	const char		*files[MAX_FILES];
	int			 fds[MAX_FILES];	/* opened as root, or -1 */
	int			 nfiles;
	const char		*filter;
	uint64_t		 buffer_mb;
	uint64_t		 count;
	uint64_t		 loops;		/* 0: forever */
	int			 looping;
	double			 speed;
	const char		*status_path;
	uint64_t		 status_interval;
	int			 console;
	int			 quiet;
	int			 use_syslog;
	const char		*store;
	int			 no_store;
	const char		*rrd_dir;
	int			 no_rrd;
	unsigned int		 workers;
	struct pipeline_conf	 pipe;
};

struct run_state {
	struct workers		*wk;		/* the pipelines, one or more */
	struct violation_store	*store;
	struct violation_store_stats store_last; /* its figures, kept after */
	int			 store_done;	/* stopped: store_last is final */
	struct trend_writer	*trends;
	struct capture		*cap;		/* the file being read */
	struct capture		*caps[WORKERS_MAX];	/* live workers' */
	struct pipeline_counters counters;	/* for the status */
	struct capture_stats	 files_read;	/* of the files closed */
	struct options		*opt;
	struct status_view	 last;
	uint64_t		 started_us;
	uint64_t		 next_status_us;
	uint64_t		 calls;
};

static void	 usage(void) __attribute__((noreturn));
static void	 parse_options(int, char **, struct options *);
static void	 install_signals(void);
static void	 open_capture(struct run_state *);
static void	 open_files(struct options *);
static int	 run_live(struct run_state *);
static int	 run_files(struct run_state *);
static void	 on_packet(void *, const struct decode_link *, struct pkt *,
		    uint64_t);
static void	 report(struct run_state *, int final);
static int	 check_config(const char *path);
static struct conf *load_config(struct options *);
static struct violation_store *start_store(struct options *,
		    const struct conf *);
static struct trend_writer *start_trends(struct options *,
		    const struct conf *);
static const char *category_name(void *, uint16_t);
static void	 check_workers(const struct options *);
static void	 close_capture(struct run_state *);
static void	 start_pipelines(struct run_state *);
static void	 summary(const struct run_state *, double elapsed_s);

int
main(int argc, char *argv[])
{
	struct options		 opt;
	struct run_state	 rs;
	struct conf		*conf;
	struct timespec		 t0, t1;
	char			 err[512];
	const char		*user;
	int			 rv;

	log_init("zw-collector", LOG_TO_STDERR);
	parse_options(argc, argv, &opt);
	if (opt.check_only)
		return check_config(opt.config);
	if (opt.use_syslog)
		log_init("zw-collector", LOG_TO_SYSLOG);

	conf = load_config(&opt);
	opt.pipe.conf = conf;
	/*
	 * Live, as configured, or a worker per core but one; a file is read
	 * by one pipeline unless asked, as nDPI's caches link flows (STUN)
	 * that workers would see apart; so is a count of frames (-c).
	 */
	check_workers(&opt);
	if (opt.workers == 0)
		opt.workers = opt.iface == NULL || opt.count > 0 ? 1 :
		    conf != NULL && conf->workers > 0 ? conf->workers :
		    workers_default();
	memset(&rs, 0, sizeof(rs));
	rs.opt = &opt;
	/*
	 * Live: the capture is what needs root; then root goes.  Files read
	 * as root with a user configured are opened first, then root goes
	 * as tcpdump -Z does: the outputs are written as that user.
	 */
	user = conf_user(conf, CONF_COLLECTOR);
	if (opt.iface != NULL) {
		open_capture(&rs);
		if (privdrop(user, err, sizeof(err)) == -1)
			fatalx("%s", err);
	} else if (geteuid() == 0 && user != NULL && user[0] != '\0') {
		open_files(&opt);
		if (privdrop(user, err, sizeof(err)) == -1)
			fatalx("%s", err);
	}
	rs.store = opt.pipe.store = start_store(&opt, conf);
	rs.trends = opt.pipe.trends = start_trends(&opt, conf);
	start_pipelines(&rs);
	install_signals();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rs.started_us = capture_now_us();
	rs.last.started_us = rs.last.wall_us = rs.started_us;
	rs.next_status_us = rs.started_us + opt.status_interval * 1000000;
	rv = opt.iface ? run_live(&rs) : run_files(&rs);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* A damaged input still gives the records of what it held. */
	if (workers_finish(rs.wk, rv != EXIT_FAILED) == -1) {
		log_warnx("flow records could not be written completely");
		rv = EXIT_FAILED;
	}
	trend_writer_stop(rs.trends);
	rs.trends = NULL;
	/* The last status, written after, has the store's last figures. */
	rs.store_done = rs.store != NULL;
	if (violation_store_stop(rs.store, &rs.store_last) == -1) {
		log_warnx("violations could not be stored completely");
		rv = EXIT_FAILED;
	}
	rs.store = NULL;
	close_capture(&rs);
	/* Throughput means something only for a file read flat out. */
	if (!opt.quiet)
		summary(&rs, opt.iface || opt.speed > 0 ? 0 :
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	pipeline_counters_free(&rs.counters);
	workers_free(rs.wk);
	conf_free(conf);
	return rv;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: zw-collector -n [-v] [--config file]\n"
	    "       zw-collector (-i interface | -r file [-r file ...])\n"
	    "           [--config file] [--store file | --no-store]\n"
	    "           [--violations file] [--rrd-dir dir | --no-rrd]\n"
	    "           [--flows-csv file] [--flows-json file] [-f filter]\n"
	    "           [--max-flows n] [--idle-tcp s] [--idle-other s]\n"
	    "           [--closed s] [--active s] [--protos file] [--no-dpi]\n"
	    "           [--dpi-tcp-packets n] [--dpi-udp-packets n]\n"
	    "           [--loop n] [--speed x] [--status file]\n"
	    "           [--status-interval s] [--console] [-B mb] [-c count]\n"
	    "           [--workers n]\n"
	    "           [-q] [-v] [--syslog] [--version]\n");
	exit(EXIT_USAGE);
}

enum {
	OPT_FLOWS_CSV = 256, OPT_FLOWS_JSON, OPT_MAX_FLOWS, OPT_IDLE_TCP,
	OPT_IDLE_OTHER, OPT_CLOSED, OPT_ACTIVE, OPT_PROTOS, OPT_NO_DPI,
	OPT_DPI_TCP, OPT_DPI_UDP, OPT_LOOP, OPT_SPEED, OPT_STATUS,
	OPT_STATUS_INTERVAL, OPT_CONSOLE, OPT_SYSLOG, OPT_VERSION, OPT_CONFIG,
	OPT_VIOLATIONS, OPT_STORE, OPT_NO_STORE, OPT_RRD_DIR, OPT_NO_RRD, OPT_WORKERS
};

static const struct option longopts[] = {
	{ "config",		required_argument, NULL, OPT_CONFIG },
	{ "violations",		required_argument, NULL, OPT_VIOLATIONS },
	{ "store",		required_argument, NULL, OPT_STORE },
	{ "no-store",		no_argument,	   NULL, OPT_NO_STORE },
	{ "rrd-dir",		required_argument, NULL, OPT_RRD_DIR },
	{ "no-rrd",		no_argument,	   NULL, OPT_NO_RRD },
	{ "flows-csv",		required_argument, NULL, OPT_FLOWS_CSV },
	{ "flows-json",		required_argument, NULL, OPT_FLOWS_JSON },
	{ "max-flows",		required_argument, NULL, OPT_MAX_FLOWS },
	{ "idle-tcp",		required_argument, NULL, OPT_IDLE_TCP },
	{ "idle-other",		required_argument, NULL, OPT_IDLE_OTHER },
	{ "closed",		required_argument, NULL, OPT_CLOSED },
	{ "active",		required_argument, NULL, OPT_ACTIVE },
	{ "protos",		required_argument, NULL, OPT_PROTOS },
	{ "no-dpi",		no_argument,	   NULL, OPT_NO_DPI },
	{ "dpi-tcp-packets",	required_argument, NULL, OPT_DPI_TCP },
	{ "dpi-udp-packets",	required_argument, NULL, OPT_DPI_UDP },
	{ "loop",		required_argument, NULL, OPT_LOOP },
	{ "speed",		required_argument, NULL, OPT_SPEED },
	{ "status",		required_argument, NULL, OPT_STATUS },
	{ "status-interval",	required_argument, NULL, OPT_STATUS_INTERVAL },
	{ "console",		no_argument,	   NULL, OPT_CONSOLE },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ "workers",		required_argument, NULL, OPT_WORKERS },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 }
};


static void
add_output(struct options *o, const char *path, const char *format)
{
	if (o->pipe.noutputs >= PIPELINE_MAX_OUTPUTS)
		fatalx("at most %d flow outputs", PIPELINE_MAX_OUTPUTS);
	o->pipe.outputs[o->pipe.noutputs].path = path;
	o->pipe.outputs[o->pipe.noutputs].format = format;
	o->pipe.noutputs++;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	const char	*errstr;
	int		 ch, i;

	memset(o, 0, sizeof(*o));
	pipeline_conf_default(&o->pipe);
	o->buffer_mb = 256;
	o->loops = 1;
	for (i = 0; i < MAX_FILES; i++)
		o->fds[i] = -1;
	o->status_interval = 5;
	o->workers = 0;		/* the default, below */

	o->config = ZW_CONFIG;
	while ((ch = getopt_long(argc, argv, "B:c:f:hi:nqr:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'B':
			o->buffer_mb = parse_option("-B", optarg, 1, 4096);
			break;
		case 'c':
			o->count = parse_option("-c", optarg, 1, UINT64_MAX);
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'n':
			o->check_only = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			if (o->nfiles >= MAX_FILES)
				fatalx("at most %d capture files", MAX_FILES);
			o->files[o->nfiles++] = optarg;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case OPT_FLOWS_CSV:
			add_output(o, optarg, "csv");
			break;
		case OPT_FLOWS_JSON:
			add_output(o, optarg, "json");
			break;
		case OPT_MAX_FLOWS:
			o->pipe.flows.max_flows = (uint32_t)parse_option(
			    "--max-flows", optarg, 1, 1u << 28);
			break;
		case OPT_IDLE_TCP:
			o->pipe.flows.idle_tcp_us = parse_option("--idle-tcp",
			    optarg, 1, 86400) * 1000000;
			break;
		case OPT_IDLE_OTHER:
			o->pipe.flows.idle_other_us = parse_option("--idle-other",
			    optarg, 1, 86400) * 1000000;
			break;
		case OPT_CLOSED:
			o->pipe.flows.closed_us = parse_option("--closed", optarg,
			    0, 3600) * 1000000;
			break;
		case OPT_ACTIVE:
			o->pipe.flows.active_us = parse_option("--active", optarg, 0,
			    86400) * 1000000;
			break;
		case OPT_PROTOS:
			o->pipe.dpi.protos_file = optarg;
			break;
		case OPT_NO_DPI:
			o->pipe.no_dpi = 1;
			break;
		case OPT_DPI_TCP:
			o->pipe.dpi.max_tcp_pkts = (uint32_t)parse_option(
			    "--dpi-tcp-packets", optarg, 1, 10000);
			break;
		case OPT_DPI_UDP:
			o->pipe.dpi.max_udp_pkts = (uint32_t)parse_option(
			    "--dpi-udp-packets", optarg, 1, 10000);
			break;
		case OPT_LOOP:
			o->loops = parse_option("--loop", optarg, 0, UINT32_MAX);
			o->looping = 1;
			break;
		case OPT_SPEED:
			if (parse_double(optarg, 0.001, 1e6, &o->speed,
			    &errstr) == -1)
				fatalx("--speed %s: %s", optarg, errstr);
			break;
		case OPT_STATUS:
			o->status_path = optarg;
			break;
		case OPT_STATUS_INTERVAL:
			o->status_interval = parse_option("--status-interval",
			    optarg, 1, 3600);
			break;
		case OPT_CONFIG:
			o->config = optarg;
			o->config_given = 1;
			break;
		case OPT_VIOLATIONS:
			o->pipe.violations = optarg;
			break;
		case OPT_STORE:
			o->store = optarg;
			break;
		case OPT_NO_STORE:
			o->no_store = 1;
			break;
		case OPT_RRD_DIR:
			o->rrd_dir = optarg;
			break;
		case OPT_NO_RRD:
			o->no_rrd = 1;
			break;
		case OPT_CONSOLE:
			o->console = 1;
			break;
		case OPT_WORKERS:
			o->workers = (unsigned int)parse_option("--workers", optarg,
			    0, WORKERS_MAX);
			if (o->workers == 0)
				o->workers = workers_default();
			break;
		case OPT_SYSLOG:
			o->use_syslog = 1;
			break;
		case OPT_VERSION:
			printf("zw-collector %s\n", ZW_VERSION);
			exit(0);
		default:
			usage();
		}
	}
	if (optind != argc || (o->store && o->no_store) ||
	    (o->rrd_dir && o->no_rrd))
		usage();
	if (o->check_only)
		return;
	if ((o->iface == NULL) == (o->nfiles == 0)) {
		log_warnx("give either -i interface or -r file");
		usage();
	}
	/* A file read once is written in one piece; a live capture streams. */
	o->pipe.atomic_outputs = o->iface == NULL && !o->looping;
}

/*
 * -n: read the configuration, say what is wrong or that it is fine.  The
 * rules' application names are checked against nDPI too.
 */
static int
check_config(const char *path)
{
	struct pipeline_conf	 pc;
	struct pipeline		*pl;
	struct conf		*c;
	char			 err[CONF_ERR_MAX];

	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILED;
	}
	pipeline_conf_default(&pc);
	pc.conf = c;
	pc.flows.max_flows = 1;
	if (c->protos_path[0] != '\0')
		pc.dpi.protos_file = c->protos_path;
	if ((pl = pipeline_new(&pc)) == NULL) {
		conf_free(c);
		return EXIT_FAILED;
	}
	pipeline_free(pl);
	if (log_getverbose())
		printf("%zu zones, %zu sites, %zu exits, %zu rules, retention "
		    "%u days\n", c->zones.n, c->sites.n, c->exits.n,
		    c->rules.n, c->retention_days);
	printf("configuration OK\n");
	if (log_getverbose())
		conf_settings_print(stdout, c, CONF_READ_COLLECTOR);
	conf_free(c);
	return 0;
}

/*
 * Zones and sites: a configuration named on the command line must load;
 * the default one is used if it is there.  Without one, flows carry no
 * zones or sites.
 */
static struct conf *
load_config(struct options *o)
{
	struct conf	*c;
	char		 err[CONF_ERR_MAX];

	if (!o->config_given && access(o->config, F_OK) == -1)
		return NULL;
	if ((c = conf_load(o->config, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	/* --protos names another file for this run. */
	if (o->pipe.dpi.protos_file == NULL && c->protos_path[0] != '\0')
		o->pipe.dpi.protos_file = c->protos_path;
	return c;
}

static void
on_signal(int sig)
{
	(void)sig;
	capture_request_stop();
}

static void
install_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Status and console views, on the wall clock. */
static void
report(struct run_state *rs, int final)
{
	struct status_view	 v;
	struct pipeline		*first;
	uint64_t		 now = capture_now_us();
	char			*json = NULL;
	size_t			 len = 0;

	if (!final && now < rs->next_status_us)
		return;
	rs->next_status_us = now + rs->opt->status_interval * 1000000;
	memset(&v, 0, sizeof(v));
	first = workers_first(rs->wk);
	workers_counters(rs->wk, &rs->counters, &v.cap);
	/* Live workers count their own sockets; else the one reader does. */
	if (rs->opt->iface == NULL) {
		v.cap = rs->files_read;
		if (rs->cap != NULL) {
			struct capture_stats	 cs;

			capture_stats(rs->cap, &cs);
			v.cap.received += cs.received;
			v.cap.bytes += cs.bytes;
		}
	}
	v.c = &rs->counters;
	v.dpi = pipeline_dpi(first);
	v.policy = pipeline_policy(first);
	v.sinks = pipeline_sinks_of(first);
	if (rs->store != NULL) {
		violation_store_stats(rs->store, &rs->store_last);
		v.store = &rs->store_last;
	} else if (rs->store_done)
		v.store = &rs->store_last;
	v.started_us = rs->started_us;
	v.wall_us = now;
	v.packets = rs->counters.pkt.packets;
	v.bytes = rs->counters.pkt.bytes;
	pipeline_sinks_lock(v.sinks);
	if (rs->opt->status_path != NULL)
		json = status_json(&v, &len);
	if (rs->opt->console && !final)
		status_print_console(stdout, &v, &rs->last);
	pipeline_sinks_unlock(v.sinks);
	/* The disk is synced without the lock every new flow takes. */
	if (rs->opt->status_path != NULL)
		status_write(rs->opt->status_path, json, len);
	free(json);
	rs->last = v;
}

static void
on_packet(void *arg, const struct decode_link *link, struct pkt *p,
    uint64_t now_us)
{
	struct run_state	*rs = arg;

	workers_packet(rs->wk, link, p, now_us);
	/* The wall clock is read on ticks and every 4096 packets only. */
	if (p == NULL || (++rs->calls & 4095) == 0)
		report(rs, 0);
}

/*
 * A live capture keeps its violations in the configured store; reading
 * files stores them only when asked to (--store), since a file is often
 * read to look, not to record.
 */
static struct violation_store *
start_store(struct options *o, const struct conf *conf)
{
	struct violation_store_conf	 c;
	struct violation_store		*vs;
	char				 err[CONF_ERR_MAX + 64];

	memset(&c, 0, sizeof(c));
	c.path = o->store;
	if (c.path == NULL && o->iface != NULL && !o->no_store &&
	    conf != NULL && conf->rules.n > 0)
		c.path = conf->store_path;
	if (c.path == NULL)
		return NULL;
	if (conf == NULL || conf->rules.n == 0)
		fatalx("--store: the configuration has no rules to check");
	c.conf = conf;
	/* A file has no deadline: its reader waits rather than drop. */
	c.wait_when_full = o->iface == NULL;
	if ((vs = violation_store_start(&c, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	return vs;
}

static const char *
category_name(void *dpi, uint16_t id)
{
	return dpi_category_name(dpi, id);
}

/* Trends per site and zone pair: as the store, live by default. */
static struct trend_writer *
start_trends(struct options *o, const struct conf *conf)
{
	struct trend_writer	*tw;
	const char		*dir = o->rrd_dir;
	char			 err[CONF_ERR_MAX + 64];

	if (dir == NULL && o->iface != NULL && !o->no_rrd && conf != NULL)
		dir = conf->rrd_dir;
	if (dir == NULL)
		return NULL;
	if (conf == NULL)
		fatalx("--rrd-dir: sites and zones need a configuration");
	o->pipe.step_s = conf->poll_interval_s;
	if ((tw = trend_writer_start(conf, dir, conf->poll_interval_s,
	    o->iface == NULL, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	return tw;
}

/*
 * Live with several workers, a socket each, joined in one fanout group
 * (named by the process, so that two collectors on one interface do not
 * share); what came before all had joined is dropped.
 */
static void
open_capture(struct run_state *rs)
{
	struct options	*o = rs->opt;
	unsigned int	 i, n = o->workers > 1 ? o->workers : 1;
	char		 err[512];

	for (i = 0; i < n; i++) {
		rs->caps[i] = capture_open_live(o->iface,
		    (unsigned int)o->buffer_mb, o->filter, err, sizeof(err));
		if (rs->caps[i] == NULL || (n > 1 && capture_fanout(
		    rs->caps[i], (uint16_t)getpid(), n, err,
		    sizeof(err)) == -1)) {
			log_warnx("capture: %s", err);
			goto fail;
		}
	}
	for (i = 0; n > 1 && i < n; i++)
		capture_drain(rs->caps[i]);
	log_info("capturing on %s (%s)%s", o->iface,
	    capture_link_name(rs->caps[0]), n > 1 ? ", a socket per worker" :
	    "");
	return;
fail:
	for (i = 0; i < n; i++) {
		capture_close(rs->caps[i]);
		rs->caps[i] = NULL;
	}
}

static void
report_now(void *arg)
{
	report(arg, 0);
}

static int
run_live(struct run_state *rs)
{
	char		 err[512];
	int		 rv;

	if (rs->caps[0] == NULL)
		return EXIT_FAILED;
	rv = workers_wait(rs->wk, rs->opt->count, report_now, rs, err,
	    sizeof(err));
	if (rv == -1)
		log_warnx("capture: %s: %s", rs->opt->iface, err);
	return rv == -1 ? EXIT_FAILED : 0;
}

/* After the pipelines have finished: the last status, then the sockets. */
static void
close_capture(struct run_state *rs)
{
	unsigned int	 i;

	report(rs, 1);
	for (i = 0; i < WORKERS_MAX; i++) {
		capture_close(rs->caps[i]);
		rs->caps[i] = NULL;
	}
	rs->cap = NULL;
}

/* Each file that can be opened now; the others fail in their turn. */
static void
open_files(struct options *o)
{
	int	 i;

	for (i = 0; i < o->nfiles; i++)
		o->fds[i] = open(o->files[i], O_RDONLY | O_CLOEXEC);
}

/*
 * Files are read in order.  When looping, each pass continues the
 * timeline where the previous one ended, so flows and trends see time
 * move on; the first pass starts now, as a live capture would.
 */
static int
run_files(struct run_state *rs)
{
	struct options	*o = rs->opt;
	struct capture	*c;
	struct capture_stats cs;
	char		 err[512];
	uint64_t	 pass, timeline = capture_now_us();
	int		 i, rv, failed = 0, damaged = 0;

	for (pass = 0; o->loops == 0 || pass < o->loops; pass++) {
		for (i = 0; i < o->nfiles && !capture_stopping(); i++) {
			if ((c = o->fds[i] != -1 ? capture_open_fd(o->fds[i],
			    o->files[i], o->filter, err, sizeof(err)) :
			    capture_open_file(o->files[i], o->filter, err,
			    sizeof(err))) == NULL) {
				log_warnx("capture: %s", err);
				failed = 1;
				continue;
			}
			rs->cap = c;
			workers_frames_stay(rs->wk, capture_frames_stay(c));
			capture_keep(c, workers_lag_bytes(rs->wk));
			rv = capture_run(c, on_packet, rs,
			    o->looping ? timeline : 0, o->speed,
			    o->count, err, sizeof(err));
			/* Workers may hold pointers into the file. */
			workers_drain(rs->wk);
			if (rv == -1) {
				capture_stats(c, &cs);
				log_warnx("capture: %s: damaged after %llu "
				    "records, which were processed: %s",
				    o->files[i], (unsigned long long)
				    cs.received, err);
				damaged = 1;
			}
			if (o->looping && capture_last_us(c) != 0)
				timeline = capture_last_us(c) + 1000000;
			report(rs, 0);
			capture_stats(c, &cs);
			rs->files_read.received += cs.received;
			rs->files_read.bytes += cs.bytes;
			capture_close(c);
			rs->cap = NULL;
		}
		if (capture_stopping() || ((failed || damaged) && o->looping))
			break;
	}
	return failed ? EXIT_FAILED : damaged ? EXIT_DAMAGED : 0;
}

/*
 * A count of frames has no meaning over several sockets: refused when
 * asked for, before anything is opened.
 */
static void
check_workers(const struct options *o)
{
	if (o->workers > 1 && o->iface != NULL && o->count > 0)
		fatalx("-c: with one worker only (--workers 1)");
}

/*
 * A worker each, one or more; the status sums the workers' counters and
 * names applications and rules through the first.  Live with no socket
 * opened, one reads nothing (run_live() says why), for the last status.
 */
static void
start_pipelines(struct run_state *rs)
{
	struct options	*o = rs->opt;
	struct pipeline	*first;
	int		 live = o->iface != NULL && rs->caps[0] != NULL;

	rs->wk = workers_start(&o->pipe, live || o->iface == NULL ?
	    o->workers : 1, live ? rs->caps : NULL);
	if (rs->wk == NULL)
		fatalx("cannot start %u workers", o->workers);
	first = workers_first(rs->wk);
	if (pipeline_counters_init(&rs->counters, first) == -1)
		fatalx("out of memory");
	if (rs->trends != NULL)
		trend_writer_names(rs->trends, category_name,
		    pipeline_dpi(first));
}

static void
summary(const struct run_state *rs, double elapsed_s)
{
	struct workers_totals	 t;
	unsigned int		 i;

	/* The last report() summed the counters. */
	status_print_totals(stderr, &rs->counters.pkt, &rs->counters.flows,
	    &rs->counters.dpi, elapsed_s);
	if (rs->wk == NULL)
		return;
	workers_totals(rs->wk, &t);
	if (t.n == 1)
		return;
	fprintf(stderr, "workers %u, packets each:", t.n);
	for (i = 0; i < t.n; i++)
		fprintf(stderr, " %" PRIu64, t.packets[i]);
	fprintf(stderr, "; rings full %" PRIu64 " times", t.ring_waits);
	if (rs->opt->iface != NULL)
		fprintf(stderr, "; passed on by their tunnel %" PRIu64
		    ", lost %" PRIu64, t.handed, t.lost);
	fputc('\n', stderr);
}
