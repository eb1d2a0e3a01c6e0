/*
 * Network events.  The poller keeps, per device and per site uplink,
 * just enough state to say "changed": whether the device answered, and
 * whether an uplink is over its threshold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net-events.h"

#define RANK_UP		1	/* ifOperStatus up(1), RFC 2863 */
#define ADMIN_UP	1

struct uplink_state {
	size_t		 site;
	int		 uplink;
	int		 over;
};

struct net_events {
	const struct conf	*conf;
	struct store		*store;
	int			*device_up;	/* -1 unknown, 0, 1 */
	struct uplink_state	*uplinks;
	size_t			 nuplinks;
	unsigned long		 written;
	int			 failed;
};

static int
newest_id(void *arg, const struct store_event *e)
{
	*(int64_t *)arg = e->id;
	return 0;
}

/*
 * A device the store last saw go down is down still, until it answers:
 * a restart of the poller does not record its going down again.
 */
static int
device_state(struct store *s, const char *device)
{
	int64_t	 down = 0, up = 0;

	if (s == NULL ||
	    store_events(s, 0, "device-down", device, NULL, 1, newest_id,
	    &down) != 0 ||
	    store_events(s, 0, "device-up", device, NULL, 1, newest_id,
	    &up) != 0)
		return -1;
	return down > up ? 0 : -1;
}

struct net_events *
net_events_new(const struct conf *c, struct store *s)
{
	struct net_events	*ne;
	size_t			 i, n = 0;
	int			 j;

	if ((ne = calloc(1, sizeof(*ne))) == NULL ||
	    (ne->device_up = calloc(c->devices.n + 1, sizeof(int))) == NULL) {
		free(ne);
		return NULL;
	}
	for (i = 0; i < c->sites.n; i++)
		n += (size_t)c->sites.v[i].nuplinks;
	if ((ne->uplinks = calloc(n + 1, sizeof(*ne->uplinks))) == NULL) {
		net_events_free(ne);
		return NULL;
	}
	for (i = 0; i < c->sites.n; i++)
		for (j = 0; j < c->sites.v[i].nuplinks; j++) {
			ne->uplinks[ne->nuplinks].site = i;
			ne->uplinks[ne->nuplinks++].uplink = j;
		}
	for (i = 0; i < c->devices.n; i++)
		ne->device_up[i] = device_state(s, c->devices.v[i].name);
	ne->conf = c;
	ne->store = s;
	return ne;
}

void
net_events_free(struct net_events *ne)
{
	if (ne == NULL)
		return;
	free(ne->device_up);
	free(ne->uplinks);
	free(ne);
}

void
net_events_begin(struct net_events *ne)
{
	ne->failed = store_begin(ne->store) != 0;
}

int
net_events_commit(struct net_events *ne)
{
	if (ne->failed) {
		store_rollback(ne->store);
		log_warnx("store: events not written: %s",
		    store_errmsg(ne->store));
		return -1;
	}
	if (store_commit(ne->store) != 0) {
		log_warnx("store: events not written: %s",
		    store_errmsg(ne->store));
		return -1;
	}
	return 0;
}

static void
add(struct net_events *ne, const char *kind, enum severity sev,
    const char *device, const char *port, const char *site, int64_t at_us,
    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void
add(struct net_events *ne, const char *kind, enum severity sev,
    const char *device, const char *port, const char *site, int64_t at_us,
    const char *fmt, ...)
{
	struct store_event	 e;
	va_list			 ap;

	memset(&e, 0, sizeof(e));
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	e.severity = (int)sev;
	snprintf(e.device, sizeof(e.device), "%s", device);
	snprintf(e.port, sizeof(e.port), "%s", port);
	snprintf(e.site, sizeof(e.site), "%s", site);
	va_start(ap, fmt);
	vsnprintf(e.detail, sizeof(e.detail), fmt, ap);
	va_end(ap);
	e.at_us = e.created_us = at_us;
	log_info("%s %s %s%s%s", kind, device, port, site[0] ? " site " : "",
	    site);
	if (ne->failed || store_event_add(ne->store, &e) != 0)
		ne->failed = 1;
	else
		ne->written++;
}

void
net_events_device(struct net_events *ne, size_t d, int ok,
    const char *error, int64_t now_us)
{
	const char	*name = ne->conf->devices.v[d].name;

	if (ok && ne->device_up[d] == 0)
		add(ne, "device-up", SEV_INFO, name, "", "", now_us,
		    "answers again");
	else if (!ok && ne->device_up[d] != 0)
		add(ne, "device-down", SEV_HIGH, name, "", "", now_us, "%s",
		    error);
	ne->device_up[d] = ok;
}

/* The site whose uplink this port is, or NULL. */
static struct uplink_state *
uplink_of(struct net_events *ne, size_t d, const struct if_row *r)
{
	const struct conf_uplink	*u;
	char				 idx[16];
	size_t				 i;

	snprintf(idx, sizeof(idx), "%u", r->index);
	for (i = 0; i < ne->nuplinks; i++) {
		u = &ne->conf->sites.v[ne->uplinks[i].site].uplinks[
		    ne->uplinks[i].uplink];
		if (u->device == (int)d && (strcmp(u->port, r->name) == 0 ||
		    strcmp(u->port, r->descr) == 0 ||
		    strcmp(u->port, idx) == 0))
			return &ne->uplinks[i];
	}
	return NULL;
}

void
net_events_port(struct net_events *ne, size_t d, const struct if_row *prev,
    const struct if_row *cur, const struct rates *r, int64_t now_us)
{
	const struct conf_site	*site = NULL;
	struct uplink_state	*u = uplink_of(ne, d, cur);
	const char		*dev = ne->conf->devices.v[d].name;
	char			 buf[IF_NAME_MAX + 8];
	const char		*label = if_row_label(cur, buf, sizeof(buf));
	double			 cap, peak;

	if (u != NULL)
		site = &ne->conf->sites.v[u->site];
	if (prev != NULL && if_row_has(prev, IF_COL_OPER) &&
	    if_row_has(cur, IF_COL_OPER) && cur->admin == ADMIN_UP &&
	    (prev->oper == RANK_UP) != (cur->oper == RANK_UP))
		add(ne, cur->oper == RANK_UP ? "link-up" : "link-down",
		    cur->oper == RANK_UP ? SEV_INFO : site ? SEV_HIGH :
		    SEV_MEDIUM, dev, label, site ? site->name : "", now_us,
		    "ifOperStatus %u -> %u", prev->oper, cur->oper);
	if (u == NULL || isnan(r->v[RATE_IN_BPS]) || isnan(r->v[RATE_OUT_BPS]))
		return;
	/* Against the contract where there is one, else the port. */
	cap = site->bandwidth_bps ? (double)site->bandwidth_bps :
	    (double)if_row_speed(cur);
	if (cap <= 0)
		return;
	peak = fmax(r->v[RATE_IN_BPS], r->v[RATE_OUT_BPS]) / cap * 100;
	if (!u->over && peak >= ne->conf->utilisation_alert) {
		u->over = 1;
		add(ne, "utilisation", SEV_MEDIUM, dev, label, site->name,
		    now_us, "%.1f%% of %.0f Mbit/s (in %.1f, out %.1f Mbit/s); "
		    "alert at %u%%", peak, cap / 1e6, r->v[RATE_IN_BPS] / 1e6,
		    r->v[RATE_OUT_BPS] / 1e6, ne->conf->utilisation_alert);
	} else if (u->over && peak < ne->conf->utilisation_alert * 0.9)
		u->over = 0;
}

unsigned long
net_events_written(const struct net_events *ne)
{
	return ne->written;
}
