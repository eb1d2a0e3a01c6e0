/*
 * The poll engine, on net-snmp's asynchronous API: one session per
 * device being polled, at most max_outstanding of them open, one select
 * loop for all.  A device's walk is a chain of requests, each sent from
 * the callback of the one before.
 *
 * Every GETBULK carries sysUpTime as its one non-repeater (a GETNEXT on
 * 1.3.6.1.2.1.1.3 returns sysUpTime.0), so each answer dates itself by
 * the agent's own clock, which is what rates are computed against.
 *
 * SNMPv3 needs the agent's engine ID first (RFC 3414, 4), and net-snmp
 * finds it with a request that blocks.  So a child process does that
 * discovery, one per device, and hands the ID back through a pipe that
 * the select loop watches with the sessions: a dead SNMPv3 device costs
 * its own timeout and nobody else's.  The ID is kept for later polls.
 *
 * Answers are not trusted: a value of the wrong type, an OID outside its
 * column or not after the one asked for ends that column (RFC 3416,
 * 4.2.3: a walk must move forward), and the number of requests a device
 * may cost per poll is bounded.
 */
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "escape.h"
#include "log.h"
#include "snmp-poll.h"

#define BULK_VARBINDS	40	/* per answer: a datagram's worth */

static const oid sys_uptime[] = { 1, 3, 6, 1, 2, 1, 1, 3 };
static const oid sys_uptime0[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };

enum value_kind {
	V_TEXT,
	V_INT,
	V_GAUGE,
	V_COUNTER,
	V_COUNTER64
};

/* The columns, in the order of enum if_column. */
static const struct column {
	oid		 base[11];
	size_t		 len;
	enum value_kind	 kind;
} columns[IF_NCOLUMNS] = {
	[IF_COL_DESCR]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 }, 10, V_TEXT },
	[IF_COL_SPEED]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 5 }, 10, V_GAUGE },
	[IF_COL_ADMIN]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 7 }, 10, V_INT },
	[IF_COL_OPER]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 8 }, 10, V_INT },
	[IF_COL_IN32]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 10 }, 10, V_COUNTER },
	[IF_COL_IN_DISC]  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 13 }, 10, V_COUNTER },
	[IF_COL_IN_ERR]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 14 }, 10, V_COUNTER },
	[IF_COL_OUT32]	  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 16 }, 10, V_COUNTER },
	[IF_COL_OUT_DISC] = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 19 }, 10, V_COUNTER },
	[IF_COL_OUT_ERR]  = { { 1, 3, 6, 1, 2, 1, 2, 2, 1, 20 }, 10, V_COUNTER },
	[IF_COL_NAME]	  = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 }, 11, V_TEXT },
	[IF_COL_HC_IN]	  = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6 }, 11,
			      V_COUNTER64 },
	[IF_COL_HC_OUT]	  = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10 }, 11,
			      V_COUNTER64 },
	[IF_COL_HIGH_SPEED] = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15 }, 11,
			      V_GAUGE },
	[IF_COL_ALIAS]	  = { { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18 }, 11, V_TEXT },
};

struct dev {
	const struct conf_device *c;
	struct snmp_poll_result	*res;
	struct snmp_session	*ss;
	oid			 next[IF_NCOLUMNS][MAX_OID_LEN];
	size_t			 nextlen[IF_NCOLUMNS];
	uint32_t		 active;	/* columns still walking */
	int			 incol[IF_NCOLUMNS];	/* columns asked */
	int			 nincol;
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
	int		 i, n = 0;

	if (d->res->requests >= SNMP_POLL_MAX_REQUESTS) {
		finish(d, 0, "more than %d requests: walk abandoned",
		    SNMP_POLL_MAX_REQUESTS);
		return -1;
	}
	for (i = 0; i < IF_NCOLUMNS; i++)
		if (d->active >> i & 1)
			d->incol[n++] = i;
	d->nincol = n;
	if (d->c->version == SNMP_V1)
		pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	else {
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 1;
		pdu->max_repetitions = d->reps;
	}
	snmp_add_null_var(pdu, sys_uptime, OID_LENGTH(sys_uptime));
	for (i = 0; i < n; i++)
		snmp_add_null_var(pdu, d->next[d->incol[i]],
		    d->nextlen[d->incol[i]]);
	d->res->requests++;
	if (snmp_send(d->ss, pdu) == 0) {
		snmp_free_pdu(pdu);
		finish(d, 0, "send: %s", snmp_api_errstring(d->ss->s_snmp_errno));
		return -1;
	}
	return 0;
}

/*
 * GB18030 (a superset of GBK) into UTF-8, as far as dst holds whole
 * characters; -1 if src is not GB18030.
 */
static int
from_gb18030(char *dst, size_t len, const char *src, size_t n)
{
	static iconv_t	 cd = (iconv_t)-1;
	char		*in = (char *)(uintptr_t)src, *out = dst;
	size_t		 inleft = n, outleft = len - 1;

	if (cd == (iconv_t)-1 &&
	    (cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return -1;
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 &&
	    errno == EILSEQ)
		return -1;
	/* E2BIG or EINVAL: what was converted is whole characters. */
	*out = '\0';
	return 0;
}

/*
 * Text as the device sent it, control characters made visible.  A
 * description typed in Chinese on a switch's console is as often GBK as
 * UTF-8: text that is not UTF-8 but is GB18030 is converted; any other
 * is kept as it came (escape_json() shows its odd bytes as such).
 */
static void
copy_text(char *dst, size_t len, const struct variable_list *vb)
{
	unsigned char	 raw[IF_TEXT_MAX], c;
	size_t		 i, n, cap = (len < sizeof(raw) ? len : sizeof(raw)) - 1;

	n = vb->val_len < cap ? vb->val_len : cap;
	for (i = 0; i < n; i++) {
		c = vb->val.string[i];
		raw[i] = c < 0x20 || c == 0x7f ? '?' : c;
	}
	/* A UTF-8 character that this cut split is left out whole. */
	if (vb->val_len > n) {
		for (i = n; i > 0 && n - i < 3 && (raw[i - 1] & 0xc0) == 0x80;
		    i--)
			;
		if (i > 0 && raw[i - 1] >= 0xc0 && n - i + 1 <
		    (raw[i - 1] >= 0xf0 ? 4u : raw[i - 1] >= 0xe0 ? 3u : 2u))
			n = i - 1;
	}
	raw[n] = '\0';
	if (!escape_utf8_valid((char *)raw) &&
	    from_gb18030(dst, len, (char *)raw, n) == 0)
		return;
	snprintf(dst, len, "%s", (char *)raw);
}

static int
store_value(struct dev *d, int col, const struct variable_list *vb)
{
	const struct column	*cl = &columns[col];
	struct if_row		*r;
	oid			 index;

	if (vb->name_length != cl->len + 1 ||
	    (index = vb->name[cl->len]) == 0 || index > 0x7fffffff)
		return -1;
	switch (cl->kind) {
	case V_TEXT:
		if (vb->type != ASN_OCTET_STR)
			return -1;
		break;
	case V_INT:
		if (vb->type != ASN_INTEGER)
			return -1;
		break;
	case V_GAUGE:
		if (vb->type != ASN_GAUGE)
			return -1;
		break;
	case V_COUNTER:
		if (vb->type != ASN_COUNTER)
			return -1;
		break;
	case V_COUNTER64:
		if (vb->type != ASN_COUNTER64)
			return -1;
		break;
	}
	if ((r = if_table_row(&d->res->table, (uint32_t)index)) == NULL)
		return 0;
	r->have |= 1u << col;
	if (col == IF_COL_HC_IN || col == IF_COL_IN32) {
		r->uptime = d->res->uptime;
		r->have_uptime = d->res->have_uptime;
		r->at_us = d->res->uptime_us;
	}
	switch (col) {
	case IF_COL_DESCR:
		copy_text(r->descr, sizeof(r->descr), vb);
		break;
	case IF_COL_NAME:
		copy_text(r->name, sizeof(r->name), vb);
		break;
	case IF_COL_ALIAS:
		copy_text(r->alias, sizeof(r->alias), vb);
		break;
	case IF_COL_SPEED:
		r->speed = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_HIGH_SPEED:
		r->high_speed = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_ADMIN:
		r->admin = (uint8_t)(*vb->val.integer > 0 &&
		    *vb->val.integer < 256 ? *vb->val.integer : 0);
		break;
	case IF_COL_OPER:
		r->oper = (uint8_t)(*vb->val.integer > 0 &&
		    *vb->val.integer < 256 ? *vb->val.integer : 0);
		break;
	case IF_COL_IN32:
		r->in32 = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_OUT32:
		r->out32 = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_IN_ERR:
		r->in_err = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_OUT_ERR:
		r->out_err = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_IN_DISC:
		r->in_disc = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_OUT_DISC:
		r->out_disc = (uint32_t)*vb->val.integer;
		break;
	case IF_COL_HC_IN:
		r->in_octets = (uint64_t)vb->val.counter64->high << 32 |
		    (uint32_t)vb->val.counter64->low;
		break;
	case IF_COL_HC_OUT:
		r->out_octets = (uint64_t)vb->val.counter64->high << 32 |
		    (uint32_t)vb->val.counter64->low;
		break;
	}
	return 0;
}

/* One varbind of column col; 0 if the column goes on. */
static int
column_value(struct dev *d, int col, const struct variable_list *vb)
{
	const struct column	*cl = &columns[col];

	if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
	    vb->type == SNMP_NOSUCHINSTANCE ||
	    snmp_oidtree_compare(cl->base, cl->len, vb->name,
	    vb->name_length) != 0)
		return -1;		/* the column is over */
	if (snmp_oid_compare(vb->name, vb->name_length, d->next[col],
	    d->nextlen[col]) <= 0 || vb->name_length > MAX_OID_LEN) {
		d->res->bad_values++;
		return -1;		/* not moving forward: stop */
	}
	memcpy(d->next[col], vb->name, vb->name_length * sizeof(oid));
	d->nextlen[col] = vb->name_length;
	if (store_value(d, col, vb) == -1)
		d->res->bad_values++;
	return 0;
}

static void
on_answer(struct dev *d, struct snmp_pdu *pdu)
{
	struct variable_list	*vb = pdu->variables;
	uint32_t		 before = d->active, ended = 0;
	int			 k = 0, col, progress = 0;

	if (pdu->errstat == SNMP_ERR_TOOBIG && d->reps > 1) {
		d->reps /= 2;		/* the answer did not fit */
		send_next(d);
		return;
	}
	/* SNMPv1 says a column does not exist by naming its varbind. */
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex >= 2 &&
	    pdu->errindex - 2 < d->nincol) {
		d->active &= ~(1u << d->incol[pdu->errindex - 2]);
		if (d->active == 0)
			finish(d, 1, NULL);
		else
			send_next(d);
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		finish(d, 0, "agent error: %s", snmp_errstring(pdu->errstat));
		return;
	}
	if (vb != NULL && snmp_oid_compare(vb->name, vb->name_length,
	    sys_uptime0, OID_LENGTH(sys_uptime0)) == 0 &&
	    vb->type == ASN_TIMETICKS) {
		d->res->uptime = (uint32_t)*vb->val.integer;
		d->res->have_uptime = 1;
		d->res->uptime_us = snmp_poll_now_us();
	}
	else {
		d->res->have_uptime = 0;
		d->res->uptime_us = snmp_poll_now_us();
	}
	if (vb != NULL)
		vb = vb->next_variable;
	for (; vb != NULL && d->nincol > 0; vb = vb->next_variable, k++) {
		col = d->incol[k % d->nincol];
		if (ended >> col & 1)
			continue;
		if (column_value(d, col, vb) == -1) {
			ended |= 1u << col;
			d->active &= ~(1u << col);
		} else
			progress = 1;
	}
	if (d->active == 0) {
		finish(d, 1, NULL);
		return;
	}
	if (!progress && d->active == before) {
		finish(d, 0, "the agent's answers make no progress");
		return;
	}
	send_next(d);
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
	int	 i;

	if ((d->ss = open_session(d, d->engine->id, d->engine->len, err,
	    sizeof(err))) == NULL) {
		finish(d, 0, "%s", err);
		return;
	}
	d->active = 0;
	for (i = 0; i < IF_NCOLUMNS; i++) {
		/* SNMPv1 has no Counter64 (RFC 3584, 4.2.2.1). */
		if (d->c->version == SNMP_V1 && columns[i].kind == V_COUNTER64)
			continue;
		memcpy(d->next[i], columns[i].base, columns[i].len * sizeof(oid));
		d->nextlen[i] = columns[i].len;
		d->active |= 1u << i;
	}
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
