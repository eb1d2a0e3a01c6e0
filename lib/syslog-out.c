/*
 * RFC 5424 messages.  A violation is one message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME zonewatch PROCID violation [SD] BOM MSG
 *
 * with every field of the record as an SD-PARAM of one SD-ELEMENT named
 * under the enterprise number (RFC 5424, 7.2.2; the number is set at
 * build time, ZW_ENTERPRISE).  The text is UTF-8, Chinese first.  The
 * audit trail's head is one too, MSGID audit-head, with the element
 * zwAuditHead (seq, hash), at severity notice.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "log.h"
#include "syslog-out.h"

#ifndef ZW_ENTERPRISE
#define ZW_ENTERPRISE	32473	/* RFC 5612: for documentation */
#endif
#define STR(x)		#x
#define XSTR(x)		STR(x)
#define SD_ID		"zwViolation@" XSTR(ZW_ENTERPRISE)
#define SD_HEAD		"zwAuditHead@" XSTR(ZW_ENTERPRISE)
#define SEV_NOTICE	5

#define RECONNECT_US	(10 * 1000000LL)
#define SEND_TIMEOUT_S	2

struct syslog_out {
	struct conf_syslog	 conf;
	int			 fd;
	int64_t			 retry_us;	/* no reconnect before */
	int			 failing;	/* said once, until one goes */
	char			 hostname[256];
	struct syslog_out_stats	 stats;
};

/* RFC 5424, 6.2.1, table 2: our severities onto syslog's. */
static const int sev_codes[SEV_NLEVELS] = {
	[SEV_CRITICAL] = 2, [SEV_HIGH] = 3, [SEV_MEDIUM] = 4,
	[SEV_LOW] = 5, [SEV_INFO] = 6,
};

struct buf {
	char	*p;
	size_t	 len, n;
};

static void
put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 w;

	if (b->n >= b->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->p + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->n += (size_t)w < b->len - b->n ? (size_t)w : b->len - b->n - 1;
}

/*
 * RFC 5424, 6.3.3: '"', '\' and ']' are escaped in a PARAM-VALUE, which
 * is UTF-8.  A host name off the wire may hold anything: a control
 * character (a line end would split the message for many receivers) or
 * a byte that is not UTF-8 is written as '?'.
 */
static void
param(struct buf *b, const char *name, const char *value)
{
	const char	*c;
	size_t		 n;

	put(b, " %s=\"", name);
	for (c = value; *c && b->n + 5 < b->len; c += n) {
		if ((n = escape_utf8_char(c)) == 0 ||
		    (n == 1 && ((unsigned char)*c < 0x20 || *c == 0x7f))) {
			b->p[b->n++] = '?';
			n = 1;
			continue;
		}
		if (n == 1 && (*c == '"' || *c == '\\' || *c == ']'))
			b->p[b->n++] = '\\';
		memcpy(b->p + b->n, c, n);
		b->n += n;
	}
	b->p[b->n] = '\0';
	put(b, "\"");
}

static void
param_int(struct buf *b, const char *name, long long v)
{
	char	 s[32];

	snprintf(s, sizeof(s), "%lld", v);
	param(b, name, s);
}

/* NILVALUE for what is empty, and no blanks where a token is expected. */
static const char *
token(const char *s)
{
	return s && *s ? s : "-";
}

/* RFC 5424, 6: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID */
static void
header(struct buf *b, int pri, int64_t at_us, const char *hostname,
    int procid, const char *msgid)
{
	struct tm	 tm;
	time_t		 t = (time_t)(at_us / 1000000);

	gmtime_r(&t, &tm);
	put(b, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06lldZ %s zonewatch "
	    "%d %s ", pri, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(at_us % 1000000),
	    token(hostname), procid, msgid);
}

size_t
syslog_out_format_head(char *out, size_t len, int facility,
    const char *hostname, int procid, int64_t at_us, int64_t seq,
    const char *hash)
{
	struct buf	 b = { out, len, 0 };

	if (len == 0)
		return 0;
	out[0] = '\0';
	header(&b, facility * 8 + SEV_NOTICE, at_us, hostname, procid,
	    "audit-head");
	put(&b, "[" SD_HEAD);
	param_int(&b, "seq", seq);
	param(&b, "hash", hash);
	put(&b, "] \xef\xbb\xbf审计链头 audit head %lld:%s", (long long)seq,
	    hash);
	return b.n;
}

size_t
syslog_out_format(char *out, size_t len, int facility, const char *hostname,
    int procid, const struct store_violation *v)
{
	struct buf	 b = { out, len, 0 };
	int		 sev = (unsigned)v->severity < SEV_NLEVELS ?
			    sev_codes[v->severity] : 6;

	if (len == 0)
		return 0;
	out[0] = '\0';
	header(&b, facility * 8 + sev, v->first_us, hostname, procid,
	    "violation");
	put(&b, "[" SD_ID);
	param_int(&b, "id", v->id);
	param_int(&b, "rule", v->rule);
	param(&b, "severity", conf_severity_name((enum severity)v->severity));
	param(&b, "proto", v->l4proto);
	param(&b, "src", v->src_ip);
	param_int(&b, "sport", v->src_port);
	param(&b, "dst", v->dst_ip);
	param_int(&b, "dport", v->dst_port);
	if (v->vlan)
		param_int(&b, "vlan", v->vlan);
	param(&b, "srcZone", v->src_zone);
	param(&b, "dstZone", v->dst_zone);
	param(&b, "srcSite", v->src_site);
	param(&b, "dstSite", v->dst_site);
	param(&b, "exit", v->exit);
	param(&b, "app", v->app);
	param(&b, "category", v->category);
	if (v->hostname[0])
		param(&b, "host", v->hostname);
	if (v->detail[0])
		param(&b, "detail", v->detail);
	param(&b, "msgEn", v->msg_en);
	/* RFC 5424, 6.4: a UTF-8 MSG starts with the BOM. */
	put(&b, "] \xef\xbb\xbf%s", v->msg_zh);
	return b.n;
}

struct syslog_out *
syslog_out_new(const struct conf_syslog *c)
{
	struct syslog_out	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->conf = *c;
	o->fd = -1;
	if (gethostname(o->hostname, sizeof(o->hostname) - 1) == -1)
		strcpy(o->hostname, "-");
	return o;
}

void
syslog_out_free(struct syslog_out *o)
{
	if (o == NULL)
		return;
	if (o->fd != -1)
		close(o->fd);
	free(o);
}

static int
connect_to(struct syslog_out *o)
{
	struct addrinfo	 hints, *res, *ai;
	struct timeval	 tv = { SEND_TIMEOUT_S, 0 };
	int		 fd = -1, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = o->conf.transport == SYSLOG_TCP ? SOCK_STREAM :
	    SOCK_DGRAM;
	if ((e = getaddrinfo(o->conf.host, o->conf.port, &hints, &res)) != 0) {
		if (!o->failing)
			log_warnx("syslog %s: %s: %s", o->conf.name,
			    o->conf.host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		/* A receiver that stops reading must not stall the writer. */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		log_warn_once(&o->failing, "syslog %s: %s port %s",
		    o->conf.name, o->conf.host, o->conf.port);
	return fd;
}

/* One message, framed for its transport; counted. */
static int
transmit(struct syslog_out *o, const char *body, size_t n, int64_t now_us)
{
	char	 msg[SYSLOG_MSG_MAX + 16];
	size_t	 off = 0;
	ssize_t	 w;
	int	 h = 0;

	if (o->fd == -1) {
		if (now_us < o->retry_us || (o->fd = connect_to(o)) == -1) {
			if (now_us >= o->retry_us)
				o->retry_us = now_us + RECONNECT_US;
			o->stats.failed++;
			o->failing = 1;
			return -1;
		}
	}
	/* RFC 6587, 3.4.1: MSG-LEN SP SYSLOG-MSG */
	if (o->conf.transport == SYSLOG_TCP)
		h = snprintf(msg, 16, "%zu ", n);
	memcpy(msg + h, body, n);
	n += (size_t)h;
	while (n > 0) {
		w = send(o->fd, msg + off, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_warn_once(&o->failing, "syslog %s: send",
			    o->conf.name);
			close(o->fd);
			o->fd = -1;
			o->retry_us = now_us + RECONNECT_US;
			o->stats.failed++;
			return -1;
		}
		off += (size_t)w;
		n -= (size_t)w;
	}
	log_info_ended(&o->failing, "syslog %s: sending again", o->conf.name);
	o->stats.sent++;
	return 0;
}

int
syslog_out_send(struct syslog_out *o, const struct store_violation *v,
    int64_t now_us)
{
	char	 body[SYSLOG_MSG_MAX];
	size_t	 n;

	if (v->severity > (int)o->conf.min_severity)
		return 0;
	n = syslog_out_format(body, sizeof(body), o->conf.facility,
	    o->hostname, (int)getpid(), v);
	return transmit(o, body, n, now_us);
}

int
syslog_out_send_head(struct syslog_out *o, int64_t seq, const char *hash,
    int64_t now_us)
{
	char	 body[SYSLOG_MSG_MAX];
	size_t	 n;

	n = syslog_out_format_head(body, sizeof(body), o->conf.facility,
	    o->hostname, (int)getpid(), now_us, seq, hash);
	return transmit(o, body, n, now_us);
}

const struct syslog_out_stats *
syslog_out_stats(const struct syslog_out *o)
{
	return &o->stats;
}
