/*
 * The poll engine, on net-snmp's asynchronous API: one session per
 * device being polled, at most max_outstanding of them open, one select
 * loop for all.  A device's walk is a chain of requests, each sent from
 * the callback of the one before; what each asks and what its answer
 * means is if-walk.c's.
 *
 * SNMPv3 needs the agent's engine ID first (RFC 3414, 4), and net-snmp
 * finds it with a request that blocks.  So a child process does that
 * discovery, one per device, and hands the ID back through a pipe that
 * the select loop watches with the sessions: a dead SNMPv3 device costs
 * its own timeout and nobody else's.  The ID is kept for later polls.
 *
 * The number of requests a device may cost per poll is bounded.
 */
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "if-walk.h"
#include "log.h"
#include "snmp-poll.h"

#define BULK_VARBINDS	40	/* per answer: a datagram's worth */

/* Asked with the engine's discovery. */
static const oid sys_uptime0[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };

struct dev {
	const struct conf_device *c;
	struct snmp_poll_result	*res;
	struct snmp_session	*ss;
	struct if_walk		 w;
	int			 reps;
	int			 finished;
	unsigned int		*order;		/* devices done so far */
	int			 probe_fd;	/* engine discovery, or -1 */
	pid_t			 probe_pid;
	struct engine		*engine;
};

#define ENGINE_ID_MAX	32	/* RFC 3411: 5 to 32 octets */

struct engine {
	u_char			 id[ENGINE_ID_MAX];
	size_t			 len;
};

static struct engine	*engines;	/* by device, across polls */
static size_t		 nengines;

uint64_t
snmp_poll_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
snmp_poll_init(void)
{
	/* No MIB files, no configuration files, no state on disk. */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_QUICK_PRINT, 1);
	init_snmp("zw-poller");
	return 0;
}

void
snmp_poll_shutdown(void)
{
	snmp_shutdown("zw-poller");
}

static void
finish(struct dev *d, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finish(struct dev *d, int ok, const char *fmt, ...)
{
	va_list	 ap;

	if (d->finished)
		return;
	d->finished = 1;
	d->res->finished = ++*d->order;
	d->res->ok = ok;
	d->res->done_us = snmp_poll_now_us();
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(d->res->error, sizeof(d->res->error), fmt, ap);
		va_end(ap);
	}
}

static int
send_next(struct dev *d)
{
	struct snmp_pdu	*pdu;

	if (d->res->requests >= SNMP_POLL_MAX_REQUESTS) {
		finish(d, 0, "more than %d requests: walk abandoned",
		    SNMP_POLL_MAX_REQUESTS);
		return -1;
	}
	if (d->c->version == SNMP_V1)
		pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	else {
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 1;
		pdu->max_repetitions = d->reps;
	}
	if_walk_ask(&d->w, pdu);
	d->res->requests++;
	if (snmp_send(d->ss, pdu) == 0) {
		snmp_free_pdu(pdu);
		finish(d, 0, "send: %s", snmp_api_errstring(d->ss->s_snmp_errno));
		return -1;
	}
	return 0;
}

static void
on_answer(struct dev *d, struct snmp_pdu *pdu)
{
	if (pdu->errstat == SNMP_ERR_TOOBIG && d->reps > 1) {
		d->reps /= 2;		/* the answer did not fit */
		send_next(d);
		return;
	}
	/* SNMPv1 says a column does not exist by naming its varbind. */
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME &&
	    if_walk_absent(&d->w, pdu->errindex) == 0) {
		if (d->w.active == 0)
			finish(d, 1, NULL);
		else
			send_next(d);
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		finish(d, 0, "agent error: %s", snmp_errstring(pdu->errstat));
		return;
	}
	switch (if_walk_answer(&d->w, pdu->variables, snmp_poll_now_us())) {
	case IF_WALK_DONE:
		finish(d, 1, NULL);
		break;
	case IF_WALK_STUCK:
		finish(d, 0, "the agent's answers make no progress (RFC 3416, "
		    "4.2.3: a walk moves forward)");
		break;
	case IF_WALK_MORE:
		send_next(d);
		break;
	}
}

static int
callback(int op, struct snmp_session *ss, int reqid, struct snmp_pdu *pdu,
    void *magic)
{
	struct dev	*d = magic;

	if (d->finished)
		return 1;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		on_answer(d, pdu);
	else if (op == NETSNMP_CALLBACK_OP_TIMED_OUT)
		finish(d, 0, "no answer (%u ms, %u retries)", d->c->timeout_ms,
		    d->c->retries);
	else
		finish(d, 0, "transport error");
	return 1;
}

static int
set_v3(struct snmp_session *s, const struct conf_device *c, char *err,
    size_t errlen)
{
	s->securityName = strdup(c->user);
	s->securityNameLen = strlen(c->user);
	s->securityLevel = c->level == SNMP_PRIV ? SNMP_SEC_LEVEL_AUTHPRIV :
	    c->level == SNMP_AUTH ? SNMP_SEC_LEVEL_AUTHNOPRIV :
	    SNMP_SEC_LEVEL_NOAUTH;
	if (c->context[0] != '\0') {
		s->contextName = strdup(c->context);
		s->contextNameLen = strlen(c->context);
	}
	if (c->level == SNMP_NOAUTH)
		return 0;
	if (c->auth == SNMP_AUTH_SHA256) {
		s->securityAuthProto = snmp_duplicate_objid(
		    usmHMAC192SHA256AuthProtocol,
		    OID_LENGTH(usmHMAC192SHA256AuthProtocol));
		s->securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
	} else {
		s->securityAuthProto = snmp_duplicate_objid(
		    usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol));
		s->securityAuthProtoLen = OID_LENGTH(usmHMACSHA1AuthProtocol);
	}
	s->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen,
	    (const u_char *)c->auth_key, strlen(c->auth_key),
	    s->securityAuthKey, &s->securityAuthKeyLen) != SNMPERR_SUCCESS) {
		snprintf(err, errlen, "cannot derive the auth key");
		return -1;
	}
	if (c->level != SNMP_PRIV)
		return 0;
	s->securityPrivProto = snmp_duplicate_objid(usmAESPrivProtocol,
	    OID_LENGTH(usmAESPrivProtocol));
	s->securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
	s->securityPrivKeyLen = USM_PRIV_KU_LEN;
	if (generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen,
	    (const u_char *)c->priv_key, strlen(c->priv_key),
	    s->securityPrivKey, &s->securityPrivKeyLen) != SNMPERR_SUCCESS) {
		snprintf(err, errlen, "cannot derive the priv key");
		return -1;
	}
	return 0;
}

static void	 walk(struct dev *);

/* The session of a device; -1 with err set if it cannot be made. */
static struct snmp_session *
open_session(struct dev *d, const u_char *engine, size_t engine_len,
    char *err, size_t errlen)
{
	struct snmp_session	 s, *ss;
	char			 peer[CONF_TEXT_MAX + 16];

	snmp_sess_init(&s);
	snprintf(peer, sizeof(peer), strchr(d->c->address, ':') ?
	    "udp6:[%s]:%u" : "udp:%s:%u", d->c->address, d->c->port);
	s.peername = peer;
	s.timeout = (long)d->c->timeout_ms * 1000;
	s.retries = (int)d->c->retries;
	s.callback = callback;
	s.callback_magic = d;
	switch (d->c->version) {
	case SNMP_V1:
	case SNMP_V2C:
		s.version = d->c->version == SNMP_V1 ? SNMP_VERSION_1 :
		    SNMP_VERSION_2c;
		s.community = (u_char *)(uintptr_t)d->c->community;
		s.community_len = strlen(d->c->community);
		break;
	case SNMP_V3:
		s.version = SNMP_VERSION_3;
		if (set_v3(&s, d->c, err, errlen) == -1)
			return NULL;
		if (engine_len > 0) {
			s.securityEngineID = netsnmp_memdup(engine, engine_len);
			s.securityEngineIDLen = engine_len;
		}
		break;
	}
	ss = snmp_open(&s);
	if (s.version == SNMP_VERSION_3) {
		free(s.securityName);
		free(s.contextName);
		free(s.securityAuthProto);
		free(s.securityPrivProto);
		free(s.securityEngineID);
	}
	if (ss == NULL)
		snprintf(err, errlen, "%s", snmp_api_errstring(snmp_errno));
	return ss;
}

/* In a child: net-snmp's blocking discovery, the ID to the pipe. */
static void
probe_child(struct dev *d, int fd)
{
	struct snmp_session	*ss;
	struct snmp_pdu		*pdu, *resp = NULL;
	char			 err[128];
	u_char			 buf[1 + ENGINE_ID_MAX] = { 0 };

	/* The first request discovers the engine (and asks sysUpTime). */
	ss = open_session(d, NULL, 0, err, sizeof(err));
	if (ss != NULL) {
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		snmp_add_null_var(pdu, sys_uptime0, OID_LENGTH(sys_uptime0));
		if (snmp_synch_response(ss, pdu, &resp) != STAT_SUCCESS)
			ss->securityEngineIDLen = 0;
	}
	if (ss != NULL && ss->securityEngineIDLen > 0 &&
	    ss->securityEngineIDLen <= ENGINE_ID_MAX) {
		buf[0] = (u_char)ss->securityEngineIDLen;
		memcpy(buf + 1, ss->securityEngineID, ss->securityEngineIDLen);
	}
	if (write(fd, buf, 1 + (size_t)buf[0]) == -1)
		_exit(1);
	_exit(0);
}

static void
start_probe(struct dev *d)
{
	int	 fds[2];

	if (pipe2(fds, O_CLOEXEC) == -1 || (d->probe_pid = fork()) == -1) {
		finish(d, 0, "engine discovery: cannot start a process");
		return;
	}
	if (d->probe_pid == 0) {
		close(fds[0]);
		probe_child(d, fds[1]);
	}
	close(fds[1]);
	d->probe_fd = fds[0];
}

/* The child has answered: walk with the engine ID, or give up. */
static void
end_probe(struct dev *d)
{
	u_char	 buf[1 + ENGINE_ID_MAX];
	ssize_t	 n = read(d->probe_fd, buf, sizeof(buf));

	close(d->probe_fd);
	d->probe_fd = -1;
	waitpid(d->probe_pid, NULL, 0);
	if (n < 2 || (size_t)n != 1 + (size_t)buf[0]) {
		finish(d, 0, "no answer to SNMPv3 engine discovery (%u ms, "
		    "%u retries)", d->c->timeout_ms, d->c->retries);
		return;
	}
	memcpy(d->engine->id, buf + 1, buf[0]);
	d->engine->len = buf[0];
	walk(d);
}

static void
start(struct dev *d)
{
	d->res->started_us = snmp_poll_now_us();
	if (d->c->version == SNMP_V3 && d->engine->len == 0)
		start_probe(d);
	else
		walk(d);
}

static void
walk(struct dev *d)
{
	char	 err[128];

	if ((d->ss = open_session(d, d->engine->id, d->engine->len, err,
	    sizeof(err))) == NULL) {
		finish(d, 0, "%s", err);
		return;
	}
	if_walk_begin(&d->w, d->res, d->c->version == SNMP_V1);
	d->reps = (int)d->c->max_repetitions;
	send_next(d);
}

int
snmp_poll_run(const struct conf *c, struct snmp_poll_result *results,
    unsigned int max_outstanding)
{
	struct dev	*devs;
	size_t		 i, next = 0, running = 0, answered = 0;
	fd_set		 fds;
	struct timeval	 tv;
	unsigned int	 order = 0;
	int		 nfds, block, n;

	if (c->devices.n == 0)
		return 0;
	if (nengines != c->devices.n) {
		free(engines);
		if ((engines = calloc(c->devices.n, sizeof(*engines))) == NULL)
			return -1;
		nengines = c->devices.n;
	}
	if ((devs = calloc(c->devices.n, sizeof(*devs))) == NULL)
		return -1;
	for (i = 0; i < c->devices.n; i++) {
		if_table_clear(&results[i].table);
		memset((char *)&results[i] + sizeof(results[i].table), 0,
		    sizeof(results[i]) - sizeof(results[i].table));
		devs[i].c = &c->devices.v[i];
		devs[i].res = &results[i];
		devs[i].order = &order;
		devs[i].probe_fd = -1;
		devs[i].engine = &engines[i];
	}
	if (max_outstanding == 0)
		max_outstanding = 1;
	while (next < c->devices.n || running > 0) {
		while (running < max_outstanding && next < c->devices.n) {
			start(&devs[next]);
			if (!devs[next].finished)
				running++;
			else if (devs[next].ss != NULL) {
				snmp_close(devs[next].ss);
				devs[next].ss = NULL;
			}
			next++;
		}
		if (running == 0)
			continue;
		nfds = 0;
		block = 1;
		FD_ZERO(&fds);
		snmp_select_info(&nfds, &fds, &tv, &block);
		for (i = 0; i < next; i++)
			if (devs[i].probe_fd != -1) {
				FD_SET(devs[i].probe_fd, &fds);
				if (devs[i].probe_fd >= nfds)
					nfds = devs[i].probe_fd + 1;
			}
		n = select(nfds, &fds, NULL, NULL, block ? NULL : &tv);
		for (i = 0; n > 0 && i < next; i++)
			if (devs[i].probe_fd != -1 &&
			    FD_ISSET(devs[i].probe_fd, &fds)) {
				FD_CLR(devs[i].probe_fd, &fds);
				end_probe(&devs[i]);
				if (devs[i].finished && devs[i].ss == NULL)
					running--;
			}
		if (n > 0)
			snmp_read(&fds);
		else if (n == 0)
			snmp_timeout();
		/* Sessions are closed here, never inside their callback. */
		for (i = 0; i < next; i++)
			if (devs[i].finished && devs[i].ss != NULL) {
				snmp_close(devs[i].ss);
				devs[i].ss = NULL;
				running--;
			}
	}
	for (i = 0; i < c->devices.n; i++)
		answered += results[i].ok;
	free(devs);
	return (int)answered;
}
