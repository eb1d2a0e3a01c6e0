/*
 * The writer thread.  One transaction a second holds everything queued
 * since the last, so a kill loses at most the last second's events and
 * never a committed one.  The queue is a list in arrival order: a count
 * or a pcap always follows the record it belongs to, and reaches it by
 * the reference its opening returned, never by searching for it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "clock.h"
#include "log.h"
#include "syslog-out.h"
#include "violation-store.h"

#define COMMIT_EVERY_S	1
#define PURGE_EVERY_US	(3600LL * 1000000)
#define HEAD_EVERY_US	(3600LL * 1000000)
#define DAY_US		(86400LL * 1000000)
#define EXCEPTIONS_EVERY_US (2 * 1000000LL)
#define EXCEPTIONS_MAX	4096

enum event_kind {
	EV_OPEN,
	EV_NAME,
	EV_COUNT,
	EV_EVIDENCE
};

/*
 * A record as capture knows it.  Capture holds one reference for as
 * long as the flow lives, each queued event another; the row's id is
 * the writer's alone, set when the opening is applied (the row made,
 * or the one a repeat was folded into), and stays 0 if the opening was
 * lost, so that its counts and evidence are dropped, not misfiled.
 */
struct violation_ref {
	_Atomic unsigned int	 refs;
	int64_t			 id;		/* writer thread only */
};

struct event {
	struct event		*next;
	enum event_kind		 kind;
	struct violation_ref	*ref;
	int64_t			 packets;
	int64_t			 bytes;
	int64_t			 first_us;
	int64_t			 last_us;
	uint8_t			*pcap;
	size_t			 len;
	unsigned int		 npackets;
	int			 created;
	char			*app;		/* EV_NAME: app, category, host */
	struct store_violation	 v[];		/* EV_OPEN only: the record */
};

struct violation_store {
	struct store		*store;
	const struct conf	*conf;
	struct syslog_out	*syslog[CONF_MAX_SYSLOG];
	size_t			 nsyslog;
	size_t			 queue_max;
	int			 wait_when_full;
	char			 admin_path[CONF_PATH_MAX]; /* the audit head */
	int64_t			 purge_every_us;
	int64_t			 next_purge_us;
	int64_t			 head_sent;	/* the audit head last sent */
	char			 head_hash[AUDIT_HASH_HEX + 1];
	int64_t			 next_head_us;
	/* The exceptions in force, read again every two seconds. */
	struct store_exception	*exc;
	size_t			 nexc;
	int64_t			 next_exc_us;
	int			 exc_warned;

	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	pthread_cond_t		 room;
	struct event		*head, **tail;
	size_t			 n;
	int			 stop;
	struct violation_store_stats stats;	/* under lock */
};

static void
ref_put(struct violation_ref *r)
{
	if (r != NULL && atomic_fetch_sub_explicit(&r->refs, 1,
	    memory_order_acq_rel) == 1)
		free(r);
}

static void
event_free(struct event *e)
{
	if (e == NULL)
		return;
	ref_put(e->ref);
	free(e->app);
	free(e->pcap);
	free(e);
}

static void
enqueue(struct violation_store *vs, struct event *e)
{
	pthread_mutex_lock(&vs->lock);
	while (vs->wait_when_full && vs->n >= vs->queue_max &&
	    !vs->stats.failing)
		pthread_cond_wait(&vs->room, &vs->lock);
	if (vs->n >= vs->queue_max) {
		vs->stats.dropped++;
		pthread_mutex_unlock(&vs->lock);
		event_free(e);
		return;
	}
	e->next = NULL;
	*vs->tail = e;
	vs->tail = &e->next;
	vs->n++;
	vs->stats.queued++;
	vs->stats.pending = vs->n;
	/* Half full: commit now rather than at the second. */
	if (vs->n == vs->queue_max / 2)
		pthread_cond_signal(&vs->wake);
	pthread_mutex_unlock(&vs->lock);
}

/* An event on ref, which it holds a reference to; NULL is counted. */
static struct event *
event_new(struct violation_store *vs, enum event_kind kind,
    struct violation_ref *ref)
{
	struct event	*e;

	e = calloc(1, sizeof(*e) + (kind == EV_OPEN ?
	    sizeof(struct store_violation) : 0));
	if (e == NULL) {
		pthread_mutex_lock(&vs->lock);
		vs->stats.dropped++;
		pthread_mutex_unlock(&vs->lock);
		return NULL;
	}
	e->kind = kind;
	e->ref = ref;
	atomic_fetch_add_explicit(&ref->refs, 1, memory_order_relaxed);
	return e;
}

struct violation_ref *
violation_store_open(struct violation_store *vs,
    const struct store_violation *v)
{
	struct violation_ref	*r;
	struct event		*e;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		pthread_mutex_lock(&vs->lock);
		vs->stats.dropped++;
		pthread_mutex_unlock(&vs->lock);
		return NULL;
	}
	atomic_init(&r->refs, 1);
	if ((e = event_new(vs, EV_OPEN, r)) != NULL) {
		e->v[0] = *v;
		enqueue(vs, e);
	}
	return r;
}

void
violation_store_release(struct violation_ref *r)
{
	ref_put(r);
}

void
violation_store_name(struct violation_store *vs, struct violation_ref *r,
    const char *app, const char *category, const char *hostname)
{
	struct event	*e;
	size_t		 la = strlen(app) + 1, lc = strlen(category) + 1;
	size_t		 lh = strlen(hostname) + 1;

	if (r == NULL || (e = event_new(vs, EV_NAME, r)) == NULL)
		return;
	/* Three strings end to end, in one allocation. */
	if ((e->app = malloc(la + lc + lh)) == NULL) {
		event_free(e);
		pthread_mutex_lock(&vs->lock);
		vs->stats.dropped++;
		pthread_mutex_unlock(&vs->lock);
		return;
	}
	memcpy(e->app, app, la);
	memcpy(e->app + la, category, lc);
	memcpy(e->app + la + lc, hostname, lh);
	enqueue(vs, e);
}

void
violation_store_count(struct violation_store *vs, struct violation_ref *r,
    int64_t packets, int64_t bytes, int64_t last_us)
{
	struct event	*e;

	if (r == NULL || (e = event_new(vs, EV_COUNT, r)) == NULL)
		return;
	e->packets = packets;
	e->bytes = bytes;
	e->last_us = last_us;
	enqueue(vs, e);
}

void
violation_store_evidence(struct violation_store *vs, struct violation_ref *r,
    int64_t first_us, uint8_t *pcap, size_t len, unsigned int packets)
{
	struct event	*e;

	if (r == NULL || (e = event_new(vs, EV_EVIDENCE, r)) == NULL) {
		free(pcap);
		return;
	}
	e->pcap = pcap;
	e->len = len;
	e->first_us = first_us;
	e->npackets = packets;
	enqueue(vs, e);
}

static int
exc_keep(void *arg, const struct store_exception *x)
{
	struct violation_store	*vs = arg;

	if (vs->nexc == EXCEPTIONS_MAX) {
		if (!vs->exc_warned++)
			log_warnx("store: more than %d exceptions in force: "
			    "the newest %d apply", EXCEPTIONS_MAX,
			    EXCEPTIONS_MAX);
		return 1;
	}
	vs->exc[vs->nexc++] = *x;
	return 0;
}

/* What the web UI and zwctl allowed since the last look. */
static void
exceptions_load(struct violation_store *vs, int64_t now_us)
{
	if (now_us < vs->next_exc_us)
		return;
	vs->next_exc_us = now_us + EXCEPTIONS_EVERY_US;
	if (vs->exc == NULL && (vs->exc = calloc(EXCEPTIONS_MAX,
	    sizeof(*vs->exc))) == NULL)
		return;
	vs->nexc = 0;
	if (store_exceptions(vs->store, 1, now_us, exc_keep, vs) != 0)
		log_warnx("store: exceptions: %s", store_errmsg(vs->store));
}

static const struct store_exception *
exception_of(struct violation_store *vs, const struct store_violation *v,
    int64_t now_us)
{
	size_t	 i;

	for (i = 0; i < vs->nexc; i++)
		if (store_exception_allows(&vs->exc[i], v, now_us))
			return &vs->exc[i];
	return NULL;
}

/* A record an exception allows is not made, and the exception counted. */
static int
excepted(struct violation_store *vs, const struct store_violation *v,
    int64_t now_us, int *hit)
{
	const struct store_exception	*x;

	if ((x = exception_of(vs, v, now_us)) == NULL)
		return 0;
	*hit = 1;
	return store_exception_hit(vs->store, x->id, now_us) == 0 ? 1 : -1;
}

/*
 * The application is named after the record was made: a flow that an
 * exception of the application allows leaves its record (which goes
 * with its last flow, if still new).
 */
static int
named(struct violation_store *vs, struct event *e, int64_t now_us, int *hit)
{
	const char		*category = e->app + strlen(e->app) + 1;
	struct store_violation	 v;
	int			 rc;

	if ((rc = store_violation_name(vs->store, e->ref->id, e->app,
	    category, category + strlen(category) + 1)) != 0)
		return rc;
	if (vs->nexc == 0 ||
	    store_violation_get(vs->store, e->ref->id, &v) != 0)
		return 0;
	switch (excepted(vs, &v, now_us, hit)) {
	case 0:
		return 0;
	case 1:
		if ((rc = store_violation_drop(vs->store, e->ref->id)) == 0)
			e->ref->id = 0;
		return rc;
	}
	return STORE_ERR;
}

/*
 * One event inside the open transaction; *created for a new record,
 * *hit for one an exception kept away.
 */
static int
apply(struct violation_store *vs, struct event *e, int64_t now_us,
    int *created, int *hit)
{
	int	 rc;

	*created = *hit = 0;
	if (e->kind != EV_OPEN && e->ref->id == 0)
		return 0;	/* its opening was lost, and counted */
	switch (e->kind) {
	case EV_OPEN:
		e->ref->id = 0;
		if ((rc = excepted(vs, e->v, now_us, hit)) != 0)
			return rc == 1 ? 0 : STORE_ERR;
		e->v->created_us = e->v->updated_us = now_us;
		rc = store_violation_add(vs->store, e->v,
		    (int64_t)vs->conf->dedupe_window_s * 1000000, created);
		/* Set again if the batch is tried again: the same row. */
		e->ref->id = rc == 0 ? e->v->id : 0;
		return rc;
	case EV_NAME:
		return named(vs, e, now_us, hit);
	case EV_COUNT:
		return store_violation_count(vs->store, e->ref->id, e->packets,
		    e->bytes, e->last_us);
	case EV_EVIDENCE:
		/* The first few flows of a record are evidence enough. */
		return store_evidence_add(vs->store, e->ref->id, e->first_us,
		    e->npackets, e->pcap, e->len, 4);
	}
	return 0;
}

static void
purge(struct violation_store *vs, int64_t now_us)
{
	int64_t	 removed;
	int	 rc;

	vs->next_purge_us = now_us + vs->purge_every_us;
	rc = store_purge(vs->store, now_us -
	    (int64_t)vs->conf->retention_days * DAY_US, &removed);
	if (rc != 0) {
		log_warnx("store: purge: %s", store_errmsg(vs->store));
		return;
	}
	if (removed > 0) {
		/*
		 * The system's log, not the audit trail: that is the
		 * administrators', and this process cannot write it.
		 */
		log_info("store: %lld records older than %u days purged",
		    (long long)removed, vs->conf->retention_days);
	}
	pthread_mutex_lock(&vs->lock);
	vs->stats.purged += (uint64_t)removed;
	pthread_mutex_unlock(&vs->lock);
}

/*
 * Commits a batch.  On failure the batch goes back to the front of the
 * queue, in order, to be tried again.
 */
static int
commit_batch(struct violation_store *vs, struct event *batch)
{
	struct violation_store_stats d;
	struct event	*e, *last = NULL;
	int64_t		 now_us = clock_wall_us();
	int		 rc, created, hit;
	size_t		 i, nbatch = 0;

	memset(&d, 0, sizeof(d));
	exceptions_load(vs, now_us);
	if ((rc = store_begin(vs->store)) == 0) {
		for (e = batch; e != NULL; e = e->next) {
			nbatch++;
			if ((rc = apply(vs, e, now_us, &created, &hit)) != 0)
				break;
			e->created = created;
			d.excepted += (uint64_t)hit;
			if (e->kind == EV_OPEN)
				created ? d.created++ : d.repeated++;
			if (e->kind == EV_EVIDENCE)
				d.evidence++;
		}
		if (rc == 0)
			rc = store_commit(vs->store);
		else
			store_rollback(vs->store);
	}
	pthread_mutex_lock(&vs->lock);
	if (rc != 0) {
		if (!vs->stats.failing)
			log_warnx("store: %s: %s; %zu events wait", store_path(
			    vs->store), store_errmsg(vs->store), nbatch);
		vs->stats.commit_failures++;
		vs->stats.failing = 1;
		vs->stats.full = rc == STORE_FULL;
		for (e = batch; e != NULL; e = e->next)
			last = e;
		if (last != NULL) {
			last->next = vs->head;
			if (vs->head == NULL)
				vs->tail = &last->next;
			vs->head = batch;
		}
		vs->stats.pending = vs->n;
		/* Whoever waits for room would wait for the disk: let go. */
		pthread_cond_broadcast(&vs->room);
		pthread_mutex_unlock(&vs->lock);
		return -1;
	}
	if (vs->stats.failing)
		log_info("store: %s: writing again", store_path(vs->store));
	vs->stats.failing = vs->stats.full = 0;
	vs->stats.created += d.created;
	vs->stats.repeated += d.repeated;
	vs->stats.evidence += d.evidence;
	vs->stats.excepted += d.excepted;
	vs->n -= nbatch;
	vs->stats.pending = vs->n;
	pthread_cond_broadcast(&vs->room);
	pthread_mutex_unlock(&vs->lock);

	/* A new record goes to the SIEM once; repeats only update it. */
	while ((e = batch) != NULL) {
		batch = e->next;
		if (e->created)
			for (i = 0; i < vs->nsyslog; i++)
				syslog_out_send(vs->syslog[i], e->v, now_us);
		event_free(e);
	}
	return 0;
}

/*
 * The audit trail's head leaves the box: at start, within a second of
 * every record (a user or role changed, a review, a login) and hourly
 * when nothing changed, to every syslog receiver.  A head kept there is
 * what zwctl audit verify --anchor checks the trail against.
 */
static void
send_head(struct violation_store *vs, int64_t now_us)
{
	char	 hash[AUDIT_HASH_HEX + 1];
	int64_t	 id;
	size_t	 i;

	if (vs->nsyslog == 0 || audit_head_read(vs->admin_path, &id,
	    hash) != 0 || id == 0)
		return;
	if (id == vs->head_sent && strcmp(hash, vs->head_hash) == 0 &&
	    now_us < vs->next_head_us)
		return;
	for (i = 0; i < vs->nsyslog; i++)
		syslog_out_send_head(vs->syslog[i], id, hash, now_us);
	vs->head_sent = id;
	memcpy(vs->head_hash, hash, sizeof(hash));
	vs->next_head_us = now_us + HEAD_EVERY_US;
}

static void *
writer(void *arg)
{
	struct violation_store	*vs = arg;
	struct event		*batch;
	struct timespec		 ts;
	int			 stop, failed = 0;
	size_t			 i;

	for (;;) {
		/* One commit a second, whatever the rate of events. */
		pthread_mutex_lock(&vs->lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += COMMIT_EVERY_S;
		while (!vs->stop && (failed || vs->n < vs->queue_max / 2))
			if (pthread_cond_timedwait(&vs->wake, &vs->lock,
			    &ts) == ETIMEDOUT)
				break;
		stop = vs->stop;
		batch = vs->head;
		vs->head = NULL;
		vs->tail = &vs->head;
		pthread_mutex_unlock(&vs->lock);

		if (batch != NULL)
			failed = commit_batch(vs, batch) == -1;
		else
			failed = 0;
		if (clock_wall_us() >= vs->next_purge_us && !failed)
			purge(vs, clock_wall_us());
		send_head(vs, clock_wall_us());
		for (i = 0; i < vs->nsyslog; i++) {
			const struct syslog_out_stats *s =
			    syslog_out_stats(vs->syslog[i]);

			pthread_mutex_lock(&vs->lock);
			vs->stats.syslog_sent = s->sent;
			vs->stats.syslog_failed = s->failed;
			pthread_mutex_unlock(&vs->lock);
		}
		if (stop)
			break;
	}
	return NULL;
}

struct violation_store *
violation_store_start(const struct violation_store_conf *c, char *err,
    size_t errlen)
{
	struct violation_store	*vs;
	size_t			 i;

	if ((vs = calloc(1, sizeof(*vs))) == NULL) {
		snprintf(err, errlen, "store: out of memory");
		return NULL;
	}
	vs->conf = c->conf;
	vs->queue_max = c->queue_max ? c->queue_max : VSTORE_QUEUE_DEFAULT;
	vs->wait_when_full = c->wait_when_full;
	vs->purge_every_us = c->purge_every_us ? c->purge_every_us :
	    PURGE_EVERY_US;
	vs->tail = &vs->head;
	if (conf_admin_path(c->conf, c->path, vs->admin_path,
	    sizeof(vs->admin_path)) == -1) {
		snprintf(err, errlen, "%s: path too long", c->path);
		free(vs);
		return NULL;
	}
	if ((vs->store = store_open(c->path, STORE_CREATE, err,
	    errlen)) == NULL) {
		free(vs);
		return NULL;
	}
	for (i = 0; i < c->conf->syslogs.n; i++) {
		if ((vs->syslog[i] = syslog_out_new(
		    &c->conf->syslogs.v[i])) == NULL) {
			snprintf(err, errlen, "syslog: out of memory");
			goto fail;
		}
		vs->nsyslog++;
	}
	pthread_mutex_init(&vs->lock, NULL);
	pthread_cond_init(&vs->wake, NULL);
	pthread_cond_init(&vs->room, NULL);
	/* Retention is applied at start, then every hour. */
	purge(vs, clock_wall_us());
	if ((errno = pthread_create(&vs->thread, NULL, writer, vs)) != 0) {
		snprintf(err, errlen, "store: thread: %s", strerror(errno));
		pthread_mutex_destroy(&vs->lock);
		pthread_cond_destroy(&vs->wake);
		pthread_cond_destroy(&vs->room);
		goto fail;
	}
	return vs;
fail:
	for (i = 0; i < vs->nsyslog; i++)
		syslog_out_free(vs->syslog[i]);
	store_close(vs->store);
	free(vs);
	return NULL;
}

int
violation_store_stop(struct violation_store *vs,
    struct violation_store_stats *last)
{
	struct event	*e;
	int		 lost;
	size_t		 i;

	if (vs == NULL)
		return 0;
	pthread_mutex_lock(&vs->lock);
	vs->stop = 1;
	pthread_cond_signal(&vs->wake);
	pthread_mutex_unlock(&vs->lock);
	pthread_join(vs->thread, NULL);
	vs->stats.pending = vs->n;
	if (last != NULL)
		*last = vs->stats;
	lost = vs->n > 0 || vs->stats.dropped > 0;
	if (vs->n > 0)
		log_warnx("store: %zu events could not be written", vs->n);
	if (vs->stats.dropped > 0)
		log_warnx("store: %llu events dropped, the queue was full",
		    (unsigned long long)vs->stats.dropped);
	while ((e = vs->head) != NULL) {
		vs->head = e->next;
		event_free(e);
	}
	for (i = 0; i < vs->nsyslog; i++)
		syslog_out_free(vs->syslog[i]);
	store_close(vs->store);
	free(vs->exc);
	pthread_mutex_destroy(&vs->lock);
	pthread_cond_destroy(&vs->wake);
	pthread_cond_destroy(&vs->room);
	free(vs);
	return lost ? -1 : 0;
}

void
violation_store_stats(struct violation_store *vs,
    struct violation_store_stats *out)
{
	pthread_mutex_lock(&vs->lock);
	*out = vs->stats;
	pthread_mutex_unlock(&vs->lock);
}
