/*
 * Rows sorted by OID; GET is a binary search, GETNEXT the first row
 * after the asked OID (RFC 3416, 4.2.2).  A GETNEXT past our last row is
 * left unanswered, so that the agent goes on to the next subtree.
 */
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "log.h"
#include "mib-view.h"

struct mib_row {
	oid		 name[MIB_VIEW_OID_MAX];
	size_t		 len;
	u_char		 type;
	uint64_t	 num;
	char		*str;
	size_t		 slen;
};

struct mib_view {
	struct mib_row	*rows;
	size_t		 n, cap;
};

static struct mib_view	*current;

struct mib_view *
mib_view_new(void)
{
	return calloc(1, sizeof(struct mib_view));
}

void
mib_view_free(struct mib_view *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++)
		free(v->rows[i].str);
	free(v->rows);
	free(v);
}

int
mib_view_add(struct mib_view *v, const oid *prefix, size_t plen,
    const oid *index, size_t ilen, u_char type, uint64_t num, const char *str)
{
	struct mib_row	*r;
	size_t		 cap;

	if (plen + ilen > MIB_VIEW_OID_MAX)
		return -1;
	if (v->n == v->cap) {
		cap = v->cap ? v->cap * 2 : 256;
		if ((r = reallocarray(v->rows, cap, sizeof(*r))) == NULL)
			return -1;
		v->rows = r;
		v->cap = cap;
	}
	r = &v->rows[v->n];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, prefix, plen * sizeof(oid));
	if (ilen > 0)
		memcpy(r->name + plen, index, ilen * sizeof(oid));
	r->len = plen + ilen;
	r->type = type;
	r->num = num;
	if (type == ASN_OCTET_STR) {
		if ((r->str = strdup(str ? str : "")) == NULL)
			return -1;
		r->slen = strlen(r->str);
	}
	v->n++;
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct mib_row *x = a, *y = b;

	return snmp_oid_compare(x->name, x->len, y->name, y->len);
}

void
mib_view_publish(struct mib_view *v)
{
	qsort(v->rows, v->n, sizeof(*v->rows), row_cmp);
	mib_view_free(current);
	current = v;
}

size_t
mib_view_rows(void)
{
	return current != NULL ? current->n : 0;
}

/* The first row whose OID is >= name (strictly > with after). */
static const struct mib_row *
lower_bound(const oid *name, size_t len, int after)
{
	size_t	 lo = 0, hi = current != NULL ? current->n : 0, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = snmp_oid_compare(current->rows[mid].name,
		    current->rows[mid].len, name, len);
		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return current != NULL && lo < current->n ? &current->rows[lo] : NULL;
}

static void
set_value(netsnmp_variable_list *vb, const struct mib_row *r)
{
	struct counter64	 c64;
	u_long			 ul;

	switch (r->type) {
	case ASN_COUNTER64:
		c64.high = (u_long)(r->num >> 32);
		c64.low = (u_long)(r->num & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
		break;
	case ASN_OCTET_STR:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->str, r->slen);
		break;
	case ASN_INTEGER:
		ul = (u_long)(r->num > INT32_MAX ? INT32_MAX : r->num);
		snmp_set_var_typed_value(vb, ASN_INTEGER, &ul, sizeof(long));
		break;
	default:	/* Gauge32, Unsigned32, TimeTicks */
		ul = (u_long)(r->num > UINT32_MAX ? UINT32_MAX : r->num);
		snmp_set_var_typed_value(vb, r->type, &ul, sizeof(ul));
		break;
	}
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *info, netsnmp_request_info *requests)
{
	netsnmp_request_info	*req;
	netsnmp_variable_list	*vb;
	const struct mib_row	*r;

	for (req = requests; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		vb = req->requestvb;
		switch (info->mode) {
		case MODE_GET:
			r = lower_bound(vb->name, vb->name_length, 0);
			if (r != NULL && snmp_oid_compare(r->name, r->len,
			    vb->name, vb->name_length) == 0)
				set_value(vb, r);
			else
				netsnmp_set_request_error(info, req,
				    SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			if ((r = lower_bound(vb->name, vb->name_length,
			    1)) != NULL) {
				snmp_set_var_objid(vb, r->name, r->len);
				set_value(vb, r);
			}
			break;
		default:
			netsnmp_set_request_error(info, req,
			    SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int
mib_view_register(const char *name, const oid *root, size_t len)
{
	netsnmp_handler_registration	*reg;

	reg = netsnmp_create_handler_registration(name, handler, root, len,
	    HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) !=
	    MIB_REGISTERED_OK) {
		log_warnx("cannot register %s", name);
		return -1;
	}
	return 0;
}
