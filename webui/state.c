/*
 * The figures the pages show, read every few seconds off the request
 * path: the collector's and the poller's status, the store's counts
 * (a GROUP BY over a million records takes a tenth of a second: not per
 * request), and the sites' 95th percentiles a few at a time.
 */
#include <sys/stat.h>

#include <time.h>

#include "log.h"
#include "webui.h"

#define P95_SITES	50

static json_t *
load_poller(const char *path)
{
	struct stat	 sb;
	json_error_t	 err;

	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)AGENT_MAX_FILE)
		return NULL;
	return json_load_file(path, JSON_REJECT_DUPLICATES, &err);
}

void
state_refresh(struct webui *w)
{
	const struct conf	*c = w->conf;
	json_t			*p;

	w->state->now = time(NULL);
	agent_state_read_status(w->state, c->status_path);
	agent_state_read_poller(w->state, c->poller_status_path);
	agent_state_read_store(w->state, w->store, c->store_path);
	agent_state_p95(w->state, w->rrd_dir, P95_SITES);
	p = load_poller(c->poller_status_path);
	json_decref(w->poller);
	w->poller = json_is_object(p) ? p : NULL;
	if (p != NULL && w->poller == NULL)
		json_decref(p);
}
