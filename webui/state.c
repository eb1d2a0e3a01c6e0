/*
 * The figures the pages show, read by a thread of their own every few
 * seconds, never on the event loop: the collector's and the poller's
 * status, the store's counts (a GROUP BY over a million records takes a
 * tenth of a second), the sites' 95th percentiles a few at a time, and
 * the bandwidth tree built from them.  The thread has its own read-only
 * connection to the store and works on its own copies; the loop takes
 * the finished set under a mutex (state_take), so requests only ever
 * read figures owned by the loop.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "webui.h"

#define P95_SITES	50

struct refresher {
	struct webui		*w;
	struct store		*store;		/* the thread's own */
	struct agent_state	*work;		/* kept: p95 go on from it */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	int			 stop;
	/* Ready for the loop, or NULL. */
	struct agent_state	*ready;
	json_t			*ready_poller, *ready_bandwidth;
	char			*ready_text;
};

static struct refresher	 rf;

static json_t *
load_poller(const char *path)
{
	struct stat	 sb;
	json_error_t	 err;
	json_t		*p;

	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)AGENT_MAX_FILE)
		return NULL;
	p = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (p != NULL && !json_is_object(p)) {
		json_decref(p);
		p = NULL;
	}
	return p;
}

static void
refresh_once(void)
{
	const struct conf	*c = rf.w->conf;
	struct agent_state	*snap;
	json_t			*poller, *bw;
	char			 err[512], *text;

	if (rf.store == NULL && access(c->store_path, R_OK) == 0 &&
	    (rf.store = store_open(c->store_path, STORE_READONLY, err,
	    sizeof(err))) == NULL)
		log_warnx("state: %s", err);
	rf.work->now = time(NULL);
	agent_state_read_status(rf.work, c->status_path);
	agent_state_read_poller(rf.work, c->poller_status_path);
	agent_state_read_store(rf.work, rf.store, c->store_path);
	agent_state_p95(rf.work, rf.w->rrd_dir, P95_SITES);
	poller = load_poller(c->poller_status_path);
	if ((snap = agent_state_new(c)) == NULL) {
		json_decref(poller);
		return;
	}
	agent_state_copy(snap, rf.work);
	bw = page_bandwidth_tree(c, snap, poller);
	text = json_dumps(bw, JSON_COMPACT);
	pthread_mutex_lock(&rf.lock);
	agent_state_free(rf.ready);
	json_decref(rf.ready_poller);
	json_decref(rf.ready_bandwidth);
	free(rf.ready_text);
	rf.ready = snap;
	rf.ready_poller = poller;
	rf.ready_bandwidth = bw;
	rf.ready_text = text;
	pthread_mutex_unlock(&rf.lock);
}

static void *
refresher(void *arg)
{
	struct timespec	 until;

	pthread_mutex_lock(&rf.lock);
	while (!rf.stop) {
		pthread_mutex_unlock(&rf.lock);
		refresh_once();
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += WEBUI_REFRESH_S;
		pthread_mutex_lock(&rf.lock);
		if (!rf.stop)
			pthread_cond_timedwait(&rf.wake, &rf.lock, &until);
	}
	pthread_mutex_unlock(&rf.lock);
	return NULL;
}

int
state_start(struct webui *w)
{
	rf.w = w;
	if ((rf.work = agent_state_new(w->conf)) == NULL)
		return -1;
	pthread_mutex_init(&rf.lock, NULL);
	pthread_cond_init(&rf.wake, NULL);
	/* The first set before the first request. */
	refresh_once();
	state_take(w);
	return pthread_create(&rf.thread, NULL, refresher, NULL) == 0 ? 0 :
	    -1;
}

void
state_take(struct webui *w)
{
	pthread_mutex_lock(&rf.lock);
	if (rf.ready != NULL) {
		agent_state_free(w->state);
		json_decref(w->poller);
		json_decref(w->bandwidth);
		free(w->bandwidth_text);
		w->state = rf.ready;
		w->poller = rf.ready_poller;
		w->bandwidth = rf.ready_bandwidth;
		w->bandwidth_text = rf.ready_text;
		rf.ready = NULL;
		rf.ready_poller = rf.ready_bandwidth = NULL;
		rf.ready_text = NULL;
	}
	pthread_mutex_unlock(&rf.lock);
}

void
state_stop(struct webui *w)
{
	pthread_mutex_lock(&rf.lock);
	rf.stop = 1;
	pthread_cond_signal(&rf.wake);
	pthread_mutex_unlock(&rf.lock);
	pthread_join(rf.thread, NULL);
	agent_state_free(rf.ready);
	json_decref(rf.ready_poller);
	json_decref(rf.ready_bandwidth);
	free(rf.ready_text);
	agent_state_free(rf.work);
	store_close(rf.store);
	agent_state_free(w->state);
	json_decref(w->poller);
	json_decref(w->bandwidth);
	free(w->bandwidth_text);
	pthread_mutex_destroy(&rf.lock);
	pthread_cond_destroy(&rf.wake);
}
