/*
 * Logins off the event loop.  scrypt costs tens of milliseconds and 32 MB
 * by design (RFC 7914, section 2); computed on the loop, a burst of
 * logins would hold every other request behind it.  A small pool of
 * threads computes the hashes and nothing else; the loop keeps the store,
 * the session table and the replies, and learns of finished hashes
 * through an eventfd.  The jobs are a fixed table: a login that finds
 * none free is answered at once (503), so neither memory nor the wait
 * grows with the burst.
 *
 * A reply may go out after its connection has closed: evhttp then keeps
 * the request, which the reply frees.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "log.h"
#include "pages.h"

#define LOGIN_THREADS	2	/* the cores of the smallest appliance */
#define LOGIN_JOBS	32	/* waiting and running at once, in all */

struct login_job {
	struct evhttp_request	*ev;
	char			 name[USER_NAME_MAX + 1];
	char			 password[USER_PASSWORD_MAX + 1];
	char			 code[16];
	char			 ip[46];
	char			 hash[160];
	int			 en, api;
	int			 ok;		/* the password was right */
	int			 state;		/* FREE, QUEUED, RUNNING, DONE */
};

enum { FREE, QUEUED, RUNNING, DONE };

struct login_pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;
	pthread_t		 threads[LOGIN_THREADS];
	int			 nthreads;
	int			 stop;
	int			 efd;
	struct event		*done_ev;
	struct login_job	 jobs[LOGIN_JOBS];
	uint64_t		 seq;		/* the order jobs came in */
	uint64_t		 order[LOGIN_JOBS];
};

static struct req	 done_req;	/* the loop's only, one at a time */

static struct login_job *
next_queued(struct login_pool *p)
{
	struct login_job	*j = NULL;
	size_t			 i, first = 0;

	for (i = 0; i < LOGIN_JOBS; i++)
		if (p->jobs[i].state == QUEUED && (j == NULL ||
		    p->order[i] < p->order[first])) {
			j = &p->jobs[i];
			first = i;
		}
	return j;
}

static void *
worker(void *arg)
{
	struct login_pool	*p = arg;
	struct login_job	*j;
	uint64_t		 one = 1;
	int			 ok;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && (j = next_queued(p)) == NULL)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		j->state = RUNNING;
		pthread_mutex_unlock(&p->lock);
		ok = users_hash_check(j->hash, j->password);
		OPENSSL_cleanse(j->password, sizeof(j->password));
		pthread_mutex_lock(&p->lock);
		j->ok = ok;
		j->state = DONE;
		if (write(p->efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			log_warn("login pool: eventfd");
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct webui		*w = arg;
	struct login_pool	*p = w->logins;
	struct login_job	 j;
	uint64_t		 n;
	size_t			 i;

	if (read(fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("login pool: eventfd");
	for (i = 0; i < LOGIN_JOBS; i++) {
		pthread_mutex_lock(&p->lock);
		if (p->jobs[i].state != DONE) {
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		j = p->jobs[i];
		memset(&p->jobs[i], 0, sizeof(p->jobs[i]));
		pthread_mutex_unlock(&p->lock);
		w->stats.password_checks++;
		memset(&done_req, 0, sizeof(done_req));
		done_req.w = w;
		done_req.ev = j.ev;
		done_req.en = j.en;
		done_req.api = j.api;
		snprintf(done_req.path, sizeof(done_req.path), "/login");
		snprintf(done_req.ip, sizeof(done_req.ip), "%s", j.ip);
		page_login_finish(&done_req, j.name, j.code[0] ? j.code : NULL,
		    j.ok);
	}
}

int
login_pool_start(struct webui *w)
{
	struct login_pool	*p;
	int			 i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	if ((p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (p->done_ev = event_new(w->base, p->efd, EV_READ | EV_PERSIST,
	    on_done, w)) == NULL || event_add(p->done_ev, NULL) == -1) {
		if (p->efd != -1)
			close(p->efd);
		free(p);
		return -1;
	}
	w->logins = p;
	for (i = 0; i < LOGIN_THREADS; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			return -1;
		p->nthreads++;
	}
	return 0;
}

int
login_pool_submit(struct req *r, const char *name, const char *password,
    const char *code, const char *hash)
{
	struct login_pool	*p = r->w->logins;
	struct login_job	*j = NULL;
	size_t			 i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < LOGIN_JOBS; i++)
		if (p->jobs[i].state == FREE) {
			j = &p->jobs[i];
			break;
		}
	if (j == NULL) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	j->ev = r->ev;
	snprintf(j->name, sizeof(j->name), "%s", name);
	snprintf(j->password, sizeof(j->password), "%s", password);
	snprintf(j->code, sizeof(j->code), "%s", code ? code : "");
	snprintf(j->ip, sizeof(j->ip), "%s", r->ip);
	snprintf(j->hash, sizeof(j->hash), "%s", hash);
	j->en = r->en;
	j->api = r->api;
	j->state = QUEUED;
	p->order[i] = p->seq++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void
login_pool_stop(struct webui *w)
{
	struct login_pool	*p = w->logins;
	int			 i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (i = 0; i < LOGIN_JOBS; i++)
		OPENSSL_cleanse(p->jobs[i].password,
		    sizeof(p->jobs[i].password));
	event_free(p->done_ev);
	close(p->efd);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	free(p);
	w->logins = NULL;
}
