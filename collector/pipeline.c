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
#include "flow-output.h"
#include "log.h"
#include "pipeline.h"
#include "policy.h"
#include "trend-writer.h"
#include "violation-log.h"
#include "ipfix-out.h"
#include "violation-store.h"
#include "zone-map.h"

#define TICK_US		1000000
#define FRAG_ENTRIES	16384
#define FRAG_TIMEOUT_US	(30ULL * 1000000)	/* Linux ipfrag_time */
#define STEPS_PENDING	4	/* trend steps waiting for a slow worker */

struct step_pending {
	struct accounting_snapshot	*s;
	unsigned int			 given;	/* by so many pipelines */
};

struct pipeline_sinks {
	pthread_mutex_t		 lock;		/* everything below */
	struct flow_output	*out[PIPELINE_MAX_OUTPUTS];
	int			 nout;
	int			 error;		/* a write failed */
	struct violation_log	*violations;	/* NULL: none */
	struct ipfix_out	*ipfix;		/* NULL: no export */
	struct zone_map		*zones;		/* the detectors' */
	struct detect		*detect;	/* NULL: no detector rules */
	struct trend_writer	*trends;	/* NULL: no trends */
	struct pipeline_rates	 rates;		/* the last whole step */
	struct step_pending	 pending[STEPS_PENDING];	/* by time */
	uint64_t		 written_us;	/* the last step written */
	uint64_t		 late_steps;	/* given after it was written */
	int			 closed;
	unsigned int		 n;		/* pipelines sharing */
};

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

/* The record of rule i on the flow, as the outputs want it. */
static void
violation_of(struct pipeline *pl, const struct flow *f, size_t i,
    struct store_violation *v)
{
	const struct conf_rule	*r;
	uint64_t		 hits;

	r = policy_rule(pl->policy, i, &hits);
	violation_log_record(v, f, r, pl->dpi, pl->zones);
	if (r->detect != DETECT_NONE) {
		pthread_mutex_lock(&pl->sinks->lock);
		detect_detail(pl->sinks->detect, f, r, v->detail,
		    sizeof(v->detail));
		pthread_mutex_unlock(&pl->sinks->lock);
	}
}

/*
 * Violations are reported once the flow is named, so that the record
 * says which application it was, or when the flow ends first.
 */
static void
pipeline_report(struct pipeline *pl, struct flow *f)
{
	struct store_violation	 v;
	uint64_t		 bits = f->fired & ~f->reported;
	size_t			 i;

	f->reported |= bits;
	/* Hits are counted already; a record is made only to be written. */
	if (pl->finished ||
	    (pl->sinks->violations == NULL && pl->store == NULL))
		return;
	for (i = 0; bits != 0; i++, bits >>= 1) {
		if (!(bits & 1))
			continue;
		violation_of(pl, f, i, &v);
		if (pl->sinks->violations != NULL) {
			pthread_mutex_lock(&pl->sinks->lock);
			violation_log_write(pl->sinks->violations, &v);
			pthread_mutex_unlock(&pl->sinks->lock);
		}
		if (pl->store != NULL)
			violation_store_open(pl->store, &v);
	}
}

/* The evidence of a violating flow goes to each of its records. */
static void
pipeline_evidence(struct pipeline *pl, struct flow *f)
{
	struct store_violation	 v;
	uint64_t		 bits = f->reported;
	uint8_t			*pcap, *copy;
	size_t			 len, i;
	unsigned int		 n;

	if ((pcap = evidence_take(pl->evidence, f, &len, &n)) == NULL)
		return;
	for (i = 0; bits != 0; i++, bits >>= 1) {
		if (!(bits & 1))
			continue;
		violation_of(pl, f, i, &v);
		if ((bits >> 1) != 0) {
			if ((copy = malloc(len)) == NULL)
				continue;
			memcpy(copy, pcap, len);
			violation_store_evidence(pl->store, &v, copy, len, n);
		} else {
			violation_store_evidence(pl->store, &v, pcap, len, n);
			pcap = NULL;
		}
	}
	free(pcap);
}

/* The second look of the policy, once nDPI has named the flow. */
static void
pipeline_classified(struct pipeline *pl, struct flow *f)
{
	if (pl->policy == NULL || !f->app.done || f->policy_done)
		return;
	f->policy_done = 1;
	policy_eval(pl->policy, f, 1);
	pipeline_report(pl, f);
}

/* A record's packets and bytes, added to each violation of the flow. */
static void
pipeline_count(struct pipeline *pl, struct flow *f)
{
	struct store_violation	 v;
	uint64_t		 bits = f->reported;
	size_t			 i;

	for (i = 0; bits != 0; i++, bits >>= 1) {
		if (!(bits & 1))
			continue;
		violation_of(pl, f, i, &v);
		violation_store_count(pl->store, &v,
		    (int64_t)f->pkts[0] + f->pkts[1],
		    (int64_t)(f->bytes[0] + f->bytes[1]), (int64_t)f->last_us);
	}
}

static void
on_flow_end(struct flow *f, enum flow_end why, void *arg)
{
	struct pipeline	*pl = arg;
	int		 i;

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
	if (!pl->finished && (pl->sinks->nout > 0 || pl->sinks->ipfix != NULL)) {
		pthread_mutex_lock(&pl->sinks->lock);
		for (i = 0; i < pl->sinks->nout; i++)
			flow_output_write(pl->sinks->out[i], f, why, pl->dpi,
			    pl->zones);
		if (pl->sinks->ipfix != NULL)
			ipfix_out_flow(pl->sinks->ipfix, f, pl->dpi);
		pthread_mutex_unlock(&pl->sinks->lock);
	}
}

static int
rates_init(struct pipeline_rates *r, const struct conf *c)
{
	size_t	 nz = c->zones.n + 1;

	r->conf = c;
	r->nsites = c->sites.n;
	r->nzones = nz;
	if ((r->site_bytes[0] = calloc(r->nsites + 1, 8)) == NULL ||
	    (r->site_bytes[1] = calloc(r->nsites + 1, 8)) == NULL ||
	    (r->zone_bytes = calloc(nz * nz, 8)) == NULL ||
	    (r->zone_total = calloc(nz * nz, 8)) == NULL)
		return -1;
	return 0;
}

static void
rates_free(struct pipeline_rates *r)
{
	free(r->site_bytes[0]);
	free(r->site_bytes[1]);
	free(r->zone_bytes);
	free(r->zone_total);
}

/* What the status snapshot shows of the step: copies, once a step. */
static void
rates_keep(struct pipeline_rates *r, const struct accounting_snapshot *s)
{
	size_t	 i;

	r->step_end_us = s->end_us;
	r->step_s = s->step_s;
	memcpy(r->site_bytes[0], s->site_bytes[0], r->nsites * 8);
	memcpy(r->site_bytes[1], s->site_bytes[1], r->nsites * 8);
	memcpy(r->zone_bytes, s->zone_bytes, r->nzones * r->nzones * 8);
	for (i = 0; i < r->nzones * r->nzones; i++)
		r->zone_total[i] += s->zone_bytes[i];
}

/* The detectors look across flows, so across workers: one for all. */
static int
sinks_detect(struct pipeline_sinks *sk, const struct pipeline_conf *c)
{
	if (c->conf == NULL || c->conf->rules.n == 0)
		return 0;
	if ((sk->zones = zone_map_new(c->conf)) == NULL) {
		log_warnx("pipeline: cannot build the zone and site tables");
		return -1;
	}
	errno = 0;
	if ((sk->detect = detect_new(c->conf, sk->zones,
	    c->detect_hosts)) == NULL && errno != 0) {
		log_warnx("pipeline: cannot allocate the detectors");
		return -1;
	}
	return 0;
}

struct pipeline_sinks *
pipeline_sinks_open(const struct pipeline_conf *c, unsigned int n)
{
	struct pipeline_sinks	*s;
	int			 i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->n = n > 0 ? n : 1;
	for (i = 0; i < c->noutputs; i++) {
		s->out[i] = flow_output_open(c->outputs[i].path,
		    c->outputs[i].format, c->atomic_outputs);
		if (s->out[i] == NULL)
			goto fail;
		s->nout++;
	}
	if (c->violations != NULL &&
	    (s->violations = violation_log_open(c->violations)) == NULL)
		goto fail;
	if (c->conf != NULL && c->conf->ipfix[0] != '\0') {
		char	 err[512];

		if ((s->ipfix = ipfix_out_open(c->conf->ipfix,
		    c->conf->ipfix_domain, err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			goto fail;
		}
	}
	if (sinks_detect(s, c) == -1)
		goto fail;
	if (c->trends != NULL && c->conf != NULL) {
		if (rates_init(&s->rates, c->conf) == -1)
			goto fail;
		s->trends = c->trends;
	}
	return s;
fail:
	pipeline_sinks_free(s);
	return NULL;
}

/* A whole step, summed over the pipelines, goes to the trend writer. */
static void
sinks_step_write(struct pipeline_sinks *sk, struct accounting_snapshot *s)
{
	sk->written_us = s->end_us;
	rates_keep(&sk->rates, s);
	trend_writer_put(sk->trends, s);
}

/*
 * Steps are written in order, each once every pipeline has given it, or
 * once a later one is complete, or when there is no room to wait: a
 * pipeline that started a step late (live workers start on their own
 * clocks) must not hold the trends back.
 */
static void
sinks_step(struct pipeline_sinks *sk, struct accounting_snapshot *s)
{
	struct step_pending	*q = sk->pending;
	int			 i, k, done = -1;

	pthread_mutex_lock(&sk->lock);
	if (sk->n == 1) {
		sinks_step_write(sk, s);
		pthread_mutex_unlock(&sk->lock);
		return;
	}
	for (i = 0; i < STEPS_PENDING && q[i].s != NULL &&
	    q[i].s->end_us < s->end_us; i++)
		;
	if (i < STEPS_PENDING && q[i].s != NULL && q[i].s->end_us == s->end_us) {
		accounting_snapshot_add(q[i].s, s);
		accounting_snapshot_free(s);
		q[i].given++;
	} else if (s->end_us <= sk->written_us) {
		/* Its step went without it: counted, not written twice. */
		accounting_snapshot_free(s);
		sk->late_steps++;
	} else {
		if (q[STEPS_PENDING - 1].s != NULL) {
			/* No room: the oldest goes as it is. */
			sinks_step_write(sk, q[0].s);
			memmove(q, q + 1, (STEPS_PENDING - 1) * sizeof(*q));
			q[STEPS_PENDING - 1].s = NULL;
			if (i > 0)
				i--;
		}
		memmove(q + i + 1, q + i, (STEPS_PENDING - 1 - i) * sizeof(*q));
		q[i].s = s;
		q[i].given = 1;
	}
	for (k = 0; k < STEPS_PENDING && q[k].s != NULL; k++)
		if (q[k].given >= sk->n)
			done = k;
	for (k = 0; k <= done; k++)
		sinks_step_write(sk, q[k].s);
	if (done >= 0) {
		memmove(q, q + done + 1, (STEPS_PENDING - 1 - done) *
		    sizeof(*q));
		memset(q + STEPS_PENDING - 1 - done, 0, (size_t)(done + 1) *
		    sizeof(*q));
	}
	pthread_mutex_unlock(&sk->lock);
}

/*
 * The pending steps are written; the records and the violations log are
 * committed only if asked to and if every write succeeded.  The figures
 * stay until pipeline_sinks_free(), for a last status.
 */
int
pipeline_sinks_close(struct pipeline_sinks *s, int commit)
{
	int	 i, rv;

	if (s == NULL || s->closed)
		return 0;
	s->closed = 1;
	for (i = 0; i < STEPS_PENDING && s->pending[i].s != NULL; i++) {
		if (commit)
			sinks_step_write(s, s->pending[i].s);
		else
			accounting_snapshot_free(s->pending[i].s);
		s->pending[i].s = NULL;
	}
	if (s->late_steps > 0)
		log_warnx("trends: %llu step counts came after their step was "
		    "written", (unsigned long long)s->late_steps);
	if (s->violations != NULL && violation_log_close(s->violations) == -1)
		s->error = 1;
	s->violations = NULL;
	rv = s->error ? -1 : 0;
	for (i = 0; i < s->nout; i++)
		if (flow_output_close(s->out[i], rv == 0 && commit) == -1)
			rv = -1;
	s->nout = 0;
	if (s->ipfix != NULL) {
		const struct ipfix_out_stats *xs = ipfix_out_stats(s->ipfix);

		ipfix_out_flush(s->ipfix);
		if (xs->dropped > 0)
			log_warnx("ipfix: %llu records not sent",
			    (unsigned long long)xs->dropped);
	}
	return rv;
}

void
pipeline_sinks_free(struct pipeline_sinks *s)
{
	if (s == NULL)
		return;
	pipeline_sinks_close(s, 0);
	ipfix_out_close(s->ipfix);
	detect_free(s->detect);
	zone_map_free(s->zones);
	rates_free(&s->rates);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
pipeline_sinks_lock(struct pipeline_sinks *s)
{
	pthread_mutex_lock(&s->lock);
}

void
pipeline_sinks_unlock(struct pipeline_sinks *s)
{
	pthread_mutex_unlock(&s->lock);
}

struct pipeline_sinks *
pipeline_sinks_of(struct pipeline *pl)
{
	return pl->sinks;
}

/* NULL when no trends are kept. */
const struct pipeline_rates *
pipeline_sinks_rates(struct pipeline_sinks *s)
{
	return s->trends != NULL ? &s->rates : NULL;
}

/* NULL when flows are not exported. */
const struct ipfix_out_stats *
pipeline_sinks_ipfix(struct pipeline_sinks *s)
{
	return s->ipfix != NULL ? ipfix_out_stats(s->ipfix) : NULL;
}

/* NULL without detectors. */
const struct detect_stats *
pipeline_sinks_detect(struct pipeline_sinks *s)
{
	return s->detect != NULL ? detect_stats(s->detect) : NULL;
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
pipeline_step(struct pipeline *pl)
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
	while (pl->now_us >= pl->next_step_us) {
		if ((s = accounting_take(pl->acct, pl->next_step_us,
		    step_s)) != NULL) {
			if (pl->next_step_us == pl->first_step_us ||
			    pl->finished)
				accounting_snapshot_free(s);
			else
				sinks_step(pl->sinks, s);
		}
		pl->next_step_us += pl->step_us;
		if (++n == 4 && pl->now_us >= pl->next_step_us)
			pl->next_step_us = (pl->now_us / pl->step_us + 1) *
			    pl->step_us;
	}
}

static void
pipeline_tick(struct pipeline *pl, uint64_t now_us)
{
	int	 i;

	if (now_us > pl->now_us)
		pl->now_us = now_us;
	if (pl->now_us < pl->next_tick_us)
		return;
	pl->next_tick_us = pl->now_us + TICK_US;
	if (pl->acct != NULL)
		pipeline_step(pl);
	flow_table_expire(pl->flows, pl->now_us);
	if (pl->finished)
		return;
	pthread_mutex_lock(&pl->sinks->lock);
	for (i = 0; i < pl->sinks->nout; i++)
		if (flow_output_flush(pl->sinks->out[i]) == -1)
			pl->sinks->error = 1;
	if (pl->sinks->ipfix != NULL)
		ipfix_out_flush(pl->sinks->ipfix);
	if (pl->sinks->violations != NULL &&
	    violation_log_flush(pl->sinks->violations) == -1)
		pl->sinks->error = 1;
	pthread_mutex_unlock(&pl->sinks->lock);
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
	if (pl->sinks->detect != NULL) {
		pthread_mutex_lock(&pl->sinks->lock);
		detect_flow(pl->sinks->detect, pl->policy, f, p);
		pthread_mutex_unlock(&pl->sinks->lock);
	}
	/* Without DPI there is no second look. */
	if (pl->no_dpi) {
		f->policy_done = 1;
		pipeline_report(pl, f);
	}
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
	if (pl->acct != NULL)
		accounting_packet(pl->acct, f, dir, p->wirelen);
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

const struct flow_table_stats *
pipeline_flow_stats(const struct pipeline *pl)
{
	return flow_table_stats(pl->flows);
}

const struct frag_stats *
pipeline_frag_stats(const struct pipeline *pl)
{
	return frag_table_stats(pl->frags);
}

const struct dpi_stats *
pipeline_dpi_stats(const struct pipeline *pl)
{
	return dpi_stats(pl->dpi);
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

uint64_t
pipeline_now_us(const struct pipeline *pl)
{
	return pl->now_us;
}

const uint64_t *
pipeline_app_bytes(const struct pipeline *pl, uint16_t *n)
{
	*n = pl->napps;
	return pl->app_bytes;
}
