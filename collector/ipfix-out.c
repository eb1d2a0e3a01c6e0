/*
 * Flow records exported as IPFIX (RFC 7011) to a collector over UDP or
 * TCP, each flow as two unidirectional records (one a direction that
 * carried packets), with the nDPI application as applicationId and
 * applicationName (RFC 6759).
 *
 *   Message:  Version 10 | Length | Export Time | Sequence | Domain
 *   Sets:     Template Set (ID 2): templates 256 (IPv4) and 257 (IPv6)
 *             Data Set (ID 256 or 257): the records
 *
 * A record, in template order:
 *   source and destination address (8, 12 | 27, 28), ports (7, 11),
 *   protocolIdentifier (4), octetDeltaCount (1, 8 octets),
 *   packetDeltaCount (2, 8), flowStartMilliseconds (152),
 *   flowEndMilliseconds (153), vlanId (58), applicationId (95, 4 octets:
 *   classification engine 6, "user defined", and the nDPI id), and
 *   applicationName (96, variable length, RFC 7011 7).
 *
 * Over UDP the templates open a message every TEMPLATE_EVERY messages and
 * at least every TEMPLATE_S seconds (RFC 7011 8.4); over TCP a message of
 * templates alone begins each connection (RFC 7011 8.1: once).
 *
 * Nothing here blocks capture.  A datagram the socket refuses is counted,
 * its records lost.  Over TCP, messages join a bounded buffer written as
 * the socket takes it: a connection is made without waiting (a collector
 * behind a firewall that drops SYNs would hold a blocking connect() two
 * minutes) and what comes meanwhile waits in the buffer; what finds it
 * full, or no connection, is counted and lost; a connection that fails
 * or is lost is tried again after RETRY_S seconds.  At the end the
 * buffer is given CLOSE_MS to be written.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dpi.h"
#include "ipfix-out.h"
#include "log.h"

#define MSG_MAX		1400	/* under a 1500 MTU with IP and UDP */
#define HEADER_LEN	16
#define TEMPLATE_EVERY	100
#define TEMPLATE_S	30
#define RETRY_S		5
#define CONNECT_S	10	/* a TCP connection not up by then is retried */
#define STREAM_MAX	(256u << 10)	/* TCP: written, not yet taken */
#define QUEUE_MAX	512		/* ... in so many messages at most */
#define CLOSE_MS	2000
#define ENGINE_USER	6	/* RFC 6759: user-defined classification */

struct ipfix_out {
	int			 fd;
	int			 tcp;
	struct addrinfo		*ai;
	uint32_t		 domain;
	uint32_t		 sequence;	/* data records sent */
	unsigned char		 msg[MSG_MAX];
	size_t			 len;		/* 0: no message begun */
	size_t			 set_at;	/* the open data set, or 0 */
	uint16_t		 set_id;
	uint32_t		 records;	/* in this message */
	unsigned int		 since_templates;
	time_t			 templates_at;
	time_t			 retry_at;
	time_t			 connect_by;	/* 0: connected */
	/*
	 * TCP: the stream's bytes not yet taken by the socket, and its
	 * messages, whose records count as sent once wholly taken.
	 */
	unsigned char		*out;
	size_t			 outoff;	/* taken up to here */
	size_t			 outlen;
	struct queued {
		uint32_t	 left;		/* bytes not yet taken */
		uint32_t	 records;
	}			 queue[QUEUE_MAX];
	unsigned int		 qhead, qn;
	uint64_t		 out_records;	/* in the queue */
	int			 fresh;		/* no message yet */
	int			 finished;	/* nothing more is sent */
	struct ipfix_out_stats	 stats;
};

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* Field specifiers: the address IEs of each version, then the rest. */
static const uint16_t common[][2] = {
	{ 7, 2 }, { 11, 2 }, { 4, 1 }, { 1, 8 }, { 2, 8 }, { 152, 8 },
	{ 153, 8 }, { 58, 2 }, { 95, 4 }, { 96, 0xffff },
};

static size_t
template_set(unsigned char *p)
{
	static const uint16_t addr[2][3] = { { 256, 8, 12 }, { 257, 27, 28 } };
	size_t	 n = 4, i, v;

	for (v = 0; v < 2; v++) {
		put16(p + n, addr[v][0]);
		put16(p + n + 2, 2 + sizeof(common) / sizeof(common[0]));
		n += 4;
		for (i = 0; i < 2; i++) {
			put16(p + n, addr[v][1 + i]);
			put16(p + n + 2, v ? 16 : 4);
			n += 4;
		}
		for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
			put16(p + n, common[i][0]);
			put16(p + n + 2, common[i][1]);
			n += 4;
		}
	}
	put16(p, 2);
	put16(p + 2, (uint16_t)n);
	return n;
}

/* A full socket buffer loses records; it never stops capture. */
static int
connect_to(struct ipfix_out *x)
{
	int	 fd;

	if ((fd = socket(x->ai->ai_family, (x->tcp ? SOCK_STREAM :
	    SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	x->connect_by = 0;
	if (connect(fd, x->ai->ai_addr, x->ai->ai_addrlen) == -1) {
		if (!x->tcp || errno != EINPROGRESS) {
			close(fd);
			return -1;
		}
		x->connect_by = time(NULL) + CONNECT_S;
	}
	x->fd = fd;
	x->since_templates = TEMPLATE_EVERY;	/* templates first */
	x->fresh = 1;
	return 0;
}

/* The connection closed, and what it had not yet taken lost. */
static void
hang_up(struct ipfix_out *x)
{
	close(x->fd);
	x->fd = -1;
	x->connect_by = 0;
	x->stats.dropped += x->out_records;
	x->outoff = x->outlen = 0;
	x->out_records = 0;
	x->qhead = x->qn = 0;
}

static void
disconnect(struct ipfix_out *x)
{
	hang_up(x);
	x->retry_at = time(NULL) + RETRY_S;
	x->stats.send_errors++;
}

/* Whether a TCP connection begun is up; a failed or late one is closed. */
static int
connected(struct ipfix_out *x)
{
	struct pollfd	 pfd = { x->fd, POLLOUT, 0 };
	socklen_t	 len = sizeof(int);
	int		 e = 0;

	if (x->connect_by == 0)
		return 1;
	if (poll(&pfd, 1, 0) == 0) {
		if (time(NULL) >= x->connect_by)
			disconnect(x);
		return 0;
	}
	if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1 ||
	    e != 0) {
		disconnect(x);
		return 0;
	}
	x->connect_by = 0;
	return 1;
}

struct ipfix_out *
ipfix_out_open(const char *target, uint32_t domain, char *err, size_t errlen)
{
	struct ipfix_out	*x;
	struct addrinfo		 hints;
	char			 host[256], *port;
	const char		*t = target;
	int			 tcp = 0, rc;

	if (strncmp(t, "tcp:", 4) == 0) {
		tcp = 1;
		t += 4;
	} else if (strncmp(t, "udp:", 4) == 0)
		t += 4;
	snprintf(host, sizeof(host), "%s", t);
	if ((port = strrchr(host, ':')) == NULL) {
		snprintf(err, errlen, "ipfix %s: udp:HOST:PORT or tcp:HOST:PORT",
		    target);
		return NULL;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		snprintf(err, errlen, "ipfix: out of memory");
		return NULL;
	}
	x->fd = -1;
	x->tcp = tcp;
	x->domain = domain;
	if (tcp && (x->out = malloc(STREAM_MAX)) == NULL) {
		snprintf(err, errlen, "ipfix: out of memory");
		free(x);
		return NULL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	if ((rc = getaddrinfo(host, port, &hints, &x->ai)) != 0) {
		snprintf(err, errlen, "ipfix %s: %s", target, gai_strerror(rc));
		free(x->out);
		free(x);
		return NULL;
	}
	if (connect_to(x) == -1 && !tcp) {
		snprintf(err, errlen, "ipfix %s: %s", target, strerror(errno));
		ipfix_out_close(x);
		return NULL;
	}
	if (x->fd == -1)
		log_warnx("ipfix %s: %s; trying again", target,
		    strerror(errno));
	return x;
}

/* TCP: as much of the stream as the socket takes now. */
static void
write_out(struct ipfix_out *x)
{
	ssize_t	 n;

	if (x->fd == -1 || x->outlen == x->outoff || !connected(x))
		return;
	if ((n = send(x->fd, x->out + x->outoff, x->outlen - x->outoff,
	    MSG_NOSIGNAL)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			disconnect(x);
		return;
	}
	x->outoff += (size_t)n;
	if (x->outoff == x->outlen)
		x->outoff = x->outlen = 0;
	while (n > 0 && x->qn > 0) {
		struct queued	*q = &x->queue[x->qhead];
		uint32_t	 take = (size_t)n < q->left ? (uint32_t)n :
				    q->left;

		q->left -= take;
		n -= take;
		if (q->left > 0)
			break;
		x->stats.messages++;
		x->stats.records += q->records;
		x->out_records -= q->records;
		x->qhead = (x->qhead + 1) % QUEUE_MAX;
		x->qn--;
	}
}

static void
append(struct ipfix_out *x, const unsigned char *msg, size_t len,
    uint32_t records)
{
	struct queued	*q = &x->queue[(x->qhead + x->qn++) % QUEUE_MAX];

	/* What the socket took is let go of only when the room is needed. */
	if (x->outlen + len > STREAM_MAX) {
		memmove(x->out, x->out + x->outoff, x->outlen - x->outoff);
		x->outlen -= x->outoff;
		x->outoff = 0;
	}
	memcpy(x->out + x->outlen, msg, len);
	x->outlen += len;
	q->left = (uint32_t)len;
	q->records = records;
	x->out_records += records;
}

/* TCP: the message joins the stream, templates before it on a new one. */
static void
queue_message(struct ipfix_out *x)
{
	unsigned char	 t[MSG_MAX];
	size_t		 tlen = 0;

	if (x->fd == -1 && !x->finished && time(NULL) >= x->retry_at &&
	    connect_to(x) == -1)
		x->retry_at = time(NULL) + RETRY_S;
	if (x->fd != -1 && x->fresh) {
		memcpy(t, x->msg, HEADER_LEN);
		tlen = HEADER_LEN + template_set(t + HEADER_LEN);
		put16(t + 2, (uint16_t)tlen);
	}
	if (x->fd == -1 || x->qn + 2 > QUEUE_MAX ||
	    x->outlen - x->outoff + tlen + x->len > STREAM_MAX) {
		x->stats.dropped += x->records;
		x->stats.send_errors++;
		return;
	}
	if (tlen > 0) {
		append(x, t, tlen, 0);
		x->fresh = 0;
	}
	append(x, x->msg, x->len, x->records);
	x->sequence += x->records;
	write_out(x);
}

static void
send_message(struct ipfix_out *x)
{
	if (x->len == 0)
		return;
	if (x->set_at != 0)
		put16(x->msg + x->set_at + 2, (uint16_t)(x->len - x->set_at));
	put16(x->msg + 2, (uint16_t)x->len);
	if (x->tcp)
		queue_message(x);
	else if (x->fd != -1 && send(x->fd, x->msg, x->len, MSG_NOSIGNAL) ==
	    (ssize_t)x->len) {
		x->stats.messages++;
		x->stats.records += x->records;
		x->sequence += x->records;
	} else {
		x->stats.dropped += x->records;
		x->stats.send_errors++;
	}
	x->len = x->set_at = 0;
	x->records = 0;
}

static void
begin_message(struct ipfix_out *x)
{
	time_t	 now = time(NULL);

	put16(x->msg, 10);
	put32(x->msg + 4, (uint32_t)now);
	put32(x->msg + 8, x->sequence);
	put32(x->msg + 12, x->domain);
	x->len = HEADER_LEN;
	if (!x->tcp && (x->since_templates >= TEMPLATE_EVERY ||
	    now - x->templates_at >= TEMPLATE_S)) {
		x->len += template_set(x->msg + x->len);
		x->since_templates = 0;
		x->templates_at = now;
	}
	x->since_templates++;
}

static void
record(struct ipfix_out *x, const struct flow *f, int dir, uint32_t app,
    const char *name)
{
	size_t	 alen = f->key.ipver == 6 ? 16 : 4;
	size_t	 nlen = strlen(name) < 254 ? strlen(name) : 254;
	size_t	 need = 2 * alen + 2 + 2 + 1 + 8 + 8 + 8 + 8 + 2 + 4 + 1 + nlen;
	uint16_t id = f->key.ipver == 6 ? 257 : 256;
	unsigned char *p;

	if (x->len != 0 && (x->len + need + (x->set_id != id ? 4 : 0) >
	    MSG_MAX))
		send_message(x);
	if (x->len == 0)
		begin_message(x);
	if (x->set_at == 0 || x->set_id != id) {
		if (x->set_at != 0)
			put16(x->msg + x->set_at + 2,
			    (uint16_t)(x->len - x->set_at));
		x->set_at = x->len;
		x->set_id = id;
		put16(x->msg + x->len, id);
		x->len += 4;
	}
	p = x->msg + x->len;
	memcpy(p, dir == FLOW_DIR_LO2HI ? f->key.lo : f->key.hi, alen);
	memcpy(p + alen, dir == FLOW_DIR_LO2HI ? f->key.hi : f->key.lo, alen);
	p += 2 * alen;
	put16(p, dir == FLOW_DIR_LO2HI ? f->key.lo_port : f->key.hi_port);
	put16(p + 2, dir == FLOW_DIR_LO2HI ? f->key.hi_port : f->key.lo_port);
	p[4] = f->key.proto;
	put64(p + 5, f->bytes[dir]);
	put64(p + 13, f->pkts[dir]);
	put64(p + 21, f->first_us / 1000);
	put64(p + 29, f->last_us / 1000);
	put16(p + 37, f->key.vlan);
	put32(p + 39, (uint32_t)ENGINE_USER << 24 | (app & 0xffffff));
	p[43] = (unsigned char)nlen;
	memcpy(p + 44, name, nlen);
	x->len += need;
	x->records++;
}

void
ipfix_out_flow(struct ipfix_out *x, const struct flow *f, struct dpi *d)
{
	char		 name[128];
	uint32_t	 app = f->app.app ? f->app.app : f->app.master;
	int		 dir;

	dpi_proto_name(d, &f->app, name, sizeof(name));
	for (dir = 0; dir < 2; dir++)
		if (f->pkts[dir] > 0)
			record(x, f, dir, app, name);
}

void
ipfix_out_flush(struct ipfix_out *x)
{
	send_message(x);
	if (x->tcp)
		write_out(x);
}

const struct ipfix_out_stats *
ipfix_out_stats(const struct ipfix_out *x)
{
	return &x->stats;
}

/*
 * The end of a run: the last message sent, what the stream holds given
 * CLOSE_MS to be written; what is left then is counted as lost.
 */
void
ipfix_out_finish(struct ipfix_out *x)
{
	int	 waited;

	send_message(x);
	for (waited = 0; x->tcp && x->fd != -1 && x->outlen > x->outoff &&
	    waited < CLOSE_MS; waited += 10) {
		poll(NULL, 0, 10);
		write_out(x);
	}
	if (x->fd != -1)
		hang_up(x);
	x->finished = 1;
}

void
ipfix_out_close(struct ipfix_out *x)
{
	if (x == NULL)
		return;
	ipfix_out_finish(x);
	if (x->ai != NULL)
		freeaddrinfo(x->ai);
	free(x->out);
	free(x);
}
