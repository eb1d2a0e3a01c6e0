/*
 * What is new since the last refresh becomes a notification.  Records
 * already in the store when the subagent starts are not sent again:
 * a restart does not flood the management station.  Threshold alarms
 * (capture loss, store space) are sent once when crossed and re-armed
 * when the figure falls back below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "conf.h"
#include "log.h"
#include "mib-zonewatch.h"
#include "notify.h"

struct notify {
	const struct conf	*conf;
	int			 started;
	int			 store_known;	/* ids below noted */
	int64_t			 last_violation;
	unsigned int		 burst;		/* sent in this call */
	int64_t			 last_event;
	uint64_t		 last_drops, last_time;
	int			 loss_raised, store_raised;
	int64_t			 audit_seq;	/* the head last told */
	char			 audit_hash[65];
	unsigned long		 sent;
};

static const oid snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

struct notify *
notify_new(const struct conf *c)
{
	struct notify	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->conf = c;
	return n;
}

void
notify_free(struct notify *n)
{
	free(n);
}

/* A varbind of zwNotifyObjects.k.0 */
static void
add(netsnmp_variable_list **vars, enum mib_notify_object k, u_char type,
    const void *value, size_t len)
{
	oid	 name[] = { ZW_OID_ROOT, 1, 8, (oid)k, 0 };

	snmp_varlist_add_variable(vars, name, sizeof(name) / sizeof(name[0]),
	    type, value, len);
}

static void
add_text(netsnmp_variable_list **vars, enum mib_notify_object k,
    const char *s)
{
	add(vars, k, ASN_OCTET_STR, s, strlen(s));
}

static void
add_number(netsnmp_variable_list **vars, enum mib_notify_object k,
    u_char type, uint64_t v)
{
	long	 l = (long)(v > UINT32_MAX ? UINT32_MAX : v);

	add(vars, k, type, &l, sizeof(l));
}

/* snmpTrapOID.0 first (RFC 3416, 4.2.6); the library adds sysUpTime.0. */
static netsnmp_variable_list *
begin(enum mib_notification which)
{
	netsnmp_variable_list	*vars = NULL;
	oid			 trap[] = { ZW_OID_ROOT, 0, (oid)which };

	snmp_varlist_add_variable(&vars, snmp_trap_oid,
	    sizeof(snmp_trap_oid) / sizeof(snmp_trap_oid[0]), ASN_OBJECT_ID,
	    trap, sizeof(trap));
	return vars;
}

static void
notify_send(struct notify *n, netsnmp_variable_list *vars)
{
	send_v2trap(vars);
	snmp_free_varbind(vars);
	n->sent++;
}

static int
on_violation(void *arg, const struct store_violation *v)
{
	struct notify		*n = arg;
	netsnmp_variable_list	*vars = begin(MIB_VIOLATION_FOUND);
	char			 msg[2 * STORE_TEXT_MAX + 4];

	snprintf(msg, sizeof(msg), "%s / %s", v->msg_zh, v->msg_en);
	add_number(&vars, MIB_N_VIOLATION_ID, ASN_UNSIGNED, (uint64_t)v->id);
	add_number(&vars, MIB_N_RULE, ASN_UNSIGNED, v->rule);
	add_number(&vars, MIB_N_SEVERITY, ASN_INTEGER,
	    (uint64_t)v->severity + 1);
	add_text(&vars, MIB_N_SOURCE, v->src_ip);
	add_text(&vars, MIB_N_DESTINATION, v->dst_ip);
	add_text(&vars, MIB_N_SITE, v->src_site[0] ? v->src_site :
	    v->dst_site);
	add_text(&vars, MIB_N_APPLICATION, v->app);
	add_text(&vars, MIB_N_MESSAGE, msg);
	notify_send(n, vars);
	n->burst++;
	log_info("notified violation %lld (rule %u) %s -> %s",
	    (long long)v->id, v->rule, v->src_ip, v->dst_ip);
	if (v->id > n->last_violation)
		n->last_violation = v->id;
	return 0;
}

static int
note_event(void *arg, const struct store_event *e)
{
	struct notify	*n = arg;

	n->last_event = e->id;
	return 0;
}

static int
on_event(void *arg, const struct store_event *e)
{
	struct notify		*n = arg;
	netsnmp_variable_list	*vars;
	enum mib_notification	 which;

	if (e->id > n->last_event)
		n->last_event = e->id;
	if (strcmp(e->kind, "link-down") == 0)
		which = MIB_LINK_DOWN;
	else if (strcmp(e->kind, "link-up") == 0)
		which = MIB_LINK_UP;
	else
		return 0;
	vars = begin(which);
	add_text(&vars, MIB_N_DEVICE, e->device);
	add_text(&vars, MIB_N_PORT, e->port);
	add_text(&vars, MIB_N_SITE, e->site);
	notify_send(n, vars);
	log_info("notified %s %s %s", e->kind, e->device, e->port);
	return 0;
}

static void
threshold(struct notify *n, enum mib_notification which, int *raised,
    uint64_t value, uint64_t limit)
{
	netsnmp_variable_list	*vars;

	if (value < limit) {
		*raised = 0;
		return;
	}
	if (*raised)
		return;
	*raised = 1;
	vars = begin(which);
	add_number(&vars, MIB_N_VALUE, ASN_GAUGE, value);
	add_number(&vars, MIB_N_THRESHOLD, ASN_GAUGE, limit);
	notify_send(n, vars);
	log_warnx("notified %s: %llu, threshold %llu",
	    which == MIB_CAPTURE_LOSS ? "capture loss" : "store nearly full",
	    (unsigned long long)value, (unsigned long long)limit);
}

/*
 * A new audit head: the trail's sequence and hash, for the management
 * station to keep as an anchor of zwctl audit verify --anchor.  The head
 * at start is noted, as records are.
 */
static void
audit_head(struct notify *n, const struct agent_state *st, int first)
{
	netsnmp_variable_list	*vars;
	oid			 seq[] = { ZW_OID_ROOT, 1, MIB_AUDIT_GROUP,
				    MIB_AUDIT_SEQ, 0 };
	oid			 hash[] = { ZW_OID_ROOT, 1, MIB_AUDIT_GROUP,
				    MIB_AUDIT_HASH, 0 };
	long			 l = (long)st->audit_seq;

	if (st->audit_seq == n->audit_seq &&
	    strcmp(st->audit_hash, n->audit_hash) == 0)
		return;
	n->audit_seq = st->audit_seq;
	snprintf(n->audit_hash, sizeof(n->audit_hash), "%s", st->audit_hash);
	if (first || st->audit_seq <= 0)
		return;
	vars = begin(MIB_AUDIT_HEAD_CHANGED);
	snmp_varlist_add_variable(&vars, seq, sizeof(seq) / sizeof(seq[0]),
	    ASN_UNSIGNED, &l, sizeof(l));
	snmp_varlist_add_variable(&vars, hash, sizeof(hash) / sizeof(hash[0]),
	    ASN_OCTET_STR, st->audit_hash, strlen(st->audit_hash));
	notify_send(n, vars);
	log_info("notified audit head %lld:%s", (long long)st->audit_seq,
	    st->audit_hash);
}

void
notify_check(struct notify *n, const struct agent_state *st,
    struct store *s)
{
	uint64_t	 rate;
	int64_t		 newest;

	if (s != NULL && st->have_store) {
		newest = st->newest_id;
		audit_head(n, st, !n->store_known);
		if (!n->store_known) {
			n->last_violation = newest;
			store_events(s, 0, NULL, NULL, NULL, 1, note_event, n);
			n->store_known = 1;
		} else {
			/*
			 * Up to the newest id counted: the lesser records
			 * between are passed over once, not read again.
			 */
			n->burst = 0;
			if (store_violations_after(s, n->last_violation,
			    newest, (int)n->conf->notify_severity,
			    NOTIFY_BURST, on_violation, n) == 0 &&
			    n->burst < NOTIFY_BURST)
				n->last_violation = newest;
			store_events_after(s, n->last_event, NOTIFY_BURST,
			    on_event, n);
		}
	}
	if (st->have_status) {
		if (n->last_time > 0 && st->status_time > n->last_time &&
		    st->drops >= n->last_drops) {
			rate = (st->drops - n->last_drops) /
			    (st->status_time - n->last_time);
			threshold(n, MIB_CAPTURE_LOSS, &n->loss_raised, rate,
			    n->conf->notify_drops);
		}
		if (st->status_time != n->last_time) {
			n->last_drops = st->drops;
			n->last_time = st->status_time;
		}
	}
	if (n->started || st->store_used_pct > 0)
		threshold(n, MIB_STORE_NEARLY_FULL, &n->store_raised,
		    st->store_used_pct, n->conf->notify_store);
	n->started = 1;
}
