/*
 * Pipeline glue.  One struct pkt goes through the stages in order; a
 * stage that rejects it names the reason, which is counted here.
 * Housekeeping (expiring flows) runs once per second of traffic time,
 * never per packet.
 */
#include <stdlib.h>
#include <string.h>

#include "flow-output.h"
#include "log.h"
#include "pipeline.h"
#include "policy.h"
#include "violation-log.h"
#include "zone-map.h"

#define TICK_US		1000000
#define FRAG_ENTRIES	16384
#define FRAG_TIMEOUT_US	(30ULL * 1000000)	/* Linux ipfrag_time */

struct pipeline {
	struct frag_table	*frags;
	struct flow_table	*flows;
	struct dpi		*dpi;
	struct zone_map		*zones;		/* NULL without a configuration */
	struct policy		*policy;	/* NULL without rules */
	struct violation_log	*violations;
	struct flow_output	*out[PIPELINE_MAX_OUTPUTS];
	int			 nout;
	int			 no_dpi;
	int			 output_error;
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
}

static void
on_violation(void *arg, const struct flow *f, const struct conf_rule *r)
{
	struct pipeline	*pl = arg;

	if (pl->violations != NULL)
		violation_log_write(pl->violations, f, r, pl->dpi, pl->zones);
}

/* The second look of the policy, once nDPI has named the flow. */
static void
pipeline_classified(struct pipeline *pl, struct flow *f)
{
	if (pl->policy == NULL || !f->app.done || f->policy_done)
		return;
	f->policy_done = 1;
	policy_eval(pl->policy, f, 1);
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
	for (i = 0; i < pl->nout; i++)
		flow_output_write(pl->out[i], f, why, pl->dpi, pl->zones);
}

struct pipeline *
pipeline_new(const struct pipeline_conf *c)
{
	struct pipeline	*pl;
	int		 i;

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
		    on_violation, pl, err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			goto fail;
		}
	}
	if (c->violations != NULL &&
	    (pl->violations = violation_log_open(c->violations)) == NULL)
		goto fail;
	pl->napps = dpi_max_app_id(pl->dpi);
	if ((pl->app_bytes = calloc((size_t)pl->napps + 1,
	    sizeof(*pl->app_bytes))) == NULL)
		goto fail;
	for (i = 0; i < c->noutputs; i++) {
		pl->out[i] = flow_output_open(c->outputs[i].path,
		    c->outputs[i].format, c->atomic_outputs);
		if (pl->out[i] == NULL)
			goto fail;
		pl->nout++;
	}
	return pl;
fail:
	pipeline_free(pl);
	return NULL;
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
	flow_table_expire(pl->flows, pl->now_us);
	for (i = 0; i < pl->nout; i++)
		if (flow_output_flush(pl->out[i]) == -1)
			pl->output_error = 1;
	if (pl->violations != NULL && violation_log_flush(pl->violations) == -1)
		pl->output_error = 1;
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
	if (pl->policy != NULL)
		policy_eval(pl->policy, f, 0);
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
	struct pipeline		*pl = arg;
	struct flow		*f;
	enum decode_reason	 r;
	uint16_t		 app;
	int			 dir;

	if (p == NULL) {
		pipeline_tick(pl, now_us);
		return;
	}
	pl->stats.packets++;
	pl->stats.bytes += p->wirelen;
	if ((r = decode_packet(link, p)) != DECODE_OK) {
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
	if (!pl->no_dpi && !f->app.done) {
		dpi_packet(pl->dpi, f, p);
		pipeline_classified(pl, f);
	}
	app = f->app.app ? f->app.app : f->app.master;
	if (app <= pl->napps)
		pl->app_bytes[app] += p->wirelen;
}

/*
 * Ends every flow (end of input) and closes the outputs, committing them
 * if asked to and if every write succeeded.
 */
int
pipeline_finish(struct pipeline *pl, int commit)
{
	int	 i, rv = pl->output_error ? -1 : 0;

	flow_table_flush(pl->flows, FLOW_END_EOF);
	if (pl->violations != NULL) {
		if (violation_log_close(pl->violations) == -1)
			rv = -1;
		pl->violations = NULL;
	}
	for (i = 0; i < pl->nout; i++) {
		if (flow_output_close(pl->out[i], rv == 0 && commit) == -1)
			rv = -1;
		pl->out[i] = NULL;
	}
	pl->nout = 0;
	return rv;
}

void
pipeline_free(struct pipeline *pl)
{
	int	 i;

	if (pl == NULL)
		return;
	for (i = 0; i < pl->nout; i++)
		flow_output_close(pl->out[i], 0);
	flow_table_free(pl->flows);
	frag_table_free(pl->frags);
	violation_log_close(pl->violations);
	policy_free(pl->policy);
	dpi_free(pl->dpi);
	zone_map_free(pl->zones);
	free(pl->app_bytes);
	free(pl);
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
