/*
 * Workers: one pipeline per thread.  Live, each worker reads its own
 * packet socket, joined to the others in a PACKET_FANOUT group (the
 * kernel spreads the frames; see capture.c).  From files, a dispatcher
 * feeds them through single-producer, single-consumer byte rings; it is
 * worker 0 as well: its share goes straight through, uncopied, so that
 * N workers take N threads, one per core.  A file read in place (see
 * capture-map.c) keeps its frames where they are until it is closed:
 * a worker then gets the packet as the dispatcher decoded it, pointing
 * into the file, instead of a copy of the frame to decode again.
 *
 * Results must equal those of one pipeline.  Flows are split by the
 * unordered address pair, so fragments (which carry no ports) go where
 * their first fragment went.  The kernel spreads live frames by their
 * outermost pair; a flow inside a tunnel is named by its inner pair and
 * may come through several tunnels (its two directions through two, a
 * broadcast through each access point), so a worker passes such a frame
 * on to the worker its inner pair belongs to, by the same hash.
 * Housekeeping must also happen at the same moments of traffic time: the
 * dispatcher keeps the clock a single pipeline would keep and sends
 * every worker a tick whenever that pipeline would have ticked.
 */
#include <sys/eventfd.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "ring.h"
#include "workers.h"

/*
 * A ring absorbs the bursts of a flow that all go to one worker: 64 MB
 * (some 400,000 packets handed over decoded) to each of a few workers,
 * 256 MB in all among more, 16 MB at the least (make bench: 4 MB rings
 * filled and held the reader up; 64 MB did not).
 */
#define RING_MAX	(64u << 20)
#define RING_MIN	(16u << 20)
#define RINGS_TOTAL	(256u << 20)
/*
 * Live, a ring from one worker to another carries only frames whose
 * tunnel names another worker's flow: 4 MB, made when first needed.  A
 * worker never waits for another: a frame that finds it full is lost,
 * and counted.
 */
#define HANDOVER_RING	(4u << 20)

/*
 * The dispatcher's share of flows against another worker's.  Reading,
 * decoding, hashing and handing over every frame cost it about a third
 * of what a packet costs a pipeline (make bench: shares of 1:1, 2:3 and
 * 1:2 measured), so it takes half a share.
 */
#define SHARE_OWN	1
#define SHARE_OTHER	2

#define PUBLISH_US	1000000

struct worker {
	struct ring		 ring;
	struct pipeline		*pl;
	struct capture		*cap;		/* live: its own socket */
	unsigned int		 index;
	/* Live: a ring from each other worker, once it has passed one on. */
	struct ring *_Atomic	*from;
	_Atomic uint64_t	 handed;	/* frames it passed on */
	_Atomic uint64_t	 lost;		/* ... that found a ring full */
	_Atomic uint64_t	 pending;	/* frames passed to it, ever */
	_Atomic uint64_t	 taken;		/* ... as of its last look */
	int			 wake;		/* an eventfd its capture polls */
	pthread_t		 thread;
	int			 started;
	_Atomic int		 ended;
	int			 rv;		/* of capture_run() */
	char			 err[256];
	struct workers		*all;
	/* Its counters as of its last tick, for the status. */
	pthread_mutex_t		 lock;
	struct pipeline_counters pub;
	struct capture_stats	 cap_stats;
	uint64_t		 next_pub_us;
};

struct workers {
	struct worker		*w;
	unsigned int		 n;
	/* Live with one worker: it reads on the caller's thread, calling: */
	void			(*each)(void *);
	void			*each_arg;
	uint64_t		 calls;
	struct pipeline_sinks	*sinks;
	int			 live;
	int			 frames_stay;	/* until workers_drain() */
	_Atomic int		 done;
	int			 finished;
	uint64_t		 seed;
	uint64_t		 range;		/* of pick()'s hash */
	uint64_t		 now_us;	/* the clock of one pipeline */
	uint64_t		 next_tick_us;
};

unsigned int
workers_default(void)
{
	cpu_set_t	 set;
	long		 n;

	/* The cores this process may use (taskset, cgroup cpusets). */
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	/* One core stays for the kernel, the store and the other daemons. */
	n--;
	if (n > WORKERS_MAX)
		n = WORKERS_MAX;
	return n > 1 ? (unsigned int)n : 1;
}

/* A copy of the worker's counters, taken in its own thread. */
static void
publish(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	pipeline_counters_take(w->pl, &w->pub);
	if (w->cap != NULL)
		capture_stats(w->cap, &w->cap_stats);
	pthread_mutex_unlock(&w->lock);
}

static size_t
ring_bytes_for(unsigned int n)
{
	size_t	 size = RING_MAX;

	while (size > RING_MIN && size * (n - 1) > RINGS_TOTAL)
		size >>= 1;
	return size;
}

static void
send_tick(struct workers *ws, uint64_t now_us)
{
	struct rec	*m;
	unsigned int	 i;

	pipeline_packet(ws->w[0].pl, NULL, NULL, now_us);
	publish(&ws->w[0]);
	for (i = 1; i < ws->n; i++) {
		m = (struct rec *)ring_room_wait(&ws->w[i].ring, sizeof(*m));
		memset(m, 0, sizeof(*m));
		m->len = sizeof(*m);
		m->kind = REC_TICK;
		m->ts_us = now_us;
		ring_commit(&ws->w[i].ring, sizeof(*m));
		ring_publish(&ws->w[i].ring);
	}
}

/* The clock as pipeline_tick() keeps it, ticking where it would. */
static void
clock_advance(struct workers *ws, uint64_t t_us, int always)
{
	if (!always && t_us < ws->next_tick_us)
		return;
	if (t_us > ws->now_us)
		ws->now_us = t_us;
	if (ws->now_us < ws->next_tick_us)
		return;
	ws->next_tick_us = ws->now_us + PIPELINE_TICK_US;
	send_tick(ws, ws->now_us);
}

/*
 * Both directions hash alike: the XOR and the sum of the two addresses'
 * words do not depend on their order.  The dispatcher, which also reads,
 * decodes and hands over, takes a smaller share than another worker.
 */
static unsigned int
pick(const struct workers *ws, const struct pkt *p)
{
	uint64_t	 s[2], d[2], h;

	memcpy(s, p->src, sizeof(s));
	memcpy(d, p->dst, sizeof(d));
	h = hash_mix((s[0] ^ d[0]) + (s[1] + d[1]) + p->ipver,
	    ws->seed ^ (s[1] ^ d[1]) ^ (s[0] + d[0]));
	/* h * range / 2^64: a share without a division. */
	h = (uint64_t)(((__uint128_t)hash_mix(h, 0x8ebc6af09c88c6e3ULL) *
	    ws->range) >> 64);
	return h < SHARE_OWN ? 0 : (unsigned int)(h - SHARE_OWN) /
	    SHARE_OTHER + 1;
}

void
workers_packet(void *arg, const struct decode_link *link, struct pkt *p,
    uint64_t now_us)
{
	struct workers	*ws = arg;
	struct rec		*m;
	enum decode_reason	 r;
	unsigned int		 i = 0;
	size_t			 len;

	if (p == NULL) {
		clock_advance(ws, now_us, 1);
		return;
	}
	r = decode_packet(link, p);
	/* A frame that does not decode is counted by worker 0, as a drop. */
	clock_advance(ws, p->ts_us, r != DECODE_OK);
	if (r == DECODE_OK && ws->n > 1)
		i = pick(ws, p);
	if (i == 0) {
		/* Its own share is decoded already. */
		pipeline_decoded(ws->w[0].pl, link, p, r);
		return;
	}
	if (ws->frames_stay) {
		/* The frame stays put: the decoded packet points into it. */
		len = sizeof(*m) + ring_align8(sizeof(*p));
		m = (struct rec *)ring_room_wait(&ws->w[i].ring, len);
		m->len = (uint32_t)len;
		m->kind = REC_DECODED;
		m->link = link;
		memcpy(m + 1, p, sizeof(*p));
		ring_commit(&ws->w[i].ring, len);
		return;
	}
	(void)ring_put_frame(&ws->w[i].ring, link, p, 1);
}

static void
consume(struct worker *w, const struct rec *m)
{
	struct pkt	 p;

	switch (m->kind) {
	case REC_PACKET:
		memset(&p, 0, sizeof(p));
		p.ts_us = m->ts_us;
		p.frame = (const uint8_t *)(m + 1);
		p.caplen = m->caplen;
		p.wirelen = m->wirelen;
		pipeline_packet(w->pl, m->link, &p, m->ts_us);
		break;
	case REC_DECODED:
		memcpy(&p, m + 1, sizeof(p));
		pipeline_decoded(w->pl, m->link, &p, DECODE_OK);
		break;
	case REC_TICK:
		pipeline_packet(w->pl, NULL, NULL, m->ts_us);
		publish(w);
		break;
	default:
		break;
	}
}

/* A ring's records from its last tail on, handed to the worker. */
static uint64_t
take_records(struct worker *w, struct ring *r, uint64_t tail)
{
	uint64_t	 head;

	head = atomic_load_explicit(&r->head, memory_order_acquire);
	while (tail != head) {
		const struct rec *m = (const struct rec *)(r->buf +
		    (tail & (r->size - 1)));

		consume(w, m);
		tail += m->len;
	}
	return tail;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct ring	*r = &w->ring;
	uint64_t	 tail = 0, head;
	unsigned int	 spins = 0;

	for (;;) {
		head = atomic_load_explicit(&r->head, memory_order_acquire);
		if (tail == head) {
			if (atomic_load_explicit(&w->all->done,
			    memory_order_acquire) &&
			    atomic_load_explicit(&r->head,
			    memory_order_acquire) == tail)
				break;
			ring_backoff(&spins);
			continue;
		}
		spins = 0;
		tail = take_records(w, r, tail);
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	return NULL;
}

/* Live: what other workers have passed on to this one. */
static void
take_handed(struct worker *w)
{
	struct ring	*r;
	unsigned int	 i;

	if (w->from == NULL)
		return;
	atomic_store_explicit(&w->taken, atomic_load_explicit(&w->pending,
	    memory_order_acquire), memory_order_relaxed);
	for (i = 0; i < w->all->n; i++) {
		r = atomic_load_explicit(&w->from[i], memory_order_acquire);
		if (r == NULL)
			continue;
		atomic_store_explicit(&r->tail, take_records(w, r,
		    atomic_load_explicit(&r->tail, memory_order_relaxed)),
		    memory_order_release);
	}
}

static struct ring *
handover_ring(struct worker *from, struct worker *to)
{
	struct ring	*r;

	r = atomic_load_explicit(&to->from[from->index],
	    memory_order_acquire);
	if (r != NULL)
		return r;
	if ((r = aligned_alloc(64, sizeof(*r))) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->size = HANDOVER_RING;
	if ((r->buf = aligned_alloc(64, r->size)) == NULL) {
		free(r);
		return NULL;
	}
	atomic_store_explicit(&to->from[from->index], r,
	    memory_order_release);
	return r;
}

/* A copy of the frame to the worker of its flow, never waiting. */
static void
hand_on(struct worker *w, unsigned int to, const struct decode_link *link,
    const struct pkt *p)
{
	struct ring	*r;
	uint64_t	 one = 1;

	if ((r = handover_ring(w, &w->all->w[to])) == NULL ||
	    ring_put_frame(r, link, p, 0) == -1) {
		atomic_fetch_add_explicit(&w->lost, 1, memory_order_relaxed);
		return;
	}
	ring_publish(r);
	atomic_fetch_add_explicit(&w->handed, 1, memory_order_relaxed);
	/*
	 * Taken before its next frame, or at once if it waits for one: a
	 * wake (a system call) only for the first frame it has not yet
	 * seen, not for every frame of a tunnel-heavy link.  Should a wake
	 * be missed in a race with its look, the frame waits at most until
	 * its next frame or its capture's poll timeout (250 ms).
	 */
	if (atomic_fetch_add_explicit(&w->all->w[to].pending, 1,
	    memory_order_release) == atomic_load_explicit(&w->all->w[to].taken,
	    memory_order_relaxed))
		(void)write(w->all->w[to].wake, &one, sizeof(one));
}

/*
 * Live: the worker's own socket, its own clock.  A frame whose decoded
 * pair the fanout program would give another worker came through a
 * tunnel: it is passed on.
 */
static void
live_packet(void *arg, const struct decode_link *link, struct pkt *p,
    uint64_t now_us)
{
	struct worker		*w = arg;
	enum decode_reason	 r;
	unsigned int		 to;

	if (p == NULL) {
		take_handed(w);
		pipeline_packet(w->pl, NULL, NULL, now_us);
		if (now_us >= w->next_pub_us) {
			publish(w);
			w->next_pub_us = now_us + PUBLISH_US;
		}
		if (w->all->each != NULL)
			w->all->each(w->all->each_arg);
		return;
	}
	/* The caller's view, on its thread: every 4096 frames at most. */
	if (w->all->each != NULL && (++w->all->calls & 4095) == 0)
		w->all->each(w->all->each_arg);
	/* Frames passed on to it keep their place among its own. */
	if (atomic_load_explicit(&w->pending, memory_order_relaxed) !=
	    atomic_load_explicit(&w->taken, memory_order_relaxed))
		take_handed(w);
	r = decode_packet(link, p);
	if (r == DECODE_OK && w->all->n > 1 && (to = capture_fanout_member(p->src, p->dst,
	    p->ipver, w->all->n)) != w->index) {
		hand_on(w, to, link, p);
		return;
	}
	pipeline_decoded(w->pl, link, p, r);
}

static void *
live_main(void *arg)
{
	struct worker	*w = arg;

	w->rv = capture_run(w->cap, live_packet, w, 0, 0, 0, w->err,
	    sizeof(w->err));
	/* One worker's socket failing stops them all. */
	if (w->rv == -1)
		capture_request_stop();
	publish(w);
	atomic_store_explicit(&w->ended, 1, memory_order_release);
	return NULL;
}

struct workers *
workers_start(const struct pipeline_conf *c, unsigned int n,
    struct capture **caps)
{
	struct workers		*ws;
	struct pipeline_conf	 wc = *c;
	unsigned int		 i, share;
	int			 e;

	if (n < 1 || n > WORKERS_MAX) {
		log_warnx("workers: %u workers (1 to %d)", n, WORKERS_MAX);
		return NULL;
	}
	if ((ws = calloc(1, sizeof(*ws))) == NULL ||
	    (ws->w = calloc(n, sizeof(*ws->w))) == NULL) {
		free(ws);
		return NULL;
	}
	ws->n = n;
	ws->seed = hash_random_seed() | 1;
	ws->range = SHARE_OTHER * (n - 1) + SHARE_OWN;
	for (i = 0; i < n; i++) {
		pthread_mutex_init(&ws->w[i].lock, NULL);
		ws->w[i].wake = -1;
	}
	if ((ws->sinks = pipeline_sinks_open(c, n)) == NULL)
		goto fail;
	wc.sinks = ws->sinks;
	/*
	 * The bound on flows is the appliance's, not each worker's: they
	 * share it out (the hash spreads flows evenly; a little room more
	 * for the unevenness of a few thousand).
	 */
	share = c->flows.max_flows / n;
	share += share < 65536 ? share / 8 : 8192;
	if (share > c->flows.max_flows)
		share = c->flows.max_flows;
	wc.flows.max_flows = share > 0 ? share : 1;
	ws->live = caps != NULL;
	for (i = 0; i < n; i++) {
		ws->w[i].all = ws;
		ws->w[i].index = i;
		ws->w[i].cap = caps != NULL ? caps[i] : NULL;
		/* Frames are passed on among several live workers only. */
		if (ws->live && n > 1 && ((ws->w[i].from = calloc(n,
		    sizeof(*ws->w[i].from))) == NULL || (ws->w[i].wake =
		    eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1))
			goto fail;
		if (ws->live && n > 1)
			capture_wake_on(caps[i], ws->w[i].wake);
		ws->w[i].ring.size = ring_bytes_for(n);
		if ((!ws->live && i > 0 && (ws->w[i].ring.buf =
		    aligned_alloc(64, ws->w[i].ring.size)) == NULL) ||
		    (ws->w[i].pl = pipeline_new(&wc)) == NULL ||
		    pipeline_counters_init(&ws->w[i].pub, ws->w[i].pl) == -1) {
			log_warnx("workers: cannot start worker %u", i);
			goto fail;
		}
	}
	/*
	 * Live, worker 0 has a thread too, and the caller keeps the status;
	 * one worker alone runs on the caller's thread, as the dispatcher
	 * of files always does.
	 */
	for (i = ws->live && n > 1 ? 0 : 1; i < n; i++) {
		if ((e = pthread_create(&ws->w[i].thread, NULL, ws->live ?
		    live_main : worker_main, &ws->w[i])) != 0) {
			log_warnx("workers: cannot start thread %u: %s", i,
			    strerror(e));
			goto fail;
		}
		ws->w[i].started = 1;
	}
	return ws;
fail:
	workers_finish(ws, 0);
	workers_free(ws);
	return NULL;
}

int
workers_finish(struct workers *ws, int commit)
{
	unsigned int	 i;
	int		 rv = 0;

	if (ws == NULL || ws->finished)
		return 0;
	for (i = 1; i < ws->n; i++)
		if (ws->w[i].ring.buf != NULL)
			ring_publish(&ws->w[i].ring);
	atomic_store_explicit(&ws->done, 1, memory_order_release);
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].started) {
			pthread_join(ws->w[i].thread, NULL);
			ws->w[i].started = 0;
		}
	/* Every worker has stopped: what one passed on to another is taken. */
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].from != NULL && ws->w[i].pl != NULL)
			take_handed(&ws->w[i]);
	for (i = 0; i < ws->n; i++) {
		if (ws->w[i].pl == NULL)
			continue;
		if (pipeline_finish(ws->w[i].pl, commit) == -1)
			rv = -1;
		publish(&ws->w[i]);
	}
	if (pipeline_sinks_close(ws->sinks, rv == 0 && commit) == -1)
		rv = -1;
	ws->finished = 1;
	return rv;
}

void
workers_frames_stay(struct workers *ws, int stay)
{
	ws->frames_stay = stay;
}

/*
 * How far in the file a worker may lag behind the reader: a full ring
 * of decoded packets, some 160 bytes each, of frames of some 400 bytes
 * (the mixed capture's mean), with room to spare.  Further is possible,
 * and costs the worker page faults, never a wrong frame.
 */
size_t
workers_lag_bytes(const struct workers *ws)
{
	return ws->n > 1 ? ws->w[1].ring.size * 4 : 0;
}

/* Until every worker has taken all that was sent to it. */
void
workers_drain(struct workers *ws)
{
	unsigned int	 i, spins;

	for (i = 1; i < ws->n && !ws->live; i++) {
		ring_publish(&ws->w[i].ring);
		spins = 0;
		while (atomic_load_explicit(&ws->w[i].ring.tail,
		    memory_order_acquire) != ws->w[i].ring.whead)
			ring_backoff(&spins);
	}
}

/*
 * Live: waits while every worker reads, calling back now and then on
 * the caller's thread; 0 once stopped, -1 if a socket failed.  One
 * worker reads on the caller's thread, count frames at most (0: no end).
 */
int
workers_wait(struct workers *ws, uint64_t count, void (*each)(void *),
    void *arg, char *err, size_t errlen)
{
	struct timespec	 ts = { 0, 100000000 };
	unsigned int	 i, ended;
	int		 rv = 0;

	if (ws->n == 1) {
		ws->each = each;
		ws->each_arg = arg;
		rv = capture_run(ws->w[0].cap, live_packet, &ws->w[0], 0, 0,
		    count, err, errlen);
		ws->each = NULL;
		publish(&ws->w[0]);
		return rv;
	}
	do {
		nanosleep(&ts, NULL);
		each(arg);
		for (i = 0, ended = 0; i < ws->n; i++)
			ended += atomic_load_explicit(&ws->w[i].ended,
			    memory_order_acquire);
	} while (ended < ws->n);
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].rv == -1) {
			snprintf(err, errlen, "worker %u: %s", i, ws->w[i].err);
			rv = -1;
		}
	return rv;
}

/*
 * The counters of every worker as of its last tick, summed; worker 0's
 * as of now when it runs on the caller's thread (files, or one worker).
 */
void
workers_counters(struct workers *ws, struct pipeline_counters *sum,
    struct capture_stats *cap)
{
	unsigned int	 i;

	if (!ws->live || ws->n == 1)
		publish(&ws->w[0]);
	pipeline_counters_clear(sum);
	memset(cap, 0, sizeof(*cap));
	for (i = 0; i < ws->n; i++) {
		pthread_mutex_lock(&ws->w[i].lock);
		pipeline_counters_add(sum, &ws->w[i].pub);
		cap->received += ws->w[i].cap_stats.received;
		cap->bytes += ws->w[i].cap_stats.bytes;
		cap->kernel_drops += ws->w[i].cap_stats.kernel_drops;
		cap->iface_drops += ws->w[i].cap_stats.iface_drops;
		cap->handover_drops += atomic_load_explicit(&ws->w[i].lost,
		    memory_order_relaxed);
		pthread_mutex_unlock(&ws->w[i].lock);
	}
}

struct pipeline_sinks *
workers_sinks(struct workers *ws)
{
	return ws->sinks;
}

/* Worker 0's pipeline: for names, which every pipeline has alike. */
struct pipeline *
workers_first(struct workers *ws)
{
	return ws->w[0].pl;
}

/* After workers_finish(): the totals, and each worker's packets. */
void
workers_totals(const struct workers *ws, struct workers_totals *t)
{
	unsigned int	 i;

	memset(t, 0, sizeof(*t));
	t->n = ws->n;
	for (i = 0; i < ws->n; i++) {
		t->ring_waits += ws->w[i].ring.waits;
		t->handed += ws->w[i].handed;
		t->lost += ws->w[i].lost;
		if (ws->w[i].pl == NULL)
			continue;
		t->packets[i] = pipeline_stats(ws->w[i].pl)->packets;
	}
}

void
workers_free(struct workers *ws)
{
	unsigned int	 i, j;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n; i++) {
		for (j = 0; ws->w[i].from != NULL && j < ws->n; j++)
			if (ws->w[i].from[j] != NULL) {
				free(ws->w[i].from[j]->buf);
				free(ws->w[i].from[j]);
			}
		free(ws->w[i].from);
		if (ws->w[i].wake != -1)
			close(ws->w[i].wake);
		pipeline_free(ws->w[i].pl);
		free(ws->w[i].ring.buf);
		pipeline_counters_free(&ws->w[i].pub);
		pthread_mutex_destroy(&ws->w[i].lock);
	}
	pipeline_sinks_free(ws->sinks);
	free(ws->w);
	free(ws);
}
