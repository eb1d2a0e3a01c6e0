/*
 * The outputs several pipelines (workers) share, and the trend steps,
 * which are summed over the pipelines before they are written.  One lock
 * covers it all: a flow record, a violation, a detector's look at a new
 * flow are short, and the status holds it while it reads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "flow-output.h"
#include "ipfix-out.h"
#include "log.h"
#include "pipeline-sinks.h"
#include "trend-writer.h"
#include "violation-log.h"
#include "zone-map.h"

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
	unsigned int		 want;		/* SINKS_* */
	unsigned int		 n;		/* pipelines sharing */
};


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
	s->want = (s->nout > 0 || s->ipfix != NULL ? SINKS_FLOWS : 0) |
	    (s->violations != NULL ? SINKS_VIOLATIONS : 0) |
	    (s->detect != NULL ? SINKS_DETECT : 0);
	return s;
fail:
	pipeline_sinks_free(s);
	return NULL;
}

unsigned int
pipeline_sinks_want(const struct pipeline_sinks *s)
{
	return s->want;
}

void
pipeline_sinks_flow(struct pipeline_sinks *s, const struct flow *f,
    enum flow_end why, struct dpi *dpi, const struct zone_map *zones)
{
	int	 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nout; i++)
		flow_output_write(s->out[i], f, why, dpi, zones);
	if (s->ipfix != NULL)
		ipfix_out_flow(s->ipfix, f, dpi);
	pthread_mutex_unlock(&s->lock);
}

void
pipeline_sinks_violation(struct pipeline_sinks *s,
    const struct store_violation *v)
{
	pthread_mutex_lock(&s->lock);
	if (s->violations != NULL)
		violation_log_write(s->violations, v);
	pthread_mutex_unlock(&s->lock);
}

/* The detector's account of why its rule fired, for the record. */
void
pipeline_sinks_detail(struct pipeline_sinks *s, const struct flow *f,
    const struct conf_rule *r, char *buf, size_t len)
{
	pthread_mutex_lock(&s->lock);
	detect_detail(s->detect, f, r, buf, len);
	pthread_mutex_unlock(&s->lock);
}

void
pipeline_sinks_detect_flow(struct pipeline_sinks *s, struct policy *p,
    struct flow *f, const struct pkt *pkt)
{
	pthread_mutex_lock(&s->lock);
	if (s->detect != NULL)
		detect_flow(s->detect, p, f, pkt);
	pthread_mutex_unlock(&s->lock);
}

/* A failed write is remembered: the records are not committed at close. */
void
pipeline_sinks_flush(struct pipeline_sinks *s)
{
	int	 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nout; i++)
		if (flow_output_flush(s->out[i]) == -1)
			s->error = 1;
	if (s->ipfix != NULL)
		ipfix_out_flush(s->ipfix);
	if (s->violations != NULL && violation_log_flush(s->violations) == -1)
		s->error = 1;
	pthread_mutex_unlock(&s->lock);
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
void
pipeline_sinks_step(struct pipeline_sinks *sk, struct accounting_snapshot *s)
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

		ipfix_out_finish(s->ipfix);
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
