/*
 * zw-poller: reads the counties' and townships' switches over SNMP once
 * a step, and writes what their ports carried to RRD files.  A process
 * of its own beside the collector, so that no switch can delay capture.
 */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "conf.h"
#include "privdrop.h"
#include "escape.h"
#include "log.h"
#include "net-events.h"
#include "parse.h"
#include "rates.h"
#include "rrd-out.h"
#include "snmp-poll.h"
#include "store.h"

#define EXIT_FAILED	1
#define EXIT_USAGE	2

struct options {
	const char	*config;
	int		 check_only;
	uint64_t	 count;		/* polls, 0: until stopped */
	unsigned int	 interval;	/* seconds; 0: the configuration's */
	const char	*rrd_dir;	/* overrides the configuration */
	int		 no_rrd;
	const char	*dump;		/* JSON of the last poll */
	const char	*store;		/* overrides the configuration */
	int		 no_store;
	int		 use_syslog;
};

/* What the poller keeps of a device between polls. */
struct device_state {
	struct snmp_poll_result	 last;
	int			 have_last;
	int			 said_no_octets;	/* once, not every poll */
};

static const struct rrd_out_kind if_kind = {
	"interface", { "in", "out", "in_err", "out_err", "in_disc",
	    "out_disc", "up", "speed" }, 8
};

static volatile sig_atomic_t	 quit;

static void	 usage(void) __attribute__((noreturn));
static void	 parse_options(int, char **, struct options *);
static void	 on_signal(int);
static void	 sleep_until(time_t);
static void	 record(const struct conf *, struct rrd_out *,
		    struct net_events *, struct device_state *,
		    struct snmp_poll_result *, time_t);
static int	 dump(const char *, const struct conf *,
		    const struct device_state *, const struct snmp_poll_result *,
		    time_t, double);

int
main(int argc, char *argv[])
{
	struct options		 opt;
	struct conf		*conf;
	struct rrd_out		*rrd = NULL;
	struct store		*store = NULL;
	struct net_events	*events = NULL;
	struct device_state	*state;
	struct snmp_poll_result	*results;
	char			 err[CONF_ERR_MAX + 64];
	unsigned int		 step;
	uint64_t		 polls = 0, poll_start_us;
	double			 poll_ms;
	time_t			 t;
	size_t			 i;

	log_init("zw-poller", LOG_TO_STDERR);
	parse_options(argc, argv, &opt);
	if ((conf = conf_load(opt.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EXIT_FAILED;
	}
	if (opt.check_only) {
		printf("configuration OK\n");
		/* -v: the settings it reads, as it will use them. */
		if (log_getverbose())
			conf_settings_print(stdout, conf, CONF_READ_POLLER);
		conf_free(conf);
		return 0;
	}
	if (opt.use_syslog)
		log_init("zw-poller", LOG_TO_SYSLOG);
	if (conf->devices.n == 0)
		fatalx("%s: no devices to poll", opt.config);
	step = opt.interval ? opt.interval : conf->poll_interval_s;
	if (!opt.no_rrd && (rrd = rrd_out_new(opt.rrd_dir ? opt.rrd_dir :
	    conf->rrd_dir, conf->rrdcached, step, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (rrd != NULL) {
		rrd_out_set_min_free(rrd, (uint64_t)conf->rrd_min_free_mb << 20);
		rrd_out_set_prefix(rrd, conf->rrd_prefix);
	}
	/* Link and utilisation events go where the violations are. */
	if (!opt.no_store) {
		if ((store = store_open(opt.store ? opt.store :
		    conf->store_path, STORE_CREATE, err, sizeof(err))) == NULL)
			fatalx("%s", err);
		if ((events = net_events_new(conf, store)) == NULL)
			fatal("net_events_new");
	}
	if (privdrop(conf_user(conf, CONF_POLLER), err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((state = calloc(conf->devices.n, sizeof(*state))) == NULL ||
	    (results = calloc(conf->devices.n, sizeof(*results))) == NULL)
		fatal("calloc");
	snmp_poll_init();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	log_info("polling %zu devices every %u s", conf->devices.n, step);

	/* Polls start on the step, as the RRDs count time. */
	for (t = time(NULL); !quit; t += step) {
		poll_start_us = snmp_poll_now_us();
		snmp_poll_run(conf, results, conf->max_outstanding);
		poll_ms = (double)(snmp_poll_now_us() - poll_start_us) / 1000;
		record(conf, rrd, events, state, results, t);
		if (opt.dump != NULL)
			dump(opt.dump, conf, state, results, t, poll_ms);
		for (i = 0; i < conf->devices.n; i++)
			if (results[i].ok) {
				if_table_move(&state[i].last.table,
				    &results[i].table);
				state[i].last.uptime = results[i].uptime;
				state[i].last.have_uptime =
				    results[i].have_uptime;
				state[i].last.uptime_us = results[i].uptime_us;
				state[i].last.done_us = results[i].done_us;
				state[i].have_last = 1;
			}
		if (opt.count && ++polls >= opt.count)
			break;
		sleep_until(t + step);
	}
	for (i = 0; i < conf->devices.n; i++) {
		if_table_free(&state[i].last.table);
		if_table_free(&results[i].table);
	}
	free(state);
	free(results);
	rrd_out_free(rrd);
	net_events_free(events);
	store_close(store);
	conf_free(conf);
	snmp_poll_shutdown();
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: zw-poller [-n] [-v] [--config file] "
	    "[--count n] [--interval s]\n"
	    "           [--rrd-dir dir | --no-rrd] [--store file | --no-store]\n"
	    "           [--status file] [--syslog]\n");
	exit(EXIT_USAGE);
}

enum { OPT_CONFIG = 256, OPT_COUNT, OPT_INTERVAL, OPT_RRD_DIR, OPT_NO_RRD,
	OPT_DUMP, OPT_SYSLOG, OPT_STORE, OPT_NO_STORE };

static const struct option longopts[] = {
	{ "config",	required_argument, NULL, OPT_CONFIG },
	{ "count",	required_argument, NULL, OPT_COUNT },
	{ "interval",	required_argument, NULL, OPT_INTERVAL },
	{ "rrd-dir",	required_argument, NULL, OPT_RRD_DIR },
	{ "no-rrd",	no_argument,	   NULL, OPT_NO_RRD },
	{ "dump",	required_argument, NULL, OPT_DUMP },
	{ "status",	required_argument, NULL, OPT_DUMP },
	{ "store",	required_argument, NULL, OPT_STORE },
	{ "no-store",	no_argument,	   NULL, OPT_NO_STORE },
	{ "syslog",	no_argument,	   NULL, OPT_SYSLOG },
	{ NULL,		0,		   NULL, 0 }
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int		 ch;

	memset(o, 0, sizeof(*o));
	o->config = ZW_CONFIG;
	while ((ch = getopt_long(argc, argv, "nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->check_only = 1;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_COUNT:
			o->count = parse_option("--count", optarg, 1,
			    UINT32_MAX);
			break;
		case OPT_INTERVAL:
			o->interval = (unsigned int)parse_option("--interval",
			    optarg, 1, 3600);
			break;
		case OPT_RRD_DIR:
			o->rrd_dir = optarg;
			break;
		case OPT_NO_RRD:
			o->no_rrd = 1;
			break;
		case OPT_DUMP:
			o->dump = optarg;
			break;
		case OPT_SYSLOG:
			o->use_syslog = 1;
			break;
		case OPT_STORE:
			o->store = optarg;
			break;
		case OPT_NO_STORE:
			o->no_store = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
on_signal(int sig)
{
	quit = 1;
}

static void
sleep_until(time_t t)
{
	struct timespec	 ts = { t, 0 };

	while (!quit && clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts,
	    NULL) != 0)
		;
}

static void
reading_of(struct reading *r, const struct if_row *row,
    const struct snmp_poll_result *res)
{
	r->row = row;
	if (row != NULL && row->at_us != 0) {
		r->uptime = row->uptime;
		r->have_uptime = row->have_uptime;
		r->at_us = row->at_us;
		return;
	}
	r->uptime = res->uptime;
	r->have_uptime = res->have_uptime;
	r->at_us = res->uptime_us ? res->uptime_us : res->done_us;
}

/* Each interface's rates since the last poll, to its RRD; events. */
static void
record(const struct conf *c, struct rrd_out *rrd, struct net_events *ev,
    struct device_state *st, struct snmp_poll_result *res, time_t t)
{
	struct reading	 a, b;
	struct rates	 r;
	char		 name[512], label[IF_NAME_MAX + 8], safe[IF_TEXT_MAX];
	double		 v[8];
	int64_t		 now_us = (int64_t)t * 1000000;
	size_t		 i, j;

	if (ev != NULL)
		net_events_begin(ev);
	for (i = 0; i < c->devices.n; i++) {
		if (ev != NULL)
			net_events_device(ev, i, res[i].ok, res[i].error,
			    now_us);
		if (!res[i].ok) {
			log_warnx("%s: %s", c->devices.v[i].name, res[i].error);
			continue;
		}
		for (j = 0; j < res[i].table.n; j++) {
			const struct if_row *row = &res[i].table.rows[j];
			const struct if_row *prev = st[i].have_last ?
			    if_table_find(&st[i].last.table, row->index) : NULL;

			reading_of(&b, row, &res[i]);
			reading_of(&a, prev, &st[i].last);
			rates_compute(&a, &b, &r);
			if (r.unknown == rates_no_octets &&
			    !st[i].said_no_octets) {
				log_warnx("%s: %s", c->devices.v[i].name,
				    rates_no_octets);
				st[i].said_no_octets = 1;
			}
			if (ev != NULL)
				net_events_port(ev, i, prev, row, &r, now_us);
			if (rrd == NULL)
				continue;
			memcpy(v, r.v, sizeof(r.v));
			v[6] = if_row_has(row, IF_COL_OPER) ?
			    (row->oper == 1 ? 1 : 0) : NAN;
			v[7] = if_row_speed(row) ? (double)if_row_speed(row) :
			    NAN;
			rrd_out_safe_name(if_row_label(row, label,
			    sizeof(label)), safe, sizeof(safe));
			snprintf(name, sizeof(name), "if/%s/%s",
			    c->devices.v[i].name, safe);
			rrd_out_update(rrd, &if_kind, name, t, v);
		}
	}
	if (ev != NULL)
		net_events_commit(ev);
}

static void
json_text(FILE *fp, const char *key, const char *value)
{
	char	 esc[IF_TEXT_MAX * 6];

	escape_json(esc, sizeof(esc), value);
	fprintf(fp, ",\"%s\":\"%s\"", key, esc);
}

static void
json_number(FILE *fp, const char *key, double v)
{
	if (isnan(v))
		fprintf(fp, ",\"%s\":null", key);
	else
		fprintf(fp, ",\"%s\":%.3f", key, v);
}

/* A status that cannot be written is said once, not every poll. */
static int	 dump_failing;

/* The last poll as JSON, for people and tests; replaced atomically. */
static int
dump(const char *path, const struct conf *c, const struct device_state *st,
    const struct snmp_poll_result *res, time_t t, double poll_ms)
{
	struct reading	 a, b;
	struct rates	 r;
	struct afile	*af;
	FILE		*fp;
	size_t		 i, j;

	if ((af = afile_open(path)) == NULL) {
		log_warn_once(&dump_failing, "status: %s", path);
		return -1;
	}
	/* The web UI and the subagent, other accounts of the group, read it. */
	afile_mode(af, 0640);
	fp = afile_fp(af);
	fprintf(fp, "{\"time\":%lld,\"poll_ms\":%.1f,\"devices\":[",
	    (long long)t, poll_ms);
	for (i = 0; i < c->devices.n; i++) {
		const struct snmp_poll_result *d = &res[i];

		fprintf(fp, "%s\n{\"name\":\"%s\",\"ok\":%s", i ? "," : "",
		    c->devices.v[i].name, d->ok ? "true" : "false");
		json_text(fp, "error", d->error);
		fprintf(fp, ",\"requests\":%u,\"bad_values\":%u,\"ms\":%.1f,"
		    "\"finished\":%u,\"uptime\":%u,\"dropped_rows\":%u,"
		    "\"interfaces\":[", d->requests, d->bad_values,
		    (double)(d->done_us - d->started_us) / 1000, d->finished,
		    d->uptime,
		    d->table.dropped);
		for (j = 0; j < d->table.n; j++) {
			const struct if_row *row = &d->table.rows[j];

			reading_of(&b, row, d);
			reading_of(&a, st[i].have_last ? if_table_find(
			    &st[i].last.table, row->index) : NULL, &st[i].last);
			rates_compute(&a, &b, &r);
			fprintf(fp, "%s\n {\"index\":%u", j ? "," : "",
			    row->index);
			json_text(fp, "name", row->name);
			json_text(fp, "descr", row->descr);
			json_text(fp, "alias", row->alias);
			fprintf(fp, ",\"speed\":%llu,\"admin\":%u,\"oper\":%u,"
			    "\"counter_bits\":%d,\"in_octets\":%llu,"
			    "\"out_octets\":%llu",
			    (unsigned long long)if_row_speed(row), row->admin,
			    row->oper, rates_width(row),
			    (unsigned long long)(rates_width(row) == 64 ?
			    row->in_octets : row->in32),
			    (unsigned long long)(rates_width(row) == 64 ?
			    row->out_octets : row->out32));
			json_number(fp, "in_bps", r.v[RATE_IN_BPS]);
			json_number(fp, "out_bps", r.v[RATE_OUT_BPS]);
			json_text(fp, "unknown", r.unknown ? r.unknown : "");
			fputc('}', fp);
		}
		fprintf(fp, "]}");
	}
	fprintf(fp, "\n]}\n");
	if (afile_commit(af) == -1) {
		log_warn_once(&dump_failing, "status: %s", path);
		return -1;
	}
	log_info_ended(&dump_failing, "status: %s: written again", path);
	return 0;
}
