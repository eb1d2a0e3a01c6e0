/*
 * Reads the appliance's published state.  The JSON files are written by
 * our own processes, but a reader trusts no file: sizes are capped,
 * every value is type-checked, names are looked up in the configuration
 * and anything unknown is skipped.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agent-state.h"
#include "audit.h"
#include "log.h"
#include "rrd-query.h"

struct agent_state_priv {
	char	 last_error[3][256];	/* status, poller, store */
	size_t	 next_p95;
};

/* The private part follows the public one in one allocation. */
struct agent_state_all {
	struct agent_state	 pub;
	struct agent_state_priv	 priv;
};

static struct agent_state_priv *
priv(struct agent_state *st)
{
	return &((struct agent_state_all *)st)->priv;
}

/* Logs a source's problem when it is new, and its recovery. */
static void
report(struct agent_state *st, int source, const char *msg)
{
	char	*last = priv(st)->last_error[source];

	if (strcmp(last, msg) == 0)
		return;
	if (msg[0] != '\0')
		log_warnx("%s", msg);
	else
		log_info("%s readable again", source == 0 ? "status" :
		    source == 1 ? "poller status" : "store");
	snprintf(last, sizeof(priv(st)->last_error[0]), "%s", msg);
}

struct agent_state *
agent_state_new(const struct conf *c)
{
	struct agent_state_all	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->pub.conf = c;
	if ((a->pub.sites = calloc(c->sites.n + 1, sizeof(*a->pub.sites))) ==
	    NULL || (a->pub.pairs = calloc((c->zones.n + 1) *
	    (c->zones.n + 1), sizeof(*a->pub.pairs))) == NULL) {
		agent_state_free(&a->pub);
		return NULL;
	}
	return &a->pub;
}

void
agent_state_free(struct agent_state *st)
{
	if (st == NULL)
		return;
	free(st->sites);
	free(st->pairs);
	free(st);
}

/* The figures of src into dst, of the same configuration. */
void
agent_state_copy(struct agent_state *dst, const struct agent_state *src)
{
	struct agent_site	*sites = dst->sites;
	struct agent_zone_pair	*pairs = dst->pairs;
	size_t			 nz = src->conf->zones.n + 1;

	memcpy(sites, src->sites, src->conf->sites.n * sizeof(*sites));
	memcpy(pairs, src->pairs, nz * nz * sizeof(*pairs));
	*dst = *src;
	dst->sites = sites;
	dst->pairs = pairs;
}

uint64_t
agent_state_age(const struct agent_state *st, int have, uint64_t t)
{
	if (!have)
		return AGENT_AGE_NONE;
	return (uint64_t)st->now > t ? (uint64_t)st->now - t : 0;
}

/* A non-negative number, or 0: a reader of a file takes nothing on trust. */
static uint64_t
u64(const json_t *obj, const char *key)
{
	const json_t	*v = json_object_get(obj, key);
	double		 d;

	if (json_is_integer(v))
		return json_integer_value(v) > 0 ?
		    (uint64_t)json_integer_value(v) : 0;
	if (json_is_real(v)) {
		d = json_real_value(v);
		return d > 0 && d < 1.8e19 ? (uint64_t)d : 0;
	}
	return 0;
}

static json_t *
load(struct agent_state *st, int source, const char *path)
{
	struct stat	 sb;
	json_error_t	 jerr;
	json_t		*root;
	char		 msg[256 + PATH_MAX];

	if (stat(path, &sb) == -1) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		report(st, source, msg);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > (off_t)AGENT_MAX_FILE) {
		snprintf(msg, sizeof(msg), "%s: not a file of at most %u MB",
		    path, AGENT_MAX_FILE >> 20);
		report(st, source, msg);
		return NULL;
	}
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL || !json_is_object(root)) {
		snprintf(msg, sizeof(msg), "%s:%d: %s", path, jerr.line,
		    root == NULL ? jerr.text : "not a JSON object");
		report(st, source, msg);
		json_decref(root);
		return NULL;
	}
	report(st, source, "");
	return root;
}

/* The decoder's reasons keep the index they were first seen with. */
static void
read_reasons(struct agent_state *st, json_t *reasons)
{
	const char	*name;
	json_t		*v;
	size_t		 i;

	json_object_foreach(reasons, name, v) {
		for (i = 0; i < st->nreasons; i++)
			if (strcmp(st->reason[i], name) == 0)
				break;
		if (i == st->nreasons) {
			if (st->nreasons == AGENT_MAX_REASONS ||
			    strlen(name) >= AGENT_REASON_MAX)
				continue;
			snprintf(st->reason[st->nreasons++], AGENT_REASON_MAX,
			    "%s", name);
		}
		st->reason_packets[i] = json_is_integer(v) &&
		    json_integer_value(v) > 0 ?
		    (uint64_t)json_integer_value(v) : 0;
	}
}

static int
zone_of(const struct conf *c, const char *name)
{
	int	 z;

	if (name == NULL)
		return -1;
	if (strcmp(name, "unknown") == 0)
		return (int)c->zones.n;
	z = conf_zone_index(c, name);
	return z;
}

static void
read_traffic(struct agent_state *st, const json_t *root)
{
	const struct conf	*c = st->conf;
	const json_t		*v;
	const char		*name;
	size_t			 i, n = 0;
	int			 s, a, b;

	for (i = 0; i < c->sites.n; i++)
		st->sites[i].in_bps = st->sites[i].out_bps = 0;
	json_array_foreach(json_object_get(root, "sites"), i, v) {
		name = json_string_value(json_object_get(v, "name"));
		if (name == NULL || (s = conf_site_index(c, name)) < 0)
			continue;
		st->sites[s].in_bps = u64(v, "in_bps");
		st->sites[s].out_bps = u64(v, "out_bps");
	}
	json_array_foreach(json_object_get(root, "zone_pairs"), i, v) {
		a = zone_of(c, json_string_value(json_object_get(v, "from")));
		b = zone_of(c, json_string_value(json_object_get(v, "to")));
		if (a < 0 || b < 0 ||
		    n == (c->zones.n + 1) * (c->zones.n + 1))
			continue;
		st->pairs[n].from = a;
		st->pairs[n].to = b;
		st->pairs[n].octets = u64(v, "bytes");
		st->pairs[n].bps = u64(v, "bps");
		n++;
	}
	st->npairs = n;
}

int
agent_state_read_status(struct agent_state *st, const char *path)
{
	json_t	*root, *cap, *dec, *flows;

	if ((root = load(st, 0, path)) == NULL) {
		st->have_status = st->have_ipfix = 0;
		return -1;
	}
	cap = json_object_get(root, "capture");
	dec = json_object_get(root, "decode");
	flows = json_object_get(root, "flows");
	st->have_status = 1;
	st->status_time = u64(root, "time");
	st->collector_uptime = u64(root, "uptime");
	st->packets = u64(dec, "packets");
	st->octets = u64(dec, "bytes");
	/* Frames lost between live workers are lost to the capture too. */
	st->drops = u64(cap, "kernel_drops") + u64(cap, "iface_drops") +
	    u64(cap, "handover_drops");
	st->malformed = u64(dec, "malformed");
	st->flows_active = u64(flows, "active");
	st->flows_created = u64(flows, "created");
	st->flows_evicted = u64(json_object_get(flows, "ended"), "evicted");
	read_reasons(st, json_object_get(dec, "reasons"));
	read_traffic(st, root);
	st->have_ipfix = json_is_object(json_object_get(root, "ipfix"));
	st->ipfix_records = u64(json_object_get(root, "ipfix"), "records");
	st->ipfix_dropped = u64(json_object_get(root, "ipfix"), "dropped");
	json_decref(root);
	return 0;
}

int
agent_state_read_poller(struct agent_state *st, const char *path)
{
	json_t	*root, *d;
	size_t	 i;

	if ((root = load(st, 1, path)) == NULL) {
		st->have_poller = 0;
		return -1;
	}
	st->have_poller = 1;
	st->poll_time = u64(root, "time");
	st->poll_ms = u64(root, "poll_ms");
	st->devices = st->devices_up = 0;
	json_array_foreach(json_object_get(root, "devices"), i, d) {
		st->devices++;
		if (json_is_true(json_object_get(d, "ok")))
			st->devices_up++;
	}
	json_decref(root);
	return 0;
}

int
agent_state_read_store(struct agent_state *st, struct store *s,
    const char *path)
{
	struct statvfs	 sv;
	char		 dir[PATH_MAX], msg[256 + PATH_MAX], admin[PATH_MAX];
	int64_t		 oldest;
	int		 i, j;

	snprintf(dir, sizeof(dir), "%s", path);
	if (statvfs(dirname(dir), &sv) == 0 && sv.f_blocks > 0) {
		st->store_free = (uint64_t)sv.f_bavail * sv.f_frsize;
		st->store_used_pct = (uint64_t)llround(100.0 *
		    (double)(sv.f_blocks - sv.f_bfree) / (double)sv.f_blocks);
	}
	if (s == NULL) {
		st->have_store = 0;
		return -1;
	}
	/* The head as published: the subagent cannot open the trail. */
	if (conf_admin_path(st->conf, path, admin, sizeof(admin)) == -1 ||
	    audit_head_read(admin, &st->audit_seq, st->audit_hash) != 0) {
		st->audit_seq = 0;
		st->audit_hash[0] = '\0';
	}
	if (store_violation_counts(s, st->counts, SEV_NLEVELS,
	    &st->newest_id) != 0 || store_oldest(s, &oldest) != 0) {
		snprintf(msg, sizeof(msg), "store %s: %s", path,
		    store_errmsg(s));
		report(st, 2, msg);
		st->have_store = 0;
		return -1;
	}
	report(st, 2, "");
	st->have_store = 1;
	st->violations = 0;
	for (i = 0; i < SEV_NLEVELS; i++)
		for (j = 0; j < STORE_NSTATES; j++)
			st->violations += (uint64_t)st->counts[i][j];
	st->oldest_age = oldest > 0 && st->now > oldest / 1000000 ?
	    (uint64_t)(st->now - oldest / 1000000) : 0;
	return 0;
}

void
agent_state_p95(struct agent_state *st, const char *rrd_dir, size_t n)
{
	const struct conf	*c = st->conf;
	struct rrd_query	 q;
	struct tm		 tm;
	char			 path[PATH_MAX], err[256];
	const char		*files[1] = { path };
	time_t			 midnight;
	size_t			 k, i;

	localtime_r(&st->now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	midnight = mktime(&tm);
	for (k = 0; k < n && k < c->sites.n; k++) {
		i = priv(st)->next_p95++ % c->sites.n;
		snprintf(path, sizeof(path), "%s/site/%s.rrd", rrd_dir,
		    c->sites.v[i].name);
		st->sites[i].p95_in = st->sites[i].p95_out = 0;
		st->sites[i].p95_known = 0;
		if (access(path, R_OK) == -1 || st->now - midnight < 300 ||
		    rrd_query_files(files, 1, midnight, st->now, &q, err,
		    sizeof(err)) == -1 || q.samples == 0)
			continue;
		if (!isnan(q.p95[0])) {
			st->sites[i].p95_in = (uint64_t)llround(q.p95[0]);
			st->sites[i].p95_known |= AGENT_P95_IN;
		}
		if (!isnan(q.p95[1])) {
			st->sites[i].p95_out = (uint64_t)llround(q.p95[1]);
			st->sites[i].p95_known |= AGENT_P95_OUT;
		}
	}
}
