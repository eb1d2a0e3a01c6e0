/*
 * Pipeline glue.  One struct pkt goes through the stages in order; a
 * stage that rejects it names the reason, which is counted here.
 * Housekeeping (expiring flows) runs once per second of traffic time,
 * never per packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "detect.h"
#include "evidence.h"
#include "log.h"
#include "pipeline.h"
#include "pipeline-sinks.h"
#include "policy.h"
#include "violation-log.h"
#include "violation-store.h"
#include "zone-map.h"

/*
 * A tick of the wall clock closes a step only this long after its end:
 * the capture's ring hands packets over up to its block timeout (250 ms)
 * late, and those still belong to the step of their timestamp.  A packet
 * past the end closes it at once.
 */
#define STEP_GRACE_US	PIPELINE_TICK_US
#define FRAG_ENTRIES	16384
#define FRAG_TIMEOUT_US	(30ULL * 1000000)	/* Linux ipfrag_time */
struct pipeline {
	struct frag_table	*frags;
	struct flow_table	*flows;
	struct dpi		*dpi;
	struct zone_map		*zones;		/* NULL without a configuration */
	struct policy		*policy;	/* NULL without rules */
	struct violation_store	*store;
	struct evidence		*evidence;	/* NULL: none kept */
	struct accounting	*acct;		/* NULL: no trends */
	uint64_t		 step_us;
	uint64_t		 next_step_us;	/* 0: before the first packet */
	uint64_t		 first_step_us;	/* partial: not written */
	struct pipeline_sinks	*sinks;
	struct pipeline_sinks	*own_sinks;	/* when not shared */
	int			 finished;	/* from now on, writes nothing */
	int			 no_dpi;
	uint64_t		 now_us;
	uint64_t		 next_tick_us;
	uint64_t		*app_bytes;
	uint16_t		 napps;
	struct pipeline_stats	 stats;
};

void
pipeline_conf_default(struct pipeline_conf *c)
{
	memset(c, 0, sizeof(*c));
	flow_table_conf_default(&c->flows);
	dpi_conf_default(&c->dpi);
	c->evidence_ring = EVIDENCE_RING_DEFAULT;
	c->detect_hosts = DETECT_HOSTS_DEFAULT;
}

/*
 * The store's records of a flow, one per rule reported, in the order
 * they were opened: counts and evidence go to these and only these.
 */
struct flow_records {
	size_t			 n;
	struct violation_ref	*ref[];
};

/* The record of rule i on the flow, built once, when it is opened. */
static void
violation_of(struct pipeline *pl, const struct flow *f, size_t i,
    struct store_violation *v)
{
	const struct conf_rule	*r;
	uint64_t		 hits;

	r = policy_rule(pl->policy, i, &hits);
	violation_log_record(v, f, r, pl->dpi, pl->zones);
	/* Opened before nDPI has named the flow: named by an update. */
	if (!pl->no_dpi && !f->app.done)
		v->app[0] = v->category[0] = v->hostname[0] = '\0';
	if (r->detect != DETECT_NONE)
		pipeline_sinks_detail(pl->sinks, f, r, v->detail,
		    sizeof(v->detail));
}

static void
records_add(struct pipeline *pl, struct flow *f, struct violation_ref *ref)
{
	struct flow_records	*r;
	size_t			 n = f->records != NULL ? f->records->n : 0;

	if (ref == NULL)
		return;
	if ((r = realloc(f->records, sizeof(*r) +
	    (n + 1) * sizeof(r->ref[0]))) == NULL) {
		pl->stats.records_lost++;
		violation_store_release(ref);
		return;
	}
	r->ref[n] = ref;
	r->n = n + 1;
	f->records = r;
}

static void
records_free(struct flow *f)
{
	size_t	 i;

	if (f->records == NULL)
		return;
	for (i = 0; i < f->records->n; i++)
		violation_store_release(f->records->ref[i]);
	free(f->records);
	f->records = NULL;
}

/*
 * A violation is reported the moment its rule fires, so that a crash
 * loses at most the writer's last commit interval of them and the
 * officer sees it at once; what nDPI names later updates the record.
 */
static void
pipeline_report(struct pipeline *pl, struct flow *f)
{
	struct store_violation	 v;
	uint64_t		 bits = f->fired & ~f->reported;
	size_t			 i;
	int			 logged;

	f->reported |= bits;
	/* Hits are counted already; a record is made only to be written. */
	logged = pipeline_sinks_want(pl->sinks) & SINKS_VIOLATIONS;
	if (pl->finished || (!logged && pl->store == NULL))
		return;
	for (i = 0; bits != 0; i++, bits >>= 1) {
		if (!(bits & 1))
			continue;
		violation_of(pl, f, i, &v);
		if (logged)
			pipeline_sinks_violation(pl->sinks, &v);
		if (pl->store != NULL)
			records_add(pl, f, violation_store_open(pl->store, &v));
	}
}

/* The evidence of a violating flow goes to each of its records. */
static void
pipeline_evidence(struct pipeline *pl, struct flow *f)
{
	uint8_t		*pcap, *copy;
	size_t		 len, i, n;
	unsigned int	 npkts;

	if ((pcap = evidence_take(pl->evidence, f, &len, &npkts)) == NULL)
		return;
	n = f->records != NULL ? f->records->n : 0;
	for (i = 0; i < n; i++) {
		copy = pcap;
		if (i + 1 < n && (copy = malloc(len)) == NULL) {
			pl->stats.evidence_lost++;
			continue;
		}
		if (copy != pcap)
			memcpy(copy, pcap, len);
		else
			pcap = NULL;
		violation_store_evidence(pl->store, f->records->ref[i],
		    (int64_t)f->first_us, copy, len, npkts);
	}
	free(pcap);
}

/* The application nDPI named, to the records opened before it did. */
static void
pipeline_named(struct pipeline *pl, struct flow *f)
{
	char	 app[128];
	size_t	 i;

	if (f->records == NULL)
		return;
	dpi_proto_name(pl->dpi, &f->app, app, sizeof(app));
	for (i = 0; i < f->records->n; i++)
		violation_store_name(pl->store, f->records->ref[i], app,
		    dpi_category_name(pl->dpi, f->app.category), f->app.host);
}

/*
 * The second look of the policy, once nDPI has named the flow: rules
 * of applications fire now, each a record of its own.
 */
static void
pipeline_classified(struct pipeline *pl, struct flow *f)
{
	if (pl->policy == NULL || !f->app.done || f->policy_done)
		return;
	f->policy_done = 1;
	if (!pl->finished)
		pipeline_named(pl, f);
	policy_eval(pl->policy, f, 1);
	pipeline_report(pl, f);
}

/* A record's packets and bytes, added to each violation of the flow. */
static void
pipeline_count(struct pipeline *pl, struct flow *f)
{
	size_t	 i;

	if (f->records == NULL)
		return;
	for (i = 0; i < f->records->n; i++)
		violation_store_count(pl->store, f->records->ref[i],
		    (int64_t)f->pkts[0] + f->pkts[1],
		    (int64_t)(f->bytes[0] + f->bytes[1]), (int64_t)f->last_us);
}

static void
on_flow_end(struct flow *f, enum flow_end why, void *arg)
{
	struct pipeline	*pl = arg;

	/* An interim record keeps detection running; a final one ends it. */
	if (why != FLOW_END_ACTIVE && pl->dpi != NULL) {
		dpi_flow_end(pl->dpi, f);
		pipeline_classified(pl, f);
	}
	if (pl->policy != NULL && f->fired) {
		pipeline_report(pl, f);
		if (pl->evidence != NULL)
			pipeline_evidence(pl, f);
		if (pl->store != NULL)
			pipeline_count(pl, f);
	}
	if (why != FLOW_END_ACTIVE)
		records_free(f);
	if (!pl->finished && (pipeline_sinks_want(pl->sinks) & SINKS_FLOWS))
		pipeline_sinks_flow(pl->sinks, f, why, pl->dpi, pl->zones);
}

struct pipeline_sinks *
pipeline_sinks_of(struct pipeline *pl)
{
	return pl->sinks;
}

struct pipeline *
pipeline_new(const struct pipeline_conf *c)
{
	struct pipeline	*pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	pl->no_dpi = c->no_dpi;
	if ((pl->frags = frag_table_new(FRAG_ENTRIES, FRAG_TIMEOUT_US)) == NULL) {
		log_warnx("pipeline: cannot allocate the fragment table");
		goto fail;
	}
	if ((pl->flows = flow_table_new(&c->flows, on_flow_end, pl)) == NULL) {
		log_warnx("pipeline: cannot allocate a flow table of %u flows",
		    c->flows.max_flows);
		goto fail;
	}
	/* Names for the records come from nDPI even when it classifies nothing. */
	if ((pl->dpi = dpi_new(&c->dpi)) == NULL) {
		log_warnx("pipeline: cannot initialise nDPI");
		goto fail;
	}
	if (c->conf != NULL && (pl->zones = zone_map_new(c->conf)) == NULL) {
		log_warnx("pipeline: cannot build the zone and site tables");
		goto fail;
	}
	if (c->conf != NULL && c->conf->rules.n > 0) {
		char	 err[CONF_ERR_MAX];

		if ((pl->policy = policy_new(c->conf, pl->zones, pl->dpi,
		    err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			goto fail;
		}
		pl->store = c->store;
		if (pl->store != NULL && c->conf->evidence_packets > 0 &&
		    (pl->evidence = evidence_new(c->evidence_ring,
		    c->conf->evidence_packets)) == NULL) {
			log_warnx("pipeline: cannot allocate the evidence ring");
			goto fail;
		}
	}
	if (c->trends != NULL && c->conf != NULL) {
		int	*parent;
		size_t	 k;

		if ((parent = calloc(c->conf->sites.n + 1,
		    sizeof(*parent))) == NULL)
			goto fail;
		for (k = 0; k < c->conf->sites.n; k++)
			parent[k] = c->conf->sites.v[k].parent;
		pl->acct = accounting_new(c->conf->sites.n,
		    c->conf->zones.n + 1, parent);
		free(parent);
		if (pl->acct == NULL)
			goto fail;
		pl->step_us = (uint64_t)(c->step_s ? c->step_s : 60) * 1000000;
	}
	pl->napps = dpi_max_app_id(pl->dpi);
	if ((pl->app_bytes = calloc((size_t)pl->napps + 1,
	    sizeof(*pl->app_bytes))) == NULL)
		goto fail;
	if ((pl->sinks = c->sinks) == NULL &&
	    (pl->sinks = pl->own_sinks = pipeline_sinks_open(c, 1)) == NULL)
		goto fail;
	return pl;
fail:
	pipeline_free(pl);
	return NULL;
}

/*
 * At each step's end, its counts go to the trend writer.  Steps are
 * aligned to the clock, as RRD counts them; the first, partial one is
 * not written, nor are more than a few empty ones after a silence.
 */
static void
pipeline_step(struct pipeline *pl, uint64_t until_us)
{
	struct accounting_snapshot	*s;
	unsigned int			 step_s = (unsigned int)(pl->step_us /
					    1000000);
	int				 n = 0;

	if (pl->next_step_us == 0) {
		pl->next_step_us = (pl->now_us / pl->step_us + 1) * pl->step_us;
		pl->first_step_us = pl->next_step_us;
		return;
	}
	while (until_us >= pl->next_step_us) {
		if ((s = accounting_take(pl->acct, pl->next_step_us,
		    step_s)) != NULL) {
			if (pl->next_step_us == pl->first_step_us ||
			    pl->finished)
				accounting_snapshot_free(s);
			else
				pipeline_sinks_step(pl->sinks, s);
		}
		pl->next_step_us += pl->step_us;
		if (++n == 4 && until_us >= pl->next_step_us)
			pl->next_step_us = (until_us / pl->step_us + 1) *
			    pl->step_us;
	}
}

static void
pipeline_tick(struct pipeline *pl, uint64_t now_us)
{
	if (now_us > pl->now_us)
		pl->now_us = now_us;
	if (pl->now_us < pl->next_tick_us)
		return;
	pl->next_tick_us = pl->now_us + PIPELINE_TICK_US;
	if (pl->acct != NULL)
		pipeline_step(pl, pl->now_us > STEP_GRACE_US ?
		    pl->now_us - STEP_GRACE_US : 0);
	flow_table_expire(pl->flows, pl->now_us);
	if (pl->finished)
		return;
	pipeline_sinks_flush(pl->sinks);
}

/* Zones, sites and exit, once per flow; then the policy's first look. */
static void
pipeline_place(struct pipeline *pl, struct flow *f, const struct pkt *p)
{
	if (pl->zones == NULL) {
		f->zone[0] = f->zone[1] = ZONE_NONE;
		f->site[0] = f->site[1] = SITE_NONE;
		f->exit = EXIT_NONE;
		return;
	}
	f->exit = zone_map_exit(pl->zones, p);
	f->zone[0] = zone_map_zone(pl->zones, f->key.lo, f->key.ipver,
	    f->key.vlan);
	f->zone[1] = zone_map_zone(pl->zones, f->key.hi, f->key.ipver,
	    f->key.vlan);
	f->site[0] = zone_map_site(pl->zones, f->key.lo, f->key.ipver);
	f->site[1] = zone_map_site(pl->zones, f->key.hi, f->key.ipver);
	if (pl->policy == NULL)
		return;
	policy_eval(pl->policy, f, 0);
	if (pipeline_sinks_want(pl->sinks) & SINKS_DETECT)
		pipeline_sinks_detect_flow(pl->sinks, pl->policy, f, p);
	/* Without DPI there is no second look. */
	if (pl->no_dpi)
		f->policy_done = 1;
	pipeline_report(pl, f);
}

static void
pipeline_drop(struct pipeline *pl, enum decode_reason r)
{
	pl->stats.dropped++;
	pl->stats.reasons[r]++;
	if (decode_reason_malformed(r))
		pl->stats.malformed++;
}

void
pipeline_packet(void *arg, const struct decode_link *link, struct pkt *p,
    uint64_t now_us)
{
	if (p == NULL)
		pipeline_tick(arg, now_us);
	else
		pipeline_decoded(arg, link, p, decode_packet(link, p));
}

void
pipeline_decoded(struct pipeline *pl, const struct decode_link *link,
    struct pkt *p, enum decode_reason r)
{
	struct flow		*f;
	uint16_t		 app;
	int			 dir;

	pl->stats.packets++;
	pl->stats.bytes += p->wirelen;
	if (r != DECODE_OK) {
		pipeline_drop(pl, r);
		pipeline_tick(pl, p->ts_us);
		return;
	}
	frag_table_resolve(pl->frags, p);
	pl->stats.decoded++;
	pl->stats.reasons[DECODE_OK]++;
	/* Expire before lookup, so that a stale flow is not extended. */
	if (p->ts_us >= pl->next_tick_us)
		pipeline_tick(pl, p->ts_us);
	f = flow_table_packet(pl->flows, p, &dir);
	if (f->npkts_total == 1)
		pipeline_place(pl, f, p);
	if (pl->acct != NULL) {
		/*
		 * A packet past its step's end closes the step first: bytes
		 * belong to the step of their timestamp, not to whichever
		 * tick saw them, so two processes on one link (or several
		 * workers) give the same counts step by step.
		 */
		if (pl->next_step_us != 0 && p->ts_us >= pl->next_step_us) {
			pl->now_us = p->ts_us;
			pipeline_step(pl, p->ts_us);
		}
		accounting_packet(pl->acct, f, dir, p->wirelen);
	}
	/* Kept while the flow may yet violate a rule, or once it has. */
	if (pl->evidence != NULL && (!f->policy_done || f->fired))
		evidence_packet(pl->evidence, f, p, link->dlt);
	if (!pl->no_dpi && !f->app.done) {
		dpi_packet(pl->dpi, f, p);
		pipeline_classified(pl, f);
	}
	if (pl->evidence != NULL && f->reported &&
	    evidence_full(pl->evidence, f))
		pipeline_evidence(pl, f);
	app = f->app.app ? f->app.app : f->app.master;
	if (app <= pl->napps)
		pl->app_bytes[app] += p->wirelen;
}

/*
 * Ends every flow (end of input) and closes the outputs if they are the
 * pipeline's own, committing them if asked to and if every write
 * succeeded.  Shared ones are closed by their owner, after every
 * pipeline has finished.
 */
int
pipeline_finish(struct pipeline *pl, int commit)
{
	int	 rv = 0;

	flow_table_flush(pl->flows, FLOW_END_EOF);
	/* The pipeline may go on, writing nowhere. */
	pl->finished = 1;
	if (pl->own_sinks != NULL)
		rv = pipeline_sinks_close(pl->own_sinks, commit);
	return rv;
}

void
pipeline_free(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	pipeline_sinks_free(pl->own_sinks);
	flow_table_free(pl->flows);
	frag_table_free(pl->frags);
	evidence_free(pl->evidence);
	accounting_free(pl->acct);
	policy_free(pl->policy);
	dpi_free(pl->dpi);
	zone_map_free(pl->zones);
	free(pl->app_bytes);
	free(pl);
}

int
pipeline_counters_init(struct pipeline_counters *c, const struct pipeline *pl)
{
	memset(c, 0, sizeof(*c));
	c->napps = pl->napps;
	c->nrules = pl->policy != NULL ? policy_nrules(pl->policy) : 0;
	if ((c->app_bytes = calloc((size_t)c->napps + 1,
	    sizeof(*c->app_bytes))) == NULL ||
	    (c->rule_hits = calloc(c->nrules + 1,
	    sizeof(*c->rule_hits))) == NULL) {
		pipeline_counters_free(c);
		return -1;
	}
	return 0;
}

void
pipeline_counters_take(const struct pipeline *pl, struct pipeline_counters *c)
{
	size_t	 i;

	c->pkt = pl->stats;
	c->flows = *flow_table_stats(pl->flows);
	c->frags = *frag_table_stats(pl->frags);
	c->dpi = *dpi_stats(pl->dpi);
	c->evidence_kept = pl->evidence != NULL;
	if (pl->evidence != NULL)
		c->evidence = *evidence_stats(pl->evidence);
	memcpy(c->app_bytes, pl->app_bytes, ((size_t)c->napps + 1) *
	    sizeof(*c->app_bytes));
	for (i = 0; i < c->nrules; i++)
		(void)policy_rule(pl->policy, i, &c->rule_hits[i]);
}

static void
add_u64(void *dst, const void *src, size_t size)
{
	uint64_t	*d = dst;
	const uint64_t	*s = src;
	size_t		 i;

	for (i = 0; i < size / sizeof(uint64_t); i++)
		d[i] += s[i];
}

/*
 * Counters add up.  So do the gauges (active flows), and the sum of the
 * per-pipeline peaks bounds the peak of the whole.
 */
void
pipeline_counters_add(struct pipeline_counters *c,
    const struct pipeline_counters *a)
{
	_Static_assert(sizeof(c->pkt) % 8 == 0 && sizeof(c->flows) % 8 == 0 &&
	    sizeof(c->frags) % 8 == 0 && sizeof(c->dpi) % 8 == 0 &&
	    sizeof(c->evidence) % 8 == 0, "counters are 64-bit words");
	add_u64(&c->pkt, &a->pkt, sizeof(c->pkt));
	add_u64(&c->flows, &a->flows, sizeof(c->flows));
	add_u64(&c->frags, &a->frags, sizeof(c->frags));
	add_u64(&c->dpi, &a->dpi, sizeof(c->dpi));
	add_u64(&c->evidence, &a->evidence, sizeof(c->evidence));
	c->evidence_kept |= a->evidence_kept;
	add_u64(c->app_bytes, a->app_bytes, ((size_t)(c->napps < a->napps ?
	    c->napps : a->napps) + 1) * 8);
	add_u64(c->rule_hits, a->rule_hits, (c->nrules < a->nrules ?
	    c->nrules : a->nrules) * 8);
}

/* Every count to zero; the arrays stay. */
void
pipeline_counters_clear(struct pipeline_counters *c)
{
	struct pipeline_counters	 k = *c;

	memset(k.app_bytes, 0, ((size_t)k.napps + 1) * sizeof(*k.app_bytes));
	memset(k.rule_hits, 0, k.nrules * sizeof(*k.rule_hits));
	memset(c, 0, sizeof(*c));
	c->napps = k.napps;
	c->app_bytes = k.app_bytes;
	c->nrules = k.nrules;
	c->rule_hits = k.rule_hits;
}

void
pipeline_counters_free(struct pipeline_counters *c)
{
	free(c->app_bytes);
	free(c->rule_hits);
	c->app_bytes = c->rule_hits = NULL;
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *pl)
{
	return &pl->stats;
}

struct policy *
pipeline_policy(struct pipeline *pl)
{
	return pl->policy;
}

struct dpi *
pipeline_dpi(struct pipeline *pl)
{
	return pl->dpi;
}
