/*
 * Bandwidth: the tree of sites (city, counties, townships) with each
 * one's traffic now, its utilisation of the contract and the 95th
 * percentile of the day; a site's page draws its trend for a range and
 * gives mean, peak and 95th percentile, and drills down to its ports.
 * A site with uplink ports is read from them (the switches' counters),
 * else from the capture, as zwctl trends does.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <rrd.h>

#include "pages.h"
#include "rrd-out.h"
#include "rrd-query.h"

static const struct range {
	const char	*name, *zh, *en;
	int		 seconds, step;
} ranges[] = {
	{ "day",	"一天",		"Day",		86400,		300 },
	{ "week",	"一周",		"Week",		7 * 86400,	1800 },
	{ "month",	"一月",		"Month",	31 * 86400,	7200 },
	{ "year",	"一年",		"Year",		366 * 86400,	86400 },
};

/* The poller's current rates of a device's port, from its status. */
static int
port_rate(const json_t *poller, const char *device, const char *port,
    double *in, double *out)
{
	json_t	*d, *i;
	size_t	 k, n;

	json_array_foreach(json_object_get(poller, "devices"), k, d) {
		if (!json_is_string(json_object_get(d, "name")) || strcmp(
		    json_string_value(json_object_get(d, "name")), device) != 0)
			continue;
		json_array_foreach(json_object_get(d, "interfaces"), n, i)
			if (json_is_string(json_object_get(i, "name")) &&
			    strcmp(json_string_value(json_object_get(i, "name")),
			    port) == 0) {
				*in = json_number_value(json_object_get(i,
				    "in_bps"));
				*out = json_number_value(json_object_get(i,
				    "out_bps"));
				return 0;
			}
	}
	return -1;
}

/*
 * A site's rates now: from its uplink ports when it has them (the
 * switches count every byte), else from the capture; NaN if unknown.
 */
static void
site_rate(const struct conf *c, const struct agent_state *st,
    const json_t *poller, size_t i, double *in, double *out)
{
	const struct conf_site	*s = &c->sites.v[i];
	double			 pi, po;
	int			 u, known = 0;

	*in = (double)st->sites[i].in_bps;
	*out = (double)st->sites[i].out_bps;
	if (s->nuplinks == 0)
		return;
	for (u = 0, *in = *out = 0; u < s->nuplinks; u++)
		if (port_rate(poller, s->uplinks[u].device_name,
		    s->uplinks[u].port, &pi, &po) == 0) {
			*in += pi;
			*out += po;
			known++;
		}
	if (!known)
		*in = *out = NAN;
}

static int
depth_of(const struct conf *c, int i)
{
	int	 d = 0;

	while ((i = c->sites.v[i].parent) >= 0)
		d++;
	return d;
}

static void
tree(const struct conf *c, const struct agent_state *st, const json_t *poller,
    int parent, json_t *out)
{
	double			 in, o, peak;
	size_t			 i;

	for (i = 0; i < c->sites.n; i++) {
		const struct conf_site *s = &c->sites.v[i];

		if (s->parent != parent)
			continue;
		site_rate(c, st, poller, i, &in, &o);
		peak = fmax(in, o);
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,"
		    "s:o,s:o,s:o,s:o,s:o,s:s}", "name", s->name, "name_zh",
		    s->name_zh, "name_en", s->name_en, "level",
		    conf_level_name(s->level), "depth", depth_of(c, (int)i),
		    "bandwidth_bps", (json_int_t)s->bandwidth_bps, "in_bps",
		    isnan(in) ? json_null() : json_real(in), "out_bps", isnan(o) ?
		    json_null() : json_real(o), "util_pct", s->bandwidth_bps &&
		    !isnan(peak) ? json_real(peak / (double)s->bandwidth_bps *
		    100) : json_null(), "p95_in_today", st->sites[i].p95_known &
		    AGENT_P95_IN ? json_integer((json_int_t)st->sites[i].p95_in) :
		    json_null(), "p95_out_today", st->sites[i].p95_known &
		    AGENT_P95_OUT ? json_integer((json_int_t)
		    st->sites[i].p95_out) : json_null(), "source", s->nuplinks ?
		    "snmp" :
		    "capture"));
		tree(c, st, poller, (int)i, out);
	}
}

json_t *
page_bandwidth_tree(const struct conf *c, const struct agent_state *st,
    const json_t *poller)
{
	json_t	*sites = json_array();

	tree(c, st, poller, -1, sites);
	return json_pack("{s:o}", "sites", sites);
}

/*
 * Built with the figures, off the loop, and the same until the next
 * ones: the API gets the text made then (2,000 sites are half a
 * megabyte of JSON), the page is drawn from the tree.
 */
void
page_bandwidth(struct req *r)
{
	struct evbuffer	*b;
	json_t		*m;

	if (r->api && r->w->bandwidth_text != NULL &&
	    (b = evbuffer_new()) != NULL) {
		evbuffer_add(b, r->w->bandwidth_text,
		    strlen(r->w->bandwidth_text));
		reply_headers(r);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Type", "application/json");
		evhttp_send_reply(r->ev, 200, NULL, b);
		evbuffer_free(b);
		return;
	}
	m = r->w->bandwidth != NULL ? json_incref(r->w->bandwidth) :
	    page_bandwidth_tree(r->w->conf, r->w->state, r->w->poller);
	if (r->api)
		reply_json(r, 200, m);
	else
		page_bandwidth_view(r, m);
	json_decref(m);
}

static void
cell_bps(struct evbuffer *b, json_t *v)
{
	evbuffer_add_printf(b, "<td class=\"num\">");
	if (json_is_number(v))
		html_bps(b, json_number_value(v));
	else
		evbuffer_add_printf(b, "-");
	evbuffer_add_printf(b, "</td>");
}

void
page_bandwidth_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*s;
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "bandwidth"));
	evbuffer_add_printf(b, "<table id=\"sites\"><tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s %s</th>"
	    "<th>%s %s</th></tr>", T(r, "site"), T(r, "level"),
	    T(r, "contract"), T(r, "in"), T(r, "out"), T(r, "utilisation"),
	    T(r, "p95"), T(r, "in"), T(r, "p95"), T(r, "out"));
	json_array_foreach(json_object_get(m, "sites"), i, s) {
		evbuffer_add_printf(b, "<tr class=\"depth%d\"><td><a href=\""
		    "/bandwidth/", (int)json_integer_value(json_object_get(s,
		    "depth")));
		html_esc(b, json_string_value(json_object_get(s, "name")));
		evbuffer_add_printf(b, "\">");
		html_esc(b, html_site(r, json_string_value(json_object_get(s,
		    "name"))));
		evbuffer_add_printf(b, "</a></td><td>%s</td>", T(r,
		    json_string_value(json_object_get(s, "level"))));
		cell_bps(b, json_object_get(s, "bandwidth_bps"));
		cell_bps(b, json_object_get(s, "in_bps"));
		cell_bps(b, json_object_get(s, "out_bps"));
		if (json_is_number(json_object_get(s, "util_pct")))
			evbuffer_add_printf(b, "<td class=\"num\"><meter min=\"0\""
			    " max=\"100\" value=\"%.1f\"></meter> %.1f%%</td>",
			    json_number_value(json_object_get(s, "util_pct")),
			    json_number_value(json_object_get(s, "util_pct")));
		else
			evbuffer_add_printf(b, "<td>-</td>");
		cell_bps(b, json_object_get(s, "p95_in_today"));
		cell_bps(b, json_object_get(s, "p95_out_today"));
		evbuffer_add_printf(b, "</tr>");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

/* Rows summed over the files, for the chart. */
static int
series(const char *const *files, size_t n, time_t start, time_t end,
    unsigned long step, json_t *in, json_t *out, int64_t *t0)
{
	rrd_value_t	*data;
	char		**names;
	unsigned long	 nds, rows, i, k;
	double		*sum[2] = { NULL, NULL };
	time_t		 s, e;
	size_t		 f;
	int		 col[2], d, rv = -1;

	for (f = 0; f < n; f++) {
		s = start;
		e = end;
		if (rrd_fetch_r(files[f], "AVERAGE", &s, &e, &step, &nds,
		    &names, &data) != 0) {
			rrd_clear_error();
			goto out;
		}
		rows = (unsigned long)(e - s) / step;
		col[0] = col[1] = -1;
		for (i = 0; i < nds; i++) {
			if (strcmp(names[i], "in") == 0)
				col[0] = (int)i;
			if (strcmp(names[i], "out") == 0)
				col[1] = (int)i;
			free(names[i]);
		}
		free(names);
		if (f == 0) {
			*t0 = (int64_t)s + (int64_t)step;
			sum[0] = calloc(rows + 1, sizeof(double));
			sum[1] = calloc(rows + 1, sizeof(double));
		}
		for (k = 0; sum[0] && sum[1] && k < rows && col[0] >= 0 &&
		    col[1] >= 0; k++)
			for (d = 0; d < 2; d++)
				sum[d][k] += data[k * nds + (unsigned long)col[d]];
		free(data);
		if (f + 1 == n)
			for (k = 0; sum[0] && sum[1] && k < rows; k++) {
				json_array_append_new(in, isnan(sum[0][k]) ?
				    json_null() : json_real(sum[0][k]));
				json_array_append_new(out, isnan(sum[1][k]) ?
				    json_null() : json_real(sum[1][k]));
			}
	}
	rv = 0;
out:
	free(sum[0]);
	free(sum[1]);
	return rv;
}

/* The trend of files (summed) over the request's range. */
static json_t *
trend(struct req *r, const char *const *files, size_t n)
{
	const struct range	*rg = &ranges[0];
	struct rrd_query	 q;
	char			 err[512];
	const char		*want;
	json_t			*in = json_array(), *out = json_array();
	time_t			 end = time(NULL), start;
	int64_t			 t0 = 0;
	size_t			 i;

	if ((want = form_get(&r->query, "range")) != NULL)
		for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
			if (strcmp(want, ranges[i].name) == 0)
				rg = &ranges[i];
	start = end - rg->seconds;
	memset(&q, 0, sizeof(q));
	if (series(files, n, start, end, (unsigned long)rg->step, in, out,
	    &t0) == -1 || rrd_query_files(files, n, start, end, &q, err,
	    sizeof(err)) == -1)
		q.samples = 0;
	return json_pack("{s:s,s:I,s:i,s:o,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "range", rg->name, "t0", (json_int_t)t0, "step", rg->step, "in",
	    in, "out", out, "samples", (int)q.samples, "mean_in", q.samples ?
	    json_real(q.mean[0]) : json_null(), "mean_out", q.samples ?
	    json_real(q.mean[1]) : json_null(), "peak_in", q.samples ?
	    json_real(q.peak[0]) : json_null(), "peak_out", q.samples ?
	    json_real(q.peak[1]) : json_null(), "p95_in", q.samples ?
	    json_real(q.p95[0]) : json_null(), "p95_out", q.samples ?
	    json_real(q.p95[1]) : json_null());
}

json_t *
page_site_model(struct req *r, int *status)
{
	const struct conf	*c = r->w->conf;
	const struct conf_site	*s;
	char			 paths[CONF_MAX_UPLINKS][PATH_MAX], safe[256];
	const char		*files[CONF_MAX_UPLINKS];
	json_t			*m, *ports, *extra;
	size_t			 n = 0, i;
	int			 k;

	if ((k = conf_site_index(c, r->rest)) < 0) {
		*status = 404;
		return NULL;
	}
	s = &c->sites.v[k];
	ports = json_array();
	for (i = 0; i < (size_t)s->nuplinks; i++) {
		rrd_out_safe_name(s->uplinks[i].port, safe, sizeof(safe));
		snprintf(paths[n], PATH_MAX, "%s/if/%s/%s.rrd", r->w->rrd_dir,
		    s->uplinks[i].device_name, safe);
		files[n] = paths[n];
		n++;
		json_array_append_new(ports, json_pack("{s:s,s:s,s:s}",
		    "device", s->uplinks[i].device_name, "port",
		    s->uplinks[i].port, "file", safe));
	}
	if (n == 0) {
		snprintf(paths[0], PATH_MAX, "%s/site/%s.rrd", r->w->rrd_dir,
		    s->name);
		files[n++] = paths[0];
	}
	m = trend(r, files, n);
	extra = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:o}", "name", s->name,
	    "name_zh", s->name_zh, "name_en", s->name_en, "level",
	    conf_level_name(s->level), "bandwidth_bps",
	    (json_int_t)s->bandwidth_bps, "source", s->nuplinks ? "snmp" :
	    "capture", "ports", ports);
	json_object_update(m, extra);
	json_decref(extra);
	return m;
}

/*
 * A switch port's trend: /ports/DEVICE/FILE, FILE the port's name made
 * safe as its RRD's (what the device page links to).
 */
json_t *
page_port_model(struct req *r, int *status)
{
	char		 device[CONF_NAME_MAX], path[PATH_MAX], label[300];
	const char	*files[1] = { path }, *port;
	json_t		*m, *extra;
	size_t		 len;

	if ((port = strchr(r->rest, '/')) == NULL ||
	    (len = (size_t)(port - r->rest)) >= sizeof(device)) {
		*status = 404;
		return NULL;
	}
	memcpy(device, r->rest, len);
	device[len] = '\0';
	port++;
	if (conf_device_index(r->w->conf, device) < 0 || strchr(port, '/') ||
	    snprintf(path, sizeof(path), "%s/if/%s/%s.rrd", r->w->rrd_dir,
	    device, port) >= (int)sizeof(path) || access(path, R_OK) == -1) {
		*status = 404;
		return NULL;
	}
	snprintf(label, sizeof(label), "%s %s", device, port);
	m = trend(r, files, 1);
	extra = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:[]}", "name", label,
	    "name_zh", label, "name_en", label, "level", "port",
	    "bandwidth_bps", (json_int_t)0, "source", "snmp", "ports");
	json_object_update(m, extra);
	json_decref(extra);
	return m;
}

static double *
numbers(json_t *a, size_t *n)
{
	double	*v;
	json_t	*x;
	size_t	 i;

	*n = json_array_size(a);
	if ((v = calloc(*n + 1, sizeof(*v))) == NULL) {
		*n = 0;
		return NULL;
	}
	json_array_foreach(a, i, x)
		v[i] = json_is_number(x) ? json_number_value(x) : NAN;
	return v;
}

void
page_site_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	double		*in, *out;
	size_t		 n, n2, i;
	json_t		*p;
	const char	*title;
	static const char *const figs[][2] = { { "mean_in", "mean_out" },
	    { "peak_in", "peak_out" }, { "p95_in", "p95_out" } };
	static const char *const fig_words[][2] = { { "平均", "Mean" },
	    { "峰值", "Peak" }, { "95%值", "95th percentile" } };

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	title = json_string_value(json_object_get(m, r->en ? "name_en" :
	    "name_zh"));
	html_begin(r, b, title != NULL && *title != '\0' ? title :
	    json_string_value(json_object_get(m, "name")));
	evbuffer_add_printf(b, "<form method=\"get\" class=\"filters\"><label>"
	    "%s <select name=\"range\" data-submit>", T(r, "range"));
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		evbuffer_add_printf(b, "<option value=\"%s\"%s>%s</option>",
		    ranges[i].name, strcmp(ranges[i].name, json_string_value(
		    json_object_get(m, "range"))) == 0 ? " selected" : "",
		    r->en ? ranges[i].en : ranges[i].zh);
	evbuffer_add_printf(b, "</select></label><button>%s</button></form>",
	    T(r, "apply"));
	in = numbers(json_object_get(m, "in"), &n);
	out = numbers(json_object_get(m, "out"), &n2);
	if (in != NULL && out != NULL && n == n2)
		svg_chart(b, in, out, n, json_integer_value(json_object_get(m,
		    "t0")), (int)json_integer_value(json_object_get(m, "step")),
		    (double)json_integer_value(json_object_get(m,
		    "bandwidth_bps")));
	free(in);
	free(out);
	evbuffer_add_printf(b, "<table id=\"figures\"><tr><th></th><th>%s</th>"
	    "<th>%s</th></tr>", T(r, "in"), T(r, "out"));
	for (i = 0; i < 3; i++) {
		evbuffer_add_printf(b, "<tr><td>%s</td>", fig_words[i][r->en]);
		cell_bps(b, json_object_get(m, figs[i][0]));
		cell_bps(b, json_object_get(m, figs[i][1]));
		evbuffer_add_printf(b, "</tr>");
	}
	evbuffer_add_printf(b, "</table><p class=\"hint\">%s: %s · %s ",
	    T(r, "source"), json_string_value(json_object_get(m, "source")),
	    T(r, "contract"));
	html_bps(b, (double)json_integer_value(json_object_get(m,
	    "bandwidth_bps")));
	evbuffer_add_printf(b, "</p><h2>%s</h2><ul>", T(r, "interfaces"));
	json_array_foreach(json_object_get(m, "ports"), i, p) {
		evbuffer_add_printf(b, "<li><a href=\"/devices/");
		html_esc(b, json_string_value(json_object_get(p, "device")));
		evbuffer_add_printf(b, "\">");
		html_esc(b, json_string_value(json_object_get(p, "device")));
		evbuffer_add_printf(b, "</a> <a href=\"/ports/");
		html_esc(b, json_string_value(json_object_get(p, "device")));
		evbuffer_add_printf(b, "/");
		html_esc(b, json_string_value(json_object_get(p, "file")));
		evbuffer_add_printf(b, "\">");
		html_esc(b, json_string_value(json_object_get(p, "port")));
		evbuffer_add_printf(b, "</a></li>");
	}
	evbuffer_add_printf(b, "</ul>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}
