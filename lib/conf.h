/*
 * zonewatch's configuration: zones, sites, declared internet exits and
 * global settings, read from text files an engineer edits by hand
 * (conf/zonewatch.conf and the files it includes).  Every object keeps
 * the file and line it came from, for messages.
 */
#ifndef ZW_CONF_H
#define ZW_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netaddr.h"

/* Where every program looks first; the build may say otherwise. */
#ifndef ZW_CONFIG
#define ZW_CONFIG		"/etc/zonewatch/zonewatch.conf"
#endif
#ifndef ZW_VERSION
#define ZW_VERSION		"0"
#endif

#define CONF_NAME_MAX		64
#define CONF_TEXT_MAX		256
#define CONF_ERR_MAX		512
#define CONF_PATH_MAX		4096

#define CONF_MAX_ZONES		32
#define CONF_MAX_SITES		20000
#define CONF_MAX_EXITS		1024
#define CONF_MAX_ITEMS		4096	/* networks, VLANs, MACs per object */
#define CONF_MAX_RULES		64	/* a flow keeps one bit per rule */
#define CONF_MAX_NAMES		64	/* applications or categories per rule */

/* The zones every configuration has, declared or not, at these indexes. */
#define ZONE_INTERNAL		0
#define ZONE_EXTERNAL		1
#define ZONE_INTERNET		2

#define RETENTION_MIN_DAYS	180	/* Cybersecurity Law, art. 21: six months */
#define STORE_DEFAULT_PATH	"/var/lib/zonewatch/events.db"
#define DEDUPE_DEFAULT_S	300
#define EVIDENCE_DEFAULT_PKTS	16
#define EVIDENCE_MAX_PKTS	64
#define RRD_DEFAULT_DIR		"/var/lib/zonewatch/rrd"
#define RRD_DEFAULT_MIN_FREE_MB	512
#define AGENTX_DEFAULT_SOCKET	"/var/agentx/master"	/* net-snmp's */
#define STATUS_DEFAULT_PATH	"/run/zonewatch/status.json"
#define POLLER_STATUS_DEFAULT_PATH "/run/zonewatch/poller.json"
#define NOTIFY_DROPS_DEFAULT	1000	/* packets lost a second */
#define NOTIFY_STORE_DEFAULT	90	/* percent of the store's disk used */
#define REPORT_KEY_DEFAULT	"/var/lib/zonewatch/admin/report-key.pem"
#define REPORT_DIR_DEFAULT	"/var/lib/zonewatch/reports"
#define WEBUI_LISTEN_DEFAULT	"0.0.0.0:8443"
#define WEBUI_CERT_DEFAULT	"/var/lib/zonewatch/admin/webui.crt"
#define WEBUI_KEY_DEFAULT	"/var/lib/zonewatch/admin/webui.key"
#define POLL_DEFAULT_S		60
#define CONF_WORKERS_MAX	64	/* the collector's --workers too */
#define OUTSTANDING_DEFAULT	64
#define UTILISATION_DEFAULT	90

enum site_level {
	SITE_REGION,
	SITE_CITY,
	SITE_COUNTY,
	SITE_TOWNSHIP,
	SITE_VILLAGE,
	SITE_NLEVELS
};

struct conf_where {
	const char	*file;		/* owned by struct conf */
	int		 line;
};

struct conf_net {
	struct prefix	 prefix;
	struct conf_where at;
};

struct conf_vlan {
	uint16_t	 lo;
	uint16_t	 hi;
	struct conf_where at;
};

struct conf_mac {
	uint8_t		 mac[6];
	struct conf_where at;
};

/* Growable lists: v[0..n), room for cap. */
#define CONF_LIST(type, name)	struct { type *v; size_t n, cap; } name

struct conf_nets {
	struct conf_net	*v;
	size_t		 n, cap;
};

struct conf_vlans {
	struct conf_vlan *v;
	size_t		 n, cap;
};

struct conf_macs {
	struct conf_mac	*v;
	size_t		 n, cap;
};

struct conf_zone {
	char		 name[CONF_NAME_MAX];
	char		 descr[CONF_TEXT_MAX];
	struct conf_nets nets;
	struct conf_vlans vlans;
	int		 declared;
	struct conf_where at;
};

#define CONF_MAX_DEVICES	4096
#define CONF_MAX_UPLINKS	8	/* switch ports per site */

enum snmp_version {
	SNMP_V1,
	SNMP_V2C,
	SNMP_V3
};

enum snmp_level {
	SNMP_NOAUTH,		/* noAuthNoPriv */
	SNMP_AUTH,		/* authNoPriv */
	SNMP_PRIV		/* authPriv */
};

enum snmp_auth {
	SNMP_AUTH_SHA,		/* HMAC-SHA-96, RFC 3414 */
	SNMP_AUTH_SHA256	/* HMAC-SHA-256, RFC 7860 */
};

/* A switch the poller reads (IF-MIB). */
struct conf_device {
	char		 name[CONF_NAME_MAX];
	char		 address[CONF_TEXT_MAX];
	uint16_t	 port;
	enum snmp_version version;
	char		 community[CONF_TEXT_MAX];
	char		 user[CONF_NAME_MAX];		/* SNMPv3 */
	enum snmp_level	 level;
	enum snmp_auth	 auth;
	char		 auth_key[CONF_TEXT_MAX];
	char		 priv_key[CONF_TEXT_MAX];	/* AES-128, RFC 3826 */
	char		 context[CONF_NAME_MAX];
	unsigned int	 timeout_ms;
	unsigned int	 retries;
	unsigned int	 max_repetitions;
	int		 has_version;
	struct conf_where at;
};

/* A site's uplink: a port of a device, by ifName or ifIndex. */
struct conf_uplink {
	char		 device_name[CONF_NAME_MAX];
	int		 device;			/* index */
	char		 port[CONF_NAME_MAX];		/* ifName, or ifIndex */
	struct conf_where at;
};

struct conf_site {
	char		 name[CONF_NAME_MAX];
	char		 name_zh[CONF_TEXT_MAX];
	char		 name_en[CONF_TEXT_MAX];
	char		 parent_name[CONF_NAME_MAX];
	int		 parent;		/* index, or -1 */
	enum site_level	 level;
	int		 has_level;
	uint64_t	 bandwidth_bps;		/* contracted; 0 if not given */
	struct conf_uplink uplinks[CONF_MAX_UPLINKS];
	int		 nuplinks;
	struct conf_nets nets;
	struct conf_where at;
};

struct conf_exit {
	char		 name[CONF_NAME_MAX];
	char		 district_name[CONF_NAME_MAX];
	int		 district;		/* site index */
	struct conf_macs macs;
	struct conf_vlans vlans;
	struct conf_nets addrs;
	struct conf_where at;
};

enum severity {
	SEV_CRITICAL,
	SEV_HIGH,
	SEV_MEDIUM,
	SEV_LOW,
	SEV_INFO,
	SEV_NLEVELS
};

#define RULE_ANY	-1	/* zone or site not constrained */

/* Direction of a zone pair: the first packet's sender is in zone_a. */
#define RULE_EITHER	0
#define RULE_A_TO_B	1

/* Stateful detectors: rules that look across flows, not at one. */
enum rule_detect {
	DETECT_NONE,
	DETECT_EXITS,		/* exits-per-district: egress points in use */
	DETECT_HIDDEN_ROUTER,	/* hidden-router: TTL signatures per address */
	DETECT_NKINDS
};

struct conf_names {
	char		(*v)[CONF_NAME_MAX];
	size_t		 n, cap;
};

struct conf_rule {
	uint32_t	 id;
	enum severity	 severity;
	int		 has_severity;
	char		 msg_zh[CONF_TEXT_MAX];
	char		 msg_en[CONF_TEXT_MAX];
	char		 zone_name[2][CONF_NAME_MAX];
	int		 zone[2];		/* index, the unknown zone, or RULE_ANY */
	int		 has_zones;
	int		 direction;
	struct conf_names apps;			/* nDPI protocol names */
	struct conf_names categories;		/* nDPI category names */
	char		 site_name[CONF_NAME_MAX];
	int		 site;			/* with its descendants */
	char		 exit_name[CONF_NAME_MAX];
	int		 exit;
	int		 not_via_exit;
	enum rule_detect detect;
	unsigned int	 limit;			/* detector: more is a finding */
	unsigned int	 window_s;		/* detector: memory of signs */
	struct conf_where at;
	struct conf_where apps_at;
	struct conf_where categories_at;
};

#define CONF_MAX_SYSLOG		4

enum syslog_transport {
	SYSLOG_UDP,		/* RFC 5426 */
	SYSLOG_TCP		/* RFC 6587 octet counting */
};

/* A receiver of violations as RFC 5424 messages. */
struct conf_syslog {
	char		 name[CONF_NAME_MAX];
	char		 host[CONF_TEXT_MAX];
	char		 port[8];
	enum syslog_transport transport;
	int		 facility;		/* RFC 5424 code, 0..23 */
	enum severity	 min_severity;		/* send this and worse */
	struct conf_where at;
};

/* The daemons, each of which may become an account of its own. */
enum conf_daemon {
	CONF_COLLECTOR,
	CONF_POLLER,
	CONF_WEBUI,
	CONF_AGENTX,
	CONF_NDAEMONS
};

struct conf {
	CONF_LIST(struct conf_zone, zones);
	CONF_LIST(struct conf_site, sites);
	CONF_LIST(struct conf_exit, exits);
	CONF_LIST(struct conf_rule, rules);
	CONF_LIST(char *, files);		/* names for conf_where */
	CONF_LIST(struct conf_syslog, syslogs);
	CONF_LIST(struct conf_device, devices);
	uint32_t	*site_names;		/* hash of names: index + 1 */
	unsigned int	 retention_days;
	unsigned int	 dedupe_window_s;	/* repeats update one record */
	unsigned int	 evidence_packets;	/* per violating flow */
	char		 store_path[CONF_PATH_MAX];	/* events database */
	char		 admin_store[CONF_PATH_MAX];	/* "": conf_admin_path */
	char		 protos_path[CONF_PATH_MAX];	/* nDPI custom protocols */
	char		 rrd_dir[CONF_PATH_MAX];	/* trends */
	char		 rrdcached[CONF_TEXT_MAX];	/* "" or its address */
	unsigned int	 rrd_min_free_mb;		/* kept free by new RRDs */
	char		 status_path[CONF_PATH_MAX];	/* the collector's */
	char		 poller_status_path[CONF_PATH_MAX];
	char		 agentx_socket[CONF_PATH_MAX];	/* snmpd's AgentX */
	enum severity	 notify_severity;		/* this and worse */
	unsigned int	 notify_drops;			/* per second */
	unsigned int	 notify_store;			/* percent used */
	char		 report_key[CONF_PATH_MAX];	/* signs reports */
	char		 report_dir[CONF_PATH_MAX];	/* scheduled ones */
	char		 webui_listen[CONF_TEXT_MAX];
	char		 webui_cert[CONF_PATH_MAX];
	char		 webui_key[CONF_PATH_MAX];
	char		 metrics_token[CONF_TEXT_MAX];	/* "" : none */
	unsigned int	 login_rate;			/* a minute, an address */
	unsigned int	 request_rate;			/* a second, an address */
	unsigned int	 webui_idle_s;			/* a session's idle end */
	char		 user[CONF_NAME_MAX];		/* "": stay who we are */
	char		 daemon_user[CONF_NDAEMONS][CONF_NAME_MAX]; /* "": user */
	char		 rrd_prefix[CONF_NAME_MAX];	/* under a central rrdcached */
	char		 ipfix[CONF_TEXT_MAX];		/* "": no export */
	unsigned int	 ipfix_domain;			/* observation domain */
	unsigned int	 workers;			/* live; 0: cores less one */
	unsigned int	 poll_interval_s;		/* the RRD step too */
	unsigned int	 max_outstanding;		/* devices polled at once */
	unsigned int	 utilisation_alert;		/* percent of contract */
};

/*
 * A setting: one row of conf_settings[] (conf-settings.c), from which its
 * parsing, default, documentation and listings all come.
 */
enum conf_kind {
	CONF_T_PATH,		/* relative to the file that names it */
	CONF_T_TEXT,		/* lo: its least length */
	CONF_T_NAME,		/* letters, digits, '-', '_', '.' */
	CONF_T_SECRET,		/* text never shown */
	CONF_T_NUMBER,		/* an unsigned int from lo to hi */
	CONF_T_SEVERITY		/* critical ... info */
};

/* The programs that read a setting. */
#define CONF_READ_COLLECTOR	(1u << CONF_COLLECTOR)
#define CONF_READ_POLLER	(1u << CONF_POLLER)
#define CONF_READ_WEBUI		(1u << CONF_WEBUI)
#define CONF_READ_AGENTX	(1u << CONF_AGENTX)
#define CONF_READ_ZWCTL		(1u << CONF_NDAEMONS)

struct conf_parser;

struct conf_setting {
	const char	*name;
	enum conf_kind	 kind;
	size_t		 off;		/* in struct conf */
	size_t		 size;
	uint64_t	 lo, hi;
	const char	*def_text;	/* the default of a text kind */
	uint64_t	 def_n;		/* ... of a number or severity */
	unsigned int	 readers;	/* CONF_READ_* */
	int		(*check)(struct conf_parser *, const char *);
	const char	*doc;
	const char	*why;		/* of its bounds, for the error */
	const char	*doc_zh;	/* its meaning in Chinese, for the UI */
};

extern const struct conf_setting conf_settings[];	/* NULL-ended */

const struct conf_setting *conf_setting_find(const char *name);
const char	*conf_setting_kind(const struct conf_setting *);
void		 conf_setting_value(const struct conf *,
		    const struct conf_setting *, char *, size_t);
void		 conf_setting_default(const struct conf_setting *, char *,
		    size_t);
void		 conf_setting_readers(const struct conf_setting *, char *,
		    size_t);
void		 conf_settings_default(struct conf *);
void		 conf_settings_print(FILE *, const struct conf *,
		    unsigned int reader);

/*
 * Reads path and what it includes, then checks the whole.  On error
 * returns NULL with "file:line: what is wrong" in err.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
void		 conf_free(struct conf *);
const char	*conf_level_name(enum site_level);
const char	*conf_severity_name(enum severity);
/* A severity's name, or -1. */
/* The account a daemon started as root becomes ("" : stays root). */
const char	*conf_user(const struct conf *, enum conf_daemon);
/* Where the administrators' store is (admin-store); 0 or -1. */
int		 conf_admin_path(const struct conf *, const char *events_path,
		    char *out, size_t len);
int		 conf_severity_parse(const char *);
int		 conf_zone_index(const struct conf *, const char *name);
int		 conf_site_index(const struct conf *, const char *name);
/* By id, or by its name in either language; -1 if none. */
int		 conf_site_named(const struct conf *, const char *);
const char	*conf_detect_name(enum rule_detect);
int		 conf_device_index(const struct conf *, const char *name);

#endif
