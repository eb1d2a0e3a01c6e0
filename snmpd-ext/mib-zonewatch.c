/*
 * The objects of ZONEWATCH-MIB, as rows: scalars are a table of
 * (group, object, type, figure); each conceptual table has a builder
 * that adds one row per column and index (RFC 2578, 7.7: the index of
 * a row follows the column's OID).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "mib-zonewatch.h"

static const oid zw_root[] = { ZW_OID_ROOT };

/* The scalars' figures, derived from the state once per refresh. */
struct figures {
	uint64_t	 collector_uptime;	/* TimeTicks */
	uint64_t	 status_age;
	uint64_t	 packets, octets, drops, malformed;
	uint64_t	 flows_active, flows_created, flows_evicted;
	uint64_t	 violations, newest_id;
	uint64_t	 devices, devices_up, devices_down;
	uint64_t	 poll_ms, poll_age;
	uint64_t	 store_free, store_used_pct, oldest_age;
	uint64_t	 ipfix_records, ipfix_dropped;
	uint64_t	 audit_seq;
};

#define F(x)	offsetof(struct figures, x)

static const struct scalar {
	oid		 group;		/* zwObjects.group */
	oid		 object;
	u_char		 type;
	size_t		 figure;
} scalars[] = {
	{ 1, 2, ASN_TIMETICKS,	F(collector_uptime) },
	{ 1, 3, ASN_GAUGE,	F(status_age) },
	{ 2, 1, ASN_COUNTER64,	F(packets) },
	{ 2, 2, ASN_COUNTER64,	F(octets) },
	{ 2, 3, ASN_COUNTER64,	F(drops) },
	{ 2, 4, ASN_COUNTER64,	F(malformed) },
	{ 2, 5, ASN_GAUGE,	F(flows_active) },
	{ 2, 6, ASN_COUNTER64,	F(flows_created) },
	{ 2, 7, ASN_COUNTER64,	F(flows_evicted) },
	{ 5, 1, ASN_GAUGE,	F(violations) },
	{ 5, 2, ASN_UNSIGNED,	F(newest_id) },
	{ 6, 1, ASN_GAUGE,	F(devices) },
	{ 6, 2, ASN_GAUGE,	F(devices_up) },
	{ 6, 3, ASN_GAUGE,	F(devices_down) },
	{ 6, 4, ASN_GAUGE,	F(poll_ms) },
	{ 6, 5, ASN_GAUGE,	F(poll_age) },
	{ 7, 1, ASN_COUNTER64,	F(store_free) },
	{ 7, 2, ASN_GAUGE,	F(store_used_pct) },
	{ 7, 3, ASN_GAUGE,	F(oldest_age) },
	{ 9, 1, ASN_COUNTER64,	F(ipfix_records) },
	{ 9, 2, ASN_COUNTER64,	F(ipfix_dropped) },
	{ MIB_AUDIT_GROUP, MIB_AUDIT_SEQ, ASN_UNSIGNED, F(audit_seq) },
};

static void
derive(const struct agent_state *st, struct figures *f)
{
	memset(f, 0, sizeof(*f));
	if (st->have_status) {
		f->collector_uptime = st->collector_uptime * 100;
		f->packets = st->packets;
		f->octets = st->octets;
		f->drops = st->drops;
		f->malformed = st->malformed;
		f->flows_active = st->flows_active;
		f->flows_created = st->flows_created;
		f->flows_evicted = st->flows_evicted;
		f->ipfix_records = st->ipfix_records;
		f->ipfix_dropped = st->ipfix_dropped;
	}
	f->status_age = agent_state_age(st, st->have_status, st->status_time);
	if (st->have_store) {
		f->violations = st->violations;
		f->newest_id = st->newest_id > 0 ? (uint64_t)st->newest_id : 0;
		f->oldest_age = st->oldest_age;
		f->audit_seq = st->audit_seq > 0 ? (uint64_t)st->audit_seq : 0;
	}
	f->store_free = st->store_free;
	f->store_used_pct = st->store_used_pct;
	if (st->have_poller) {
		f->devices = st->devices;
		f->devices_up = st->devices_up;
		f->devices_down = st->devices - st->devices_up;
		f->poll_ms = st->poll_ms;
	}
	f->poll_age = agent_state_age(st, st->have_poller, st->poll_time);
}

/* zwObjects.group.table.1.column, then the index. */
static int
cell(struct mib_view *v, oid group, oid table, oid column, const oid *index,
    size_t ilen, u_char type, uint64_t num, const char *str)
{
	oid	 prefix[ZW_OID_ROOT_LEN + 5] = { ZW_OID_ROOT, 1, group, table,
		    1, column };

	return mib_view_add(v, prefix, sizeof(prefix) / sizeof(prefix[0]),
	    index, ilen, type, num, str);
}

static int
add_drops(struct mib_view *v, const struct agent_state *st)
{
	oid	 idx[1];
	size_t	 i;
	int	 rv = 0;

	for (i = 0; i < st->nreasons && st->have_status; i++) {
		idx[0] = (oid)(i + 1);
		rv |= cell(v, 2, 8, 2, idx, 1, ASN_OCTET_STR, 0, st->reason[i]);
		rv |= cell(v, 2, 8, 3, idx, 1, ASN_COUNTER64,
		    st->reason_packets[i], NULL);
	}
	return rv;
}

static int
add_sites(struct mib_view *v, const struct agent_state *st)
{
	const struct conf	*c = st->conf;
	const struct conf_site	*s;
	const struct agent_site	*a;
	uint64_t		 util, peak;
	oid			 idx[1];
	size_t			 i;
	int			 rv = 0;

	for (i = 0; i < c->sites.n; i++) {
		s = &c->sites.v[i];
		a = &st->sites[i];
		peak = a->in_bps > a->out_bps ? a->in_bps : a->out_bps;
		util = s->bandwidth_bps ? peak * 10000 / s->bandwidth_bps : 0;
		idx[0] = (oid)(i + 1);
		rv |= cell(v, 3, 1, 2, idx, 1, ASN_OCTET_STR, 0, s->name);
		rv |= cell(v, 3, 1, 3, idx, 1, ASN_OCTET_STR, 0, s->name_zh);
		rv |= cell(v, 3, 1, 4, idx, 1, ASN_INTEGER,
		    s->parent >= 0 ? (uint64_t)s->parent + 1 : 0, NULL);
		rv |= cell(v, 3, 1, 5, idx, 1, ASN_COUNTER64, s->bandwidth_bps,
		    NULL);
		rv |= cell(v, 3, 1, 6, idx, 1, ASN_COUNTER64, a->in_bps, NULL);
		rv |= cell(v, 3, 1, 7, idx, 1, ASN_COUNTER64, a->out_bps, NULL);
		rv |= cell(v, 3, 1, 8, idx, 1, ASN_GAUGE, util, NULL);
		rv |= cell(v, 3, 1, 9, idx, 1, ASN_COUNTER64, a->p95_in, NULL);
		rv |= cell(v, 3, 1, 10, idx, 1, ASN_COUNTER64, a->p95_out,
		    NULL);
	}
	return rv;
}

static const char *
zone_name(const struct conf *c, int z)
{
	return (size_t)z < c->zones.n ? c->zones.v[z].name : "unknown";
}

static int
add_zone_pairs(struct mib_view *v, const struct agent_state *st)
{
	const struct agent_zone_pair	*p;
	oid				 idx[2];
	size_t				 i;
	int				 rv = 0;

	for (i = 0; i < st->npairs && st->have_status; i++) {
		p = &st->pairs[i];
		idx[0] = (oid)p->from + 1;
		idx[1] = (oid)p->to + 1;
		rv |= cell(v, 4, 1, 3, idx, 2, ASN_OCTET_STR, 0,
		    zone_name(st->conf, p->from));
		rv |= cell(v, 4, 1, 4, idx, 2, ASN_OCTET_STR, 0,
		    zone_name(st->conf, p->to));
		rv |= cell(v, 4, 1, 5, idx, 2, ASN_COUNTER64, p->octets, NULL);
		rv |= cell(v, 4, 1, 6, idx, 2, ASN_COUNTER64, p->bps, NULL);
	}
	return rv;
}

/* ZwSeverity and ZwReviewState count from 1, the store from 0. */
static int
add_violation_counts(struct mib_view *v, const struct agent_state *st)
{
	oid	 idx[2];
	int	 sev, state, rv = 0;

	for (sev = 0; sev < SEV_NLEVELS && st->have_store; sev++)
		for (state = 0; state < STORE_NSTATES; state++) {
			idx[0] = (oid)sev + 1;
			idx[1] = (oid)state + 1;
			rv |= cell(v, 5, 3, 3, idx, 2, ASN_GAUGE,
			    (uint64_t)st->counts[sev][state], NULL);
		}
	return rv;
}

static int (*const tables[])(struct mib_view *, const struct agent_state *) = {
	add_drops,
	add_sites,
	add_zone_pairs,
	add_violation_counts,
};

int
mib_zonewatch_update(const struct agent_state *st)
{
	struct mib_view		*v;
	struct figures		 f;
	oid			 prefix[ZW_OID_ROOT_LEN + 3] = { ZW_OID_ROOT, 1 };
	const oid		 zero[1] = { 0 };
	size_t			 i;
	int			 rv = 0;

	if ((v = mib_view_new()) == NULL)
		return -1;
	derive(st, &f);
	prefix[ZW_OID_ROOT_LEN + 1] = 1;
	prefix[ZW_OID_ROOT_LEN + 2] = 1;
	rv |= mib_view_add(v, prefix, ZW_OID_ROOT_LEN + 3, zero, 1,
	    ASN_OCTET_STR, 0, ZW_VERSION);
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		prefix[ZW_OID_ROOT_LEN + 1] = scalars[i].group;
		prefix[ZW_OID_ROOT_LEN + 2] = scalars[i].object;
		rv |= mib_view_add(v, prefix, ZW_OID_ROOT_LEN + 3, zero, 1,
		    scalars[i].type, *(const uint64_t *)(const void *)
		    ((const char *)&f + scalars[i].figure), NULL);
	}
	prefix[ZW_OID_ROOT_LEN + 1] = MIB_AUDIT_GROUP;
	prefix[ZW_OID_ROOT_LEN + 2] = MIB_AUDIT_HASH;
	rv |= mib_view_add(v, prefix, ZW_OID_ROOT_LEN + 3, zero, 1,
	    ASN_OCTET_STR, 0, st->have_store ? st->audit_hash : "");
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		rv |= tables[i](v, st);
	if (rv != 0) {
		log_warnx("mib: out of memory building the rows");
		mib_view_free(v);
		return -1;
	}
	mib_view_publish(v);
	return 0;
}

int
mib_zonewatch_register(void)
{
	return mib_view_register("zonewatch", zw_root,
	    sizeof(zw_root) / sizeof(zw_root[0]));
}
