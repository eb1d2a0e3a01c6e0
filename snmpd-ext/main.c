/*
 * zw-agentx: zonewatch's own MIB (ZONEWATCH-MIB) through the system's
 * snmpd, as an AgentX subagent (RFC 2741), and its notifications.
 *
 * It reads what the collector and the poller publish and what the store
 * holds, every --refresh seconds, and answers requests from the rows it
 * made then: a slow or stopped collector never holds up an answer.  When
 * snmpd restarts, net-snmp's library reconnects (AgentX ping interval).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent-state.h"
#include "conf.h"
#include "log.h"
#include "mib-zonewatch.h"
#include "notify.h"
#include "parse.h"
#include "privdrop.h"
#include "store.h"

#define EXIT_USAGE	2
#define PING_S		2	/* how soon a restarted snmpd is found again */
#define P95_SITES	50	/* sites whose percentiles one refresh reads */

struct options {
	const char	*config;
	const char	*socket;
	const char	*status;
	const char	*poller_status;
	const char	*store;
	const char	*rrd_dir;
	uint64_t	 refresh_s;
	int		 check_only;
	int		 use_syslog;
};

struct agent {
	struct options		*opt;
	struct conf		*conf;
	struct agent_state	*state;
	struct notify		*notify;
	struct store		*store;
};

static volatile sig_atomic_t	 quit;
static struct agent		 agent;

static void	 usage(void) __attribute__((noreturn));
static void	 parse_options(int, char **, struct options *);
static void	 subagent_start(const char *socket);
static void	 refresh(unsigned int, void *);
static void	 on_signal(int);

int
main(int argc, char *argv[])
{
	struct options		 opt;
	struct sigaction	 sa;
	char			 err[CONF_ERR_MAX];

	log_init("zw-agentx", LOG_TO_STDERR);
	parse_options(argc, argv, &opt);
	if ((agent.conf = conf_load(opt.config, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (opt.check_only) {
		printf("configuration OK\n");
		/* -v: the settings it reads, as it will use them. */
		if (log_getverbose())
			conf_settings_print(stdout, agent.conf, CONF_READ_AGENTX);
		conf_free(agent.conf);
		return 0;
	}
	if (opt.use_syslog)
		log_init("zw-agentx", LOG_TO_SYSLOG);
	agent.opt = &opt;
	if ((agent.state = agent_state_new(agent.conf)) == NULL ||
	    (agent.notify = notify_new(agent.conf)) == NULL)
		fatal("agent state");

	subagent_start(opt.socket ? opt.socket : agent.conf->agentx_socket);
	if (mib_zonewatch_register() == -1)
		fatalx("cannot register ZONEWATCH-MIB");
	init_snmp("zw-agentx");
	if (privdrop(conf_user(agent.conf, CONF_AGENTX), err, sizeof(err)) == -1)
		fatalx("%s", err);
	refresh(0, NULL);
	snmp_alarm_register((unsigned int)opt.refresh_s, SA_REPEAT, refresh,
	    NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: select returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	log_info("serving enterprises.%d through %s, refreshed every %llu s",
	    ZW_ENTERPRISE, opt.socket ? opt.socket : agent.conf->agentx_socket,
	    (unsigned long long)opt.refresh_s);
	while (!quit)
		agent_check_and_process(1);

	log_info("stopping");
	snmp_shutdown("zw-agentx");
	store_close(agent.store);
	notify_free(agent.notify);
	agent_state_free(agent.state);
	conf_free(agent.conf);
	return 0;
}

/*
 * net-snmp as a subagent that reads no snmp configuration files and
 * writes no persistent state: all it needs is set here.
 */
static void
subagent_start(const char *socket)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* Answers need no MIB files: numeric OIDs only, nothing to load. */
	setenv("MIBS", "", 1);
	snmp_disable_log();
	if (log_getverbose() > 0)
		snmp_enable_stderrlog();
	if (init_agent("zw-agentx") != 0)
		fatalx("cannot start the AgentX subagent");
	/* init_agent() sets the ping interval back to its default (15 s). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, PING_S);
}

/* The store may not exist yet: it is looked for at each refresh. */
static struct store *
store_get(void)
{
	const char	*path = agent.opt->store ? agent.opt->store :
			    agent.conf->store_path;
	char		 err[512];

	if (agent.store == NULL && access(path, R_OK) == 0 &&
	    (agent.store = store_open(path, STORE_READONLY, err,
	    sizeof(err))) == NULL)
		log_warnx("%s", err);
	return agent.store;
}

static void
refresh(unsigned int reg, void *arg)
{
	struct agent_state	*st = agent.state;
	const struct options	*o = agent.opt;

	st->now = time(NULL);
	agent_state_read_status(st, o->status ? o->status :
	    agent.conf->status_path);
	agent_state_read_poller(st, o->poller_status ? o->poller_status :
	    agent.conf->poller_status_path);
	agent_state_read_store(st, store_get(), o->store ? o->store :
	    agent.conf->store_path);
	agent_state_p95(st, o->rrd_dir ? o->rrd_dir : agent.conf->rrd_dir,
	    P95_SITES);
	mib_zonewatch_update(st);
	notify_check(agent.notify, st, agent.store);
}

static void
on_signal(int sig)
{
	quit = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: zw-agentx [-nv] [-c config] [-x agentx-socket] "
	    "[--status file]\n"
	    "           [--poller-status file] [--store file] "
	    "[--rrd-dir dir]\n"
	    "           [--refresh seconds] [--syslog]\n");
	exit(EXIT_USAGE);
}

enum { OPT_STATUS = 256, OPT_POLLER, OPT_STORE, OPT_RRD_DIR, OPT_REFRESH,
	OPT_SYSLOG, OPT_CONFIG };

static const struct option longopts[] = {
	{ "config",		required_argument, NULL, OPT_CONFIG },
	{ "status",		required_argument, NULL, OPT_STATUS },
	{ "poller-status",	required_argument, NULL, OPT_POLLER },
	{ "store",		required_argument, NULL, OPT_STORE },
	{ "rrd-dir",		required_argument, NULL, OPT_RRD_DIR },
	{ "refresh",		required_argument, NULL, OPT_REFRESH },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ NULL,			0,		   NULL, 0 }
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int		 ch;

	memset(o, 0, sizeof(*o));
	o->config = ZW_CONFIG;
	o->refresh_s = 5;
	while ((ch = getopt_long(argc, argv, "c:nvx:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case 'n':
			o->check_only = 1;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case 'x':
			o->socket = optarg;
			break;
		case OPT_STATUS:
			o->status = optarg;
			break;
		case OPT_POLLER:
			o->poller_status = optarg;
			break;
		case OPT_STORE:
			o->store = optarg;
			break;
		case OPT_RRD_DIR:
			o->rrd_dir = optarg;
			break;
		case OPT_REFRESH:
			o->refresh_s = parse_option("--refresh", optarg, 1,
			    3600);
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
