/*
 * The settings: one row each (name, kind, bounds, default, the field it
 * is kept in, the programs that read it, what it means).  Parsing, the
 * defaults, the man page's list (zwctl settings --mdoc, checked against
 * zonewatch.conf.5 by the tests), the -n listings and the web UI's
 * settings page all come from this table; blocks (zone, site, device,
 * ...) keep their handlers in conf.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf-parse.h"
#include "parse.h"

#define F(field)	offsetof(struct conf, field), \
			sizeof(((struct conf *)0)->field)
#define ALL		(CONF_READ_COLLECTOR | CONF_READ_POLLER | \
			 CONF_READ_WEBUI | CONF_READ_AGENTX | CONF_READ_ZWCTL)
#define COL		CONF_READ_COLLECTOR
#define POL		CONF_READ_POLLER
#define WEB		CONF_READ_WEBUI
#define AGX		CONF_READ_AGENTX
#define CTL		CONF_READ_ZWCTL

static int	check_ipfix(struct conf_parser *, const char *);

const struct conf_setting conf_settings[] = {
	{ "admin-store", CONF_T_PATH, F(admin_store), 0, 0, "", 0,
	  WEB | CTL, NULL, "the administrators' store: users, audit trail, "
	  "reviews (empty: admin/admin.db beside the store)", NULL,
	  "管理库：用户、审计记录、审核历史（空：事件库旁的 admin/admin.db）" },
	{ "agentx-socket", CONF_T_TEXT, F(agentx_socket), 0, 0,
	  AGENTX_DEFAULT_SOCKET, 0, AGX, NULL,
	  "snmpd's AgentX socket: a path, unix:PATH or tcp:HOST:PORT", NULL,
	  "snmpd 的 AgentX 套接字：路径、unix:路径 或 tcp:主机:端口" },
	{ "agentx-user", CONF_T_NAME, F(daemon_user[CONF_AGENTX]), 0, 0, "",
	  0, AGX, NULL, "the subagent's account (empty: user)", NULL,
	  "SNMP 子代理的账户（空：同 user）" },
	{ "collector-user", CONF_T_NAME, F(daemon_user[CONF_COLLECTOR]), 0,
	  0, "", 0, COL, NULL, "the collector's account (empty: user)", NULL,
	  "采集进程的账户（空：同 user）" },
	{ "dedupe-window", CONF_T_NUMBER, F(dedupe_window_s), 0, 86400, NULL,
	  DEDUPE_DEFAULT_S, COL, NULL, "seconds in which repeats of a "
	  "violation update one record (0: every flow its own record)", NULL,
	  "同一违规在此秒数内重复出现时更新同一条记录（0：每个流一条）" },
	{ "evidence-packets", CONF_T_NUMBER, F(evidence_packets), 0,
	  EVIDENCE_MAX_PKTS, NULL, EVIDENCE_DEFAULT_PKTS, COL, NULL,
	  "packets kept as evidence of a violating flow (0: none)", NULL,
	  "每个违规流保留为证据的报文数（0：不保留）" },
	{ "ipfix", CONF_T_TEXT, F(ipfix), 0, 0, "", 0, COL, check_ipfix,
	  "the IPFIX collector of flow records: udp:HOST:PORT or "
	  "tcp:HOST:PORT (empty: no export)", NULL,
	  "流记录的 IPFIX 接收端：udp:主机:端口 或 tcp:主机:端口（空：不导出）" },
	{ "ipfix-domain", CONF_T_NUMBER, F(ipfix_domain), 0, UINT32_MAX, NULL,
	  1, COL, NULL, "the IPFIX observation domain (RFC 7011, 3.1)", NULL,
	  "IPFIX 观测域（RFC 7011, 3.1）" },
	{ "max-outstanding", CONF_T_NUMBER, F(max_outstanding), 1, 512, NULL,
	  OUTSTANDING_DEFAULT, POL, NULL, "switches polled at once", NULL,
	  "同时轮询的交换机数" },
	{ "notify-drops", CONF_T_NUMBER, F(notify_drops), 1, 100000000, NULL,
	  NOTIFY_DROPS_DEFAULT, AGX, NULL,
	  "packets lost a second that raise a notification", NULL,
	  "每秒丢包达到此数时发出通知" },
	{ "notify-severity", CONF_T_SEVERITY, F(notify_severity), 0, 0, NULL,
	  SEV_HIGH, AGX, NULL, "violations of this severity and worse are "
	  "notified: critical, high, medium, low or info", NULL,
	  "此级别及更严重的违规发出通知：critical、high、medium、low 或 info" },
	{ "notify-store", CONF_T_NUMBER, F(notify_store), 1, 100, NULL,
	  NOTIFY_STORE_DEFAULT, AGX, NULL,
	  "percent of the store's disk used that raises a notification", NULL,
	  "事件库所在磁盘使用率达到此百分比时发出通知" },
	{ "poll-interval", CONF_T_NUMBER, F(poll_interval_s), 10, 3600, NULL,
	  POLL_DEFAULT_S, COL | POL | WEB, NULL,
	  "seconds between polls of a switch; the trends' step too", NULL,
	  "两次轮询交换机之间的秒数，也是趋势数据的步长" },
	{ "poller-status", CONF_T_PATH, F(poller_status_path), 0, 0,
	  POLLER_STATUS_DEFAULT_PATH, 0, POL | WEB | AGX | CTL, NULL,
	  "the poller's status file", NULL,
	  "轮询进程的状态文件" },
	{ "poller-user", CONF_T_NAME, F(daemon_user[CONF_POLLER]), 0, 0, "",
	  0, POL, NULL, "the poller's account (empty: user)", NULL,
	  "轮询进程的账户（空：同 user）" },
	{ "protos", CONF_T_PATH, F(protos_path), 0, 0, "", 0, COL | CTL, NULL,
	  "nDPI's custom protocols file (empty: none)", NULL,
	  "nDPI 自定义协议文件（空：无）" },
	{ "report-dir", CONF_T_PATH, F(report_dir), 0, 0, REPORT_DIR_DEFAULT,
	  0, WEB | CTL, NULL, "where the signed reports are kept", NULL,
	  "已签名报告的存放目录" },
	{ "report-key", CONF_T_PATH, F(report_key), 0, 0, REPORT_KEY_DEFAULT,
	  0, WEB | CTL, NULL, "the key that signs reports", NULL,
	  "报告签名私钥" },
	{ "retention-days", CONF_T_NUMBER, F(retention_days),
	  RETENTION_MIN_DAYS, 36500, NULL, RETENTION_MIN_DAYS,
	  COL | WEB | CTL, NULL,
	  "days records, evidence and the audit trail are kept",
	  "six months of logs, Cybersecurity Law art. 21",
	  "记录、证据与审计日志的保存天数" },
	{ "rrd-dir", CONF_T_PATH, F(rrd_dir), 0, 0, RRD_DEFAULT_DIR, 0, ALL,
	  NULL, "the trends' RRD files", NULL,
	  "趋势数据的 RRD 文件目录" },
	{ "rrd-min-free", CONF_T_NUMBER, F(rrd_min_free_mb), 0, 1048576, NULL,
	  RRD_DEFAULT_MIN_FREE_MB, COL | POL, NULL,
	  "megabytes that creating an RRD must leave free", NULL,
	  "新建 RRD 文件须保留的可用空间（MB）" },
	{ "rrd-prefix", CONF_T_NAME, F(rrd_prefix), 0, 0, "", 0, COL | POL,
	  NULL, "this appliance's directory under a central rrdcached", NULL,
	  "本设备在集中 rrdcached 下的目录" },
	{ "rrdcached", CONF_T_TEXT, F(rrdcached), 0, 0, "", 0, COL | POL,
	  NULL, "rrdcached's address: unix:PATH, a path or HOST:PORT "
	  "(empty: files are written directly)", NULL,
	  "rrdcached 地址：unix:路径、路径或 主机:端口（空：直接写文件）" },
	{ "status", CONF_T_PATH, F(status_path), 0, 0, STATUS_DEFAULT_PATH, 0,
	  COL | WEB | AGX | CTL, NULL, "the collector's status file", NULL,
	  "采集进程的状态文件" },
	{ "store", CONF_T_PATH, F(store_path), 0, 0, STORE_DEFAULT_PATH, 0,
	  ALL, NULL, "the event store: violations, evidence, network events", NULL,
	  "事件库：违规、证据、网络事件" },
	{ "user", CONF_T_NAME, F(user), 0, 0, "", 0, ALL, NULL,
	  "the account the daemons become once what needs root is open "
	  "(empty: they stay who they are)", NULL,
	  "各进程完成需 root 的操作后切换到的账户（空：保持不变）" },
	{ "utilisation-alert", CONF_T_NUMBER, F(utilisation_alert), 1, 100,
	  NULL, UTILISATION_DEFAULT, POL, NULL,
	  "percent of a contracted bandwidth that raises an event", NULL,
	  "达到签约带宽此百分比时产生事件" },
	{ "webui-cert", CONF_T_PATH, F(webui_cert), 0, 0, WEBUI_CERT_DEFAULT,
	  0, WEB | CTL, NULL, "the web UI's certificate (PEM)", NULL,
	  "Web 界面证书（PEM）" },
	{ "webui-idle", CONF_T_NUMBER, F(webui_idle_s), 1, 86400, NULL, 900,
	  WEB, NULL, "seconds a session may stay idle", NULL,
	  "会话空闲多少秒后结束" },
	{ "webui-key", CONF_T_PATH, F(webui_key), 0, 0, WEBUI_KEY_DEFAULT, 0,
	  WEB | CTL, NULL, "the web UI's private key (PEM)", NULL,
	  "Web 界面私钥（PEM）" },
	{ "webui-listen", CONF_T_TEXT, F(webui_listen), 0, 0,
	  WEBUI_LISTEN_DEFAULT, 0, WEB | CTL, NULL,
	  "the web UI's address and port", NULL,
	  "Web 界面监听地址与端口" },
	{ "webui-login-rate", CONF_T_NUMBER, F(login_rate), 1, 100000, NULL,
	  10, WEB, NULL, "login attempts a minute from one address", NULL,
	  "每个地址每分钟的登录尝试次数" },
	{ "webui-metrics-token", CONF_T_SECRET, F(metrics_token), 16, 0, "",
	  0, WEB, NULL, "the bearer token of Prometheus' scrapes of /metrics, "
	  "16 characters at least (empty: no /metrics)", NULL,
	  "Prometheus 抓取 /metrics 的令牌，至少 16 个字符（空：不提供 /metrics）" },
	{ "webui-request-rate", CONF_T_NUMBER, F(request_rate), 1, 10000000,
	  NULL, 50, WEB, NULL,
	  "requests a second from one address, in bursts of four times", NULL,
	  "每个地址每秒的请求数（突发为其四倍）" },
	{ "webui-user", CONF_T_NAME, F(daemon_user[CONF_WEBUI]), 0, 0, "", 0,
	  WEB, NULL, "the web UI's account (empty: user)", NULL,
	  "Web 界面进程的账户（空：同 user）" },
	{ "workers", CONF_T_NUMBER, F(workers), 0, CONF_WORKERS_MAX, NULL, 0,
	  COL, NULL, "pipelines on a live interface (0: the cores less one)", NULL,
	  "在线接口上的流水线数（0：CPU 核数减一）" },
	{ NULL, 0, 0, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};

static const char *const kind_names[] = {
	[CONF_T_PATH] = "path", [CONF_T_TEXT] = "text",
	[CONF_T_NAME] = "name", [CONF_T_SECRET] = "secret",
	[CONF_T_NUMBER] = "number", [CONF_T_SEVERITY] = "severity"
};

static const char *const reader_names[] = {
	"zw-collector", "zw-poller", "zw-webui", "zw-agentx", "zwctl"
};

/* The IPFIX collector: "udp:HOST:PORT" or "tcp:...". */
static int
check_ipfix(struct conf_parser *ps, const char *arg)
{
	const char	*host = arg + 4, *colon, *errstr;
	uint64_t	 port;

	/* An IPv6 address goes in brackets: [2001:db8::1]:4739. */
	if ((strncmp(arg, "udp:", 4) != 0 && strncmp(arg, "tcp:", 4) != 0) ||
	    (colon = strrchr(host, ':')) == NULL || colon == host ||
	    (host[0] == '[' ? colon[-1] != ']' || colon - host < 3 :
	    memchr(host, ':', (size_t)(colon - host)) != NULL)) {
		conf_error(ps, "ipfix %s: udp:HOST:PORT or tcp:HOST:PORT", arg);
		return -1;
	}
	if (parse_u64(colon + 1, 1, 65535, &port, &errstr) == -1) {
		conf_error(ps, "ipfix %s: port %s %s (1 to 65535)", arg,
		    colon + 1, errstr);
		return -1;
	}
	return 0;
}

const struct conf_setting *
conf_setting_find(const char *name)
{
	const struct conf_setting	*s;

	for (s = conf_settings; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *
conf_setting_kind(const struct conf_setting *s)
{
	return kind_names[s->kind];
}

static void
number_error(struct conf_parser *ps, const struct conf_setting *s,
    const char *arg)
{
	const char	*errstr;
	uint64_t	 v;
	char		 why[CONF_TEXT_MAX + 4] = "";

	if (s->why != NULL)
		snprintf(why, sizeof(why), " (%s)", s->why);
	if (parse_u64(arg, 0, UINT64_MAX, &v, &errstr) == -1)
		conf_error(ps, "%s %s: a whole number from %llu to %llu%s",
		    s->name, arg, (unsigned long long)s->lo,
		    (unsigned long long)s->hi, why);
	else if (v < s->lo)
		conf_error(ps, "%s %s: at least %llu%s", s->name, arg,
		    (unsigned long long)s->lo, why);
	else
		conf_error(ps, "%s %s: at most %llu%s", s->name, arg,
		    (unsigned long long)s->hi, why);
}

int
conf_setting_set(struct conf_parser *ps, const struct conf_setting *s,
    const char *arg)
{
	char		*text = (char *)ps->conf + s->off;
	unsigned int	*num = (unsigned int *)(void *)text;
	const char	*errstr;
	uint64_t	 v;
	int		 sev;

	if (s->check != NULL && s->check(ps, arg) == -1)
		return -1;
	switch (s->kind) {
	case CONF_T_PATH:
		/* Relative to the file that names it, as an include. */
		if (conf_include_path(ps, arg, text, s->size) == -1) {
			conf_error(ps, "%s %s: path too long", s->name, arg);
			return -1;
		}
		return 0;
	case CONF_T_NAME:
		if (!conf_valid_name(ps, s->name, arg))
			return -1;
		return conf_set_text(ps, text, s->size, arg);
	case CONF_T_SECRET:
	case CONF_T_TEXT:
		if (strlen(arg) < s->lo) {
			conf_error(ps, "%s: at least %llu characters", s->name,
			    (unsigned long long)s->lo);
			return -1;
		}
		return conf_set_text(ps, text, s->size, arg);
	case CONF_T_NUMBER:
		if (parse_u64(arg, s->lo, s->hi, &v, &errstr) == -1) {
			number_error(ps, s, arg);
			return -1;
		}
		*num = (unsigned int)v;
		return 0;
	case CONF_T_SEVERITY:
		if ((sev = conf_severity_parse(arg)) < 0) {
			conf_error(ps, "%s %s: one of critical, high, medium, "
			    "low, info (that and worse)", s->name, arg);
			return -1;
		}
		*(enum severity *)(void *)text = (enum severity)sev;
		return 0;
	}
	return -1;
}

/* Every setting's default, before the files are read. */
void
conf_settings_default(struct conf *c)
{
	const struct conf_setting	*s;
	char				*p;

	for (s = conf_settings; s->name != NULL; s++) {
		p = (char *)c + s->off;
		switch (s->kind) {
		case CONF_T_NUMBER:
			*(unsigned int *)(void *)p = (unsigned int)s->def_n;
			break;
		case CONF_T_SEVERITY:
			*(enum severity *)(void *)p = (enum severity)s->def_n;
			break;
		default:
			snprintf(p, s->size, "%s", s->def_text);
			break;
		}
	}
}

/*
 * A setting's value as the file would say it: a secret only says
 * whether it is set.
 */
void
conf_setting_value(const struct conf *c, const struct conf_setting *s,
    char *out, size_t len)
{
	const char	*p = (const char *)c + s->off;

	switch (s->kind) {
	case CONF_T_NUMBER:
		snprintf(out, len, "%u", *(const unsigned int *)(const void *)p);
		break;
	case CONF_T_SEVERITY:
		snprintf(out, len, "%s", conf_severity_name(
		    *(const enum severity *)(const void *)p));
		break;
	case CONF_T_SECRET:
		snprintf(out, len, "%s", p[0] != '\0' ? "(set)" : "");
		break;
	default:
		snprintf(out, len, "%s", p);
		break;
	}
}

void
conf_setting_default(const struct conf_setting *s, char *out, size_t len)
{
	if (s->kind == CONF_T_NUMBER)
		snprintf(out, len, "%llu", (unsigned long long)s->def_n);
	else if (s->kind == CONF_T_SEVERITY)
		snprintf(out, len, "%s", conf_severity_name(
		    (enum severity)s->def_n));
	else
		snprintf(out, len, "%s", s->def_text);
}

/* "zw-collector, zwctl": the programs that read it. */
void
conf_setting_readers(const struct conf_setting *s, char *out, size_t len)
{
	size_t		 i, at = 0;
	int		 n;

	out[0] = '\0';
	for (i = 0; i < sizeof(reader_names) / sizeof(reader_names[0]); i++) {
		if (!(s->readers & (1u << i)))
			continue;
		n = snprintf(out + at, len - at, "%s%s", at > 0 ? ", " : "",
		    reader_names[i]);
		if (n < 0 || (size_t)n >= len - at)
			return;
		at += (size_t)n;
	}
}

/* The settings a program reads, as "name value" lines, for -n -v. */
void
conf_settings_print(FILE *fp, const struct conf *c, unsigned int reader)
{
	const struct conf_setting	*s;
	char				 v[CONF_PATH_MAX];

	for (s = conf_settings; s->name != NULL; s++) {
		if (!(s->readers & reader))
			continue;
		conf_setting_value(c, s, v, sizeof(v));
		fprintf(fp, "%s %s\n", s->name, v[0] != '\0' ? v : "\"\"");
	}
}

const char *
conf_user(const struct conf *c, enum conf_daemon d)
{
	if (c == NULL || (unsigned)d >= CONF_NDAEMONS)
		return NULL;
	return c->daemon_user[d][0] != '\0' ? c->daemon_user[d] : c->user;
}
