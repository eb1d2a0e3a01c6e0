/*
 * Where the processes publish their state (the collector's status
 * snapshot, the poller's), and what the SNMP subagent reads and sends:
 * snmpd's AgentX socket and the thresholds of its notifications; where
 * reports are kept and the key that signs them.
 */
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "conf-parse.h"
#include "parse.h"

static int
path(struct conf_parser *ps, const char *what, const char *arg, char *out,
    size_t len)
{
	if (conf_include_path(ps, arg, out, len) == -1) {
		conf_error(ps, "%s %s: path too long", what, arg);
		return -1;
	}
	return 0;
}

int
conf_agent_status(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "status", argv[0], ps->conf->status_path,
	    sizeof(ps->conf->status_path));
}

int
conf_agent_poller_status(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "poller-status", argv[0],
	    ps->conf->poller_status_path,
	    sizeof(ps->conf->poller_status_path));
}

/* A path (a unix socket), "unix:PATH" or "tcp:HOST:PORT", as snmpd takes. */
int
conf_agent_socket(struct conf_parser *ps, int argc, char **argv)
{
	return conf_set_text(ps, ps->conf->agentx_socket,
	    sizeof(ps->conf->agentx_socket), argv[0]);
}

int
conf_agent_notify_severity(struct conf_parser *ps, int argc, char **argv)
{
	int	 s;

	if ((s = conf_severity_parse(argv[0])) < 0) {
		conf_error(ps, "notify-severity %s: one of critical, high, "
		    "medium, low, info (that and worse are sent)", argv[0]);
		return -1;
	}
	ps->conf->notify_severity = (enum severity)s;
	return 0;
}

int
conf_agent_notify_drops(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "notify-drops", argv[0], 1, 100000000,
	    &ps->conf->notify_drops);
}

int
conf_agent_notify_store(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "notify-store", argv[0], 1, 100,
	    &ps->conf->notify_store);
}

int
conf_agent_report_key(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "report-key", argv[0], ps->conf->report_key,
	    sizeof(ps->conf->report_key));
}

int
conf_agent_report_dir(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "report-dir", argv[0], ps->conf->report_dir,
	    sizeof(ps->conf->report_dir));
}

int
conf_agent_webui_listen(struct conf_parser *ps, int argc, char **argv)
{
	return conf_set_text(ps, ps->conf->webui_listen,
	    sizeof(ps->conf->webui_listen), argv[0]);
}

int
conf_agent_webui_cert(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "webui-cert", argv[0], ps->conf->webui_cert,
	    sizeof(ps->conf->webui_cert));
}

int
conf_agent_webui_key(struct conf_parser *ps, int argc, char **argv)
{
	return path(ps, "webui-key", argv[0], ps->conf->webui_key,
	    sizeof(ps->conf->webui_key));
}

/* A bearer token for Prometheus' scrapes of /metrics. */
int
conf_agent_metrics_token(struct conf_parser *ps, int argc, char **argv)
{
	if (strlen(argv[0]) < 16) {
		conf_error(ps, "webui-metrics-token: at least 16 characters");
		return -1;
	}
	return conf_set_text(ps, ps->conf->metrics_token,
	    sizeof(ps->conf->metrics_token), argv[0]);
}

/* Login attempts a minute from one address (10). */
int
conf_agent_login_rate(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "webui-login-rate", argv[0], 1, 100000,
	    &ps->conf->login_rate);
}

/* Requests a second from one address (50), with bursts of four times. */
int
conf_agent_request_rate(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "webui-request-rate", argv[0], 1, 10000000,
	    &ps->conf->request_rate);
}

/* Seconds a session may stay idle (900: level protection's usual). */
int
conf_agent_idle(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "webui-idle", argv[0], 1, 86400,
	    &ps->conf->webui_idle_s);
}

/* The user the daemons become once what needs root is open. */
int
conf_agent_user(struct conf_parser *ps, int argc, char **argv)
{
	if (!conf_valid_name(ps, "user", argv[0]))
		return -1;
	return conf_set_text(ps, ps->conf->user, sizeof(ps->conf->user),
	    argv[0]);
}

/*
 * One daemon's own account (collector-user and the others), over user:
 * each daemon holds only what its job needs.
 */
static int
daemon_user(struct conf_parser *ps, enum conf_daemon d, const char *what,
    const char *name)
{
	if (!conf_valid_name(ps, what, name))
		return -1;
	return conf_set_text(ps, ps->conf->daemon_user[d],
	    sizeof(ps->conf->daemon_user[d]), name);
}

int
conf_agent_collector_user(struct conf_parser *ps, int argc, char **argv)
{
	return daemon_user(ps, CONF_COLLECTOR, "collector-user", argv[0]);
}

int
conf_agent_poller_user(struct conf_parser *ps, int argc, char **argv)
{
	return daemon_user(ps, CONF_POLLER, "poller-user", argv[0]);
}

int
conf_agent_webui_user(struct conf_parser *ps, int argc, char **argv)
{
	return daemon_user(ps, CONF_WEBUI, "webui-user", argv[0]);
}

int
conf_agent_agentx_user(struct conf_parser *ps, int argc, char **argv)
{
	return daemon_user(ps, CONF_AGENTX, "agentx-user", argv[0]);
}

const char *
conf_user(const struct conf *c, enum conf_daemon d)
{
	if (c == NULL || (unsigned)d >= CONF_NDAEMONS)
		return NULL;
	return c->daemon_user[d][0] != '\0' ? c->daemon_user[d] : c->user;
}

/* This appliance's directory under a central rrdcached. */
int
conf_agent_rrd_prefix(struct conf_parser *ps, int argc, char **argv)
{
	if (!conf_valid_name(ps, "rrd-prefix", argv[0]))
		return -1;
	return conf_set_text(ps, ps->conf->rrd_prefix,
	    sizeof(ps->conf->rrd_prefix), argv[0]);
}

/* The IPFIX collector flow records go to: "udp:HOST:PORT" or "tcp:...". */
int
conf_agent_ipfix(struct conf_parser *ps, int argc, char **argv)
{
	const char	*host = argv[0] + 4, *colon, *errstr;
	uint64_t	 port;

	/* An IPv6 address goes in brackets: [2001:db8::1]:4739. */
	if ((strncmp(argv[0], "udp:", 4) != 0 &&
	    strncmp(argv[0], "tcp:", 4) != 0) ||
	    (colon = strrchr(host, ':')) == NULL || colon == host ||
	    (host[0] == '[' ? colon[-1] != ']' || colon - host < 3 :
	    memchr(host, ':', (size_t)(colon - host)) != NULL)) {
		conf_error(ps, "ipfix %s: udp:HOST:PORT or tcp:HOST:PORT",
		    argv[0]);
		return -1;
	}
	if (parse_u64(colon + 1, 1, 65535, &port, &errstr) == -1) {
		conf_error(ps, "ipfix %s: port %s %s (1 to 65535)", argv[0],
		    colon + 1, errstr);
		return -1;
	}
	return conf_set_text(ps, ps->conf->ipfix, sizeof(ps->conf->ipfix),
	    argv[0]);
}

/* The collector's pipelines on a live interface (zw-collector --workers). */
int
conf_agent_workers(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "workers", argv[0], 0, CONF_WORKERS_MAX,
	    &ps->conf->workers);
}

int
conf_agent_ipfix_domain(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "ipfix-domain", argv[0], 0, UINT32_MAX,
	    &ps->conf->ipfix_domain);
}
