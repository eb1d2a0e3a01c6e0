/*
 * The walk of a device's interface columns (IF-MIB, RFC 2863): what to
 * ask next, and what an answer's varbinds mean.  Apart from the sessions
 * and the sockets (snmp-poll.c), so that hostile answers can be fuzzed.
 *
 * Every GETBULK carries sysUpTime as its one non-repeater (a GETNEXT on
 * 1.3.6.1.2.1.1.3 returns sysUpTime.0), so each answer dates itself by
 * the agent's own clock, which is what rates are computed against.
 *
 * Answers are not trusted: a value of the wrong type, an OID outside its
 * column or not after the one asked for ends that column (RFC 3416,
 * 4.2.3: a walk must move forward).
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "escape.h"
#include "if-walk.h"

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
store_value(struct if_walk *w, int col, const struct variable_list *vb)
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
	if ((r = if_table_row(&w->res->table, (uint32_t)index)) == NULL)
		return 0;
	r->have |= 1u << col;
	if (col == IF_COL_HC_IN || col == IF_COL_IN32) {
		r->uptime = w->res->uptime;
		r->have_uptime = w->res->have_uptime;
		r->at_us = w->res->uptime_us;
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
column_value(struct if_walk *w, int col, const struct variable_list *vb)
{
	const struct column	*cl = &columns[col];

	if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
	    vb->type == SNMP_NOSUCHINSTANCE ||
	    snmp_oidtree_compare(cl->base, cl->len, vb->name,
	    vb->name_length) != 0)
		return -1;		/* the column is over */
	if (snmp_oid_compare(vb->name, vb->name_length, w->next[col],
	    w->nextlen[col]) <= 0 || vb->name_length > MAX_OID_LEN) {
		w->res->bad_values++;
		w->backwards++;
		return -1;		/* not moving forward: stop */
	}
	memcpy(w->next[col], vb->name, vb->name_length * sizeof(oid));
	w->nextlen[col] = vb->name_length;
	if (store_value(w, col, vb) == -1)
		w->res->bad_values++;
	return 0;
}

void
if_walk_begin(struct if_walk *w, struct snmp_poll_result *res, int v1)
{
	int	 i;

	memset(w, 0, sizeof(*w));
	w->res = res;
	for (i = 0; i < IF_NCOLUMNS; i++) {
		/* SNMPv1 has no Counter64 (RFC 3584, 4.2.2.1). */
		if (v1 && columns[i].kind == V_COUNTER64)
			continue;
		memcpy(w->next[i], columns[i].base, columns[i].len * sizeof(oid));
		w->nextlen[i] = columns[i].len;
		w->active |= 1u << i;
	}
}

void
if_walk_ask(struct if_walk *w, struct snmp_pdu *pdu)
{
	int	 i, n = 0;

	for (i = 0; i < IF_NCOLUMNS; i++)
		if (w->active >> i & 1)
			w->incol[n++] = i;
	w->nincol = n;
	snmp_add_null_var(pdu, sys_uptime, OID_LENGTH(sys_uptime));
	for (i = 0; i < n; i++)
		snmp_add_null_var(pdu, w->next[w->incol[i]],
		    w->nextlen[w->incol[i]]);
}

int
if_walk_absent(struct if_walk *w, long errindex)
{
	/* The first varbind is sysUpTime; then the columns as asked. */
	if (errindex < 2 || errindex - 2 >= w->nincol)
		return -1;
	w->active &= ~(1u << w->incol[errindex - 2]);
	return 0;
}

enum if_walk_step
if_walk_answer(struct if_walk *w, const struct variable_list *vb,
    uint64_t now_us)
{
	uint32_t	 before = w->active, ended = 0;
	int		 k = 0, col, progress = 0;

	if (vb != NULL && snmp_oid_compare(vb->name, vb->name_length,
	    sys_uptime0, OID_LENGTH(sys_uptime0)) == 0 &&
	    vb->type == ASN_TIMETICKS) {
		w->res->uptime = (uint32_t)*vb->val.integer;
		w->res->have_uptime = 1;
	} else
		w->res->have_uptime = 0;
	w->res->uptime_us = now_us;
	if (vb != NULL)
		vb = vb->next_variable;
	for (; vb != NULL && w->nincol > 0; vb = vb->next_variable, k++) {
		col = w->incol[k % w->nincol];
		if (ended >> col & 1)
			continue;
		if (column_value(w, col, vb) == -1) {
			ended |= 1u << col;
			w->active &= ~(1u << col);
		} else
			progress = 1;
	}
	/*
	 * A walk that ended with no interface because the agent would not
	 * move forward (one that echoes what it is asked) is not a device
	 * without interfaces.
	 */
	if (w->active == 0)
		return w->backwards > 0 && w->res->table.n == 0 ?
		    IF_WALK_STUCK : IF_WALK_DONE;
	if (!progress && w->active == before)
		return IF_WALK_STUCK;
	return IF_WALK_MORE;
}
