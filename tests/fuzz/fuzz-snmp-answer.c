/*
 * libFuzzer harness for what a switch answers the poller (poller/if-walk.c):
 * the first byte says SNMPv1 (bit 0), then come answers, each a length
 * (two bytes, big-endian) and a response PDU as it comes off the wire
 * after the community, which net-snmp's own parser (snmp_pdu_parse)
 * reads, as it does for the poller.  Each
 * answer goes to the walk asked the way the poller asks it.  Whatever
 * the bytes: the table stays within its bounds, its texts are terminated
 * and free of control characters, a column's next OID only moves
 * forward, and a column once ended stays ended.
 *
 * Seeds: the poller's own walks of the bundled recordings (tests/snmprec:
 * Huawei, H3C, Cisco, Juniper, ZTE, Ruijie, and Linux by SNMPv1) through
 * snmpsim, captured on loopback.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "if-walk.h"
#include "snmp-poll.h"

#define ANSWERS_MAX	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_text(const char *s, size_t size)
{
	size_t	 n = strnlen(s, size);

	if (n == size)
		abort();
	for (; n > 0; n--, s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void
check(const struct if_walk *w, const struct if_walk *before)
{
	const struct if_table	*t = &w->res->table;
	size_t			 i;
	int			 c;

	if (t->n > IF_MAX_ROWS || t->n > t->cap)
		abort();
	for (i = 0; i < t->n; i++) {
		const struct if_row *r = &t->rows[i];

		if (r->index == 0 || (i > 0 && r->index <= t->rows[i - 1].index))
			abort();
		check_text(r->name, sizeof(r->name));
		check_text(r->descr, sizeof(r->descr));
		check_text(r->alias, sizeof(r->alias));
	}
	if (w->active & ~before->active)
		abort();
	for (c = 0; c < IF_NCOLUMNS; c++) {
		if (w->nextlen[c] > MAX_OID_LEN)
			abort();
		if (snmp_oid_compare(w->next[c], w->nextlen[c],
		    before->next[c], before->nextlen[c]) < 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int			 ready;
	static struct snmp_poll_result	 res;
	static struct if_walk		 w, before;
	struct snmp_pdu			*ask, *pdu;
	u_char				 buf[65536];
	size_t				 at = 1, len;
	int				 k;

	if (!ready) {
		snmp_poll_init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	if_table_clear(&res.table);
	if_walk_begin(&w, &res, data[0] & 1);
	for (k = 0; k < ANSWERS_MAX && size - at >= 2 && w.active != 0;
	    k++) {
		len = (size_t)data[at] << 8 | data[at + 1];
		at += 2;
		if (len > size - at)
			len = size - at;
		/* The parser takes a writable buffer; the input is not. */
		memcpy(buf, data + at, len);
		at += len;
		ask = snmp_pdu_create(SNMP_MSG_GETBULK);
		if_walk_ask(&w, ask);
		snmp_free_pdu(ask);
		before = w;
		pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
		if (snmp_pdu_parse(pdu, buf, &len) == 0) {
			if (pdu->errstat == SNMP_ERR_NOSUCHNAME)
				(void)if_walk_absent(&w, pdu->errindex);
			else if (pdu->errstat == SNMP_ERR_NOERROR &&
			    if_walk_answer(&w, pdu->variables, 0) ==
			    IF_WALK_STUCK && w.active != before.active)
				abort();
		}
		snmp_free_pdu(pdu);
		check(&w, &before);
	}
	return 0;
}
