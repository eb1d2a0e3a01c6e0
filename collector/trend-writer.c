/*
 * RRD writing off the capture thread.  librrd (rrd_update_r) and the
 * rrdcached client are used from this thread only.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rrd-out.h"
#include "trend-writer.h"

#define QUEUE_MAX	4	/* steps waiting, at most */

static const struct rrd_out_kind site_kind = {
	"site", { "in", "out", "pkts_in", "pkts_out" }, 4
};

static const struct rrd_out_kind category_kind = {
	"category", { "in", "out" }, 2
};

static const struct rrd_out_kind zone_kind = {
	"zone pair", { "in", "out" }, 2
};

struct trend_writer {
	const struct conf		*conf;
	struct rrd_out			*rrd;
	uint8_t				*site_seen;	/* has an RRD */
	uint8_t				*zone_seen;
	char				 (*category_names)[32];	/* by id */
	pthread_t			 thread;
	pthread_mutex_t			 lock;
	pthread_cond_t			 wake;
	pthread_cond_t			 room;
	int				 wait_when_full;
	struct accounting_snapshot	*queue[QUEUE_MAX];
	size_t				 n;
	int				 stop;
	struct trend_writer_stats	 stats;
};

static const char *
zone_name(const struct conf *c, size_t z)
{
	return z < c->zones.n ? c->zones.v[z].name : "unknown";
}

static void
write_snapshot(struct trend_writer *tw, const struct accounting_snapshot *s)
{
	const struct conf	*c = tw->conf;
	char			 name[CONF_NAME_MAX * 2 + 16];
	double			 v[4], per = 1.0 / s->step_s;
	time_t			 t = (time_t)(s->end_us / 1000000);
	size_t			 i, a, b, nz = s->nzones;
	uint64_t		 ab, ba;
	int			 rv;

	for (i = 0; i < s->nsites; i++) {
		if (!tw->site_seen[i] && s->site_bytes[0][i] == 0 &&
		    s->site_bytes[1][i] == 0)
			continue;
		tw->site_seen[i] = 1;
		v[0] = (double)s->site_bytes[0][i] * 8 * per;
		v[1] = (double)s->site_bytes[1][i] * 8 * per;
		v[2] = (double)s->site_pkts[0][i] * per;
		v[3] = (double)s->site_pkts[1][i] * per;
		snprintf(name, sizeof(name), "site/%s", c->sites.v[i].name);
		rv = rrd_out_update(tw->rrd, &site_kind, name, t, v);
		pthread_mutex_lock(&tw->lock);
		rv == 0 ? tw->stats.updates++ : tw->stats.errors++;
		pthread_mutex_unlock(&tw->lock);
	}
	for (i = 0; s->categories != NULL && i < s->nsites; i++) {
		const struct acct_category *cat =
		    &s->categories[i * (ACCT_CATEGORIES + 1)];
		char		 safe[64];
		size_t		 k;

		if (!tw->site_seen[i])
			continue;
		for (k = 0; k <= ACCT_CATEGORIES; k++) {
			if (cat[k].category == ACCT_FREE || (k <
			    ACCT_CATEGORIES && cat[k].bytes[0] == 0 &&
			    cat[k].bytes[1] == 0 && cat[k].idle_steps > 0))
				continue;
			rrd_out_safe_name(cat[k].category == ACCT_OTHER ?
			    "Other" : tw->category_names != NULL &&
			    cat[k].category < 256 ?
			    tw->category_names[cat[k].category] : "Unknown",
			    safe, sizeof(safe));
			v[0] = (double)cat[k].bytes[0] * 8 * per;
			v[1] = (double)cat[k].bytes[1] * 8 * per;
			snprintf(name, sizeof(name), "cat/%s/%s",
			    c->sites.v[i].name, safe);
			rv = rrd_out_update(tw->rrd, &category_kind, name, t, v);
			pthread_mutex_lock(&tw->lock);
			rv == 0 ? tw->stats.updates++ : tw->stats.errors++;
			pthread_mutex_unlock(&tw->lock);
		}
	}
	/* A pair once: "out" from the first zone, "in" to it. */
	for (a = 0; a < nz; a++)
		for (b = a; b < nz; b++) {
			ab = s->zone_bytes[a * nz + b];
			ba = a == b ? 0 : s->zone_bytes[b * nz + a];
			if (!tw->zone_seen[a * nz + b] && ab == 0 && ba == 0)
				continue;
			tw->zone_seen[a * nz + b] = 1;
			v[0] = (double)ba * 8 * per;
			v[1] = (double)ab * 8 * per;
			snprintf(name, sizeof(name), "zone/%s-%s",
			    zone_name(c, a), zone_name(c, b));
			rv = rrd_out_update(tw->rrd, &zone_kind, name, t, v);
			pthread_mutex_lock(&tw->lock);
			rv == 0 ? tw->stats.updates++ : tw->stats.errors++;
			pthread_mutex_unlock(&tw->lock);
		}
}

static void *
writer(void *arg)
{
	struct trend_writer		*tw = arg;
	struct accounting_snapshot	*s;
	int				 stop;

	for (;;) {
		pthread_mutex_lock(&tw->lock);
		while (tw->n == 0 && !tw->stop)
			pthread_cond_wait(&tw->wake, &tw->lock);
		stop = tw->stop;
		s = NULL;
		if (tw->n > 0) {
			s = tw->queue[0];
			memmove(&tw->queue[0], &tw->queue[1],
			    (tw->n - 1) * sizeof(s));
			tw->n--;
			pthread_cond_signal(&tw->room);
		}
		pthread_mutex_unlock(&tw->lock);
		if (s != NULL) {
			write_snapshot(tw, s);
			accounting_snapshot_free(s);
			pthread_mutex_lock(&tw->lock);
			tw->stats.steps++;
			pthread_mutex_unlock(&tw->lock);
			continue;
		}
		if (stop)
			return NULL;
	}
}

struct trend_writer *
trend_writer_start(const struct conf *c, const char *dir, unsigned int step,
    int wait_when_full, char *err, size_t errlen)
{
	struct trend_writer	*tw;
	size_t			 nz = c->zones.n + 1;

	if ((tw = calloc(1, sizeof(*tw))) == NULL ||
	    (tw->site_seen = calloc(c->sites.n + 1, 1)) == NULL ||
	    (tw->zone_seen = calloc(nz * nz, 1)) == NULL) {
		snprintf(err, errlen, "trends: out of memory");
		goto fail;
	}
	tw->conf = c;
	tw->wait_when_full = wait_when_full;
	if ((tw->rrd = rrd_out_new(dir, c->rrdcached, step, err,
	    errlen)) == NULL)
		goto fail;
	rrd_out_set_min_free(tw->rrd, (uint64_t)c->rrd_min_free_mb << 20);
	rrd_out_set_prefix(tw->rrd, c->rrd_prefix);
	pthread_mutex_init(&tw->lock, NULL);
	pthread_cond_init(&tw->wake, NULL);
	pthread_cond_init(&tw->room, NULL);
	if (pthread_create(&tw->thread, NULL, writer, tw) != 0) {
		snprintf(err, errlen, "trends: cannot start a thread");
		pthread_mutex_destroy(&tw->lock);
		pthread_cond_destroy(&tw->wake);
		goto fail;
	}
	return tw;
fail:
	if (tw != NULL) {
		rrd_out_free(tw->rrd);
		free(tw->site_seen);
		free(tw->zone_seen);
		free(tw);
	}
	return NULL;
}

void
trend_writer_names(struct trend_writer *tw, const char *(*name)(void *,
    uint16_t), void *arg)
{
	int	 i;

	if ((tw->category_names = calloc(256, sizeof(*tw->category_names))) ==
	    NULL)
		return;
	for (i = 0; i < 256; i++)
		snprintf(tw->category_names[i], sizeof(tw->category_names[i]),
		    "%s", name(arg, (uint16_t)i));
}

void
trend_writer_put(struct trend_writer *tw, struct accounting_snapshot *s)
{
	pthread_mutex_lock(&tw->lock);
	while (tw->wait_when_full && tw->n == QUEUE_MAX)
		pthread_cond_wait(&tw->room, &tw->lock);
	if (tw->n == QUEUE_MAX) {
		accounting_snapshot_free(tw->queue[0]);
		memmove(&tw->queue[0], &tw->queue[1],
		    (tw->n - 1) * sizeof(s));
		tw->n--;
		tw->stats.dropped++;
	}
	tw->queue[tw->n++] = s;
	pthread_cond_signal(&tw->wake);
	pthread_mutex_unlock(&tw->lock);
}

void
trend_writer_stop(struct trend_writer *tw)
{
	if (tw == NULL)
		return;
	pthread_mutex_lock(&tw->lock);
	tw->stop = 1;
	pthread_cond_signal(&tw->wake);
	pthread_mutex_unlock(&tw->lock);
	pthread_join(tw->thread, NULL);
	if (tw->stats.dropped)
		log_warnx("trends: %llu steps dropped, the writer was behind",
		    (unsigned long long)tw->stats.dropped);
	rrd_out_free(tw->rrd);
	pthread_mutex_destroy(&tw->lock);
	pthread_cond_destroy(&tw->wake);
	pthread_cond_destroy(&tw->room);
	free(tw->site_seen);
	free(tw->zone_seen);
	free(tw->category_names);
	free(tw);
}

void
trend_writer_stats(struct trend_writer *tw, struct trend_writer_stats *out)
{
	pthread_mutex_lock(&tw->lock);
	*out = tw->stats;
	pthread_mutex_unlock(&tw->lock);
}
