/*
 * The overview (capture health, the busiest sites, the newest
 * violations, switches down), the health endpoint, the Prometheus
 * metrics, and the embedded static files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "pages.h"
#include "static.h"

#define TOP_SITES	10
#define NEWEST		8

struct util_row {
	json_t	*site;		/* a row of the bandwidth tree */
	double	 util;
};

static int
by_util(const void *a, const void *b)
{
	const struct util_row *x = a, *y = b;

	return x->util < y->util ? 1 : x->util > y->util ? -1 : 0;
}

static int
add_violation(void *arg, const struct store_violation *v)
{
	json_array_append_new(arg, json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,"
	    "s:s,s:I,s:s}", "id", (json_int_t)v->id, "rule", (int)v->rule,
	    "severity", conf_severity_name((enum severity)v->severity),
	    "msg", v->msg_zh, "msg_en", v->msg_en, "src", v->src_ip, "dst",
	    v->dst_ip, "site", v->src_site[0] ? v->src_site : v->dst_site,
	    "last", (json_int_t)(v->last_us / 1000000), "state",
	    store_state_name(v->state)));
	return 0;
}

json_t *
page_overview_model(struct req *r, int *status)
{
	const struct agent_state *st = r->w->state;
	const struct conf	*c = r->w->conf;
	struct store_filter	 f;
	struct util_row		*rows;
	json_t			*m, *top, *newest, *down, *d;
	size_t			 i, n = 0;

	if ((rows = calloc(c->sites.n + 1, sizeof(*rows))) == NULL)
		return NULL;
	/*
	 * The rates the bandwidth page shows (uplink ports first), from the
	 * tree the state thread built: nothing worked out per request.
	 */
	json_array_foreach(json_object_get(r->w->bandwidth, "sites"), i, d) {
		if (n == c->sites.n || !json_is_number(json_object_get(d,
		    "util_pct")))
			continue;
		rows[n].site = d;
		rows[n++].util = json_number_value(json_object_get(d,
		    "util_pct"));
	}
	qsort(rows, n, sizeof(*rows), by_util);
	top = json_array();
	for (i = 0; i < n && i < TOP_SITES; i++)
		json_array_append_new(top, json_pack("{s:O,s:O,s:f,s:I,s:I,s:O}",
		    "name", json_object_get(rows[i].site, "name"), "name_zh",
		    json_object_get(rows[i].site, "name_zh"), "util_pct",
		    rows[i].util, "in_bps", (json_int_t)llround(
		    json_number_value(json_object_get(rows[i].site, "in_bps"))),
		    "out_bps", (json_int_t)llround(json_number_value(
		    json_object_get(rows[i].site, "out_bps"))), "bandwidth_bps",
		    json_object_get(rows[i].site, "bandwidth_bps")));
	free(rows);
	newest = json_array();
	store_filter_init(&f);
	f.limit = NEWEST;
	store_violations(r->w->store, &f, add_violation, newest);
	down = json_array();
	json_array_foreach(json_object_get(r->w->poller, "devices"), i, d)
		if (!json_is_true(json_object_get(d, "ok")))
			json_array_append(down, json_object_get(d, "name"));
	m = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},"
	    "s:{s:I,s:I,s:I,s:I},s:o,s:o,s:o}",
	    "capture", "packets", (json_int_t)st->packets, "bytes",
	    (json_int_t)st->octets, "drops", (json_int_t)st->drops,
	    "malformed", (json_int_t)st->malformed, "flows_active",
	    (json_int_t)st->flows_active, "flows_evicted",
	    (json_int_t)st->flows_evicted, "status_age", (json_int_t)
	    agent_state_age(st, st->have_status, st->status_time),
	    "poller", "devices", (json_int_t)st->devices, "up",
	    (json_int_t)st->devices_up, "age", (json_int_t)agent_state_age(st,
	    st->have_poller, st->poll_time),
	    "violations", "total", (json_int_t)st->violations, "new",
	    (json_int_t)(st->counts[SEV_CRITICAL][STORE_NEW] +
	    st->counts[SEV_HIGH][STORE_NEW] + st->counts[SEV_MEDIUM][STORE_NEW]
	    + st->counts[SEV_LOW][STORE_NEW] + st->counts[SEV_INFO][STORE_NEW]),
	    "newest_id", (json_int_t)st->newest_id, "critical_high_new",
	    (json_int_t)(st->counts[SEV_CRITICAL][STORE_NEW] +
	    st->counts[SEV_HIGH][STORE_NEW]),
	    "top_sites", top, "newest", newest, "devices_down", down);
	/* The IPFIX export, when there is one: what reached the centre. */
	json_object_set_new(m, "ipfix", st->have_ipfix ? json_pack("{s:I,s:I}",
	    "records", (json_int_t)st->ipfix_records, "dropped",
	    (json_int_t)st->ipfix_dropped) : json_null());
	(void)status;
	return m;
}

static void
card(struct evbuffer *b, const char *label, const char *id, json_int_t v)
{
	evbuffer_add_printf(b, "<div class=\"card\"><span>%s</span><b id=\"%s\">"
	    "%lld</b></div>", label, id, (long long)v);
}

void
page_overview_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*cap = json_object_get(m, "capture");
	json_t		*pol = json_object_get(m, "poller");
	json_t		*vio = json_object_get(m, "violations");
	json_t		*v;
	char		 when[32];
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "overview"));
	if (json_integer_value(json_object_get(cap, "status_age")) >
	    (json_int_t)600)
		evbuffer_add_printf(b, "<p class=\"error\">%s</p>",
		    T(r, "no_status"));
	evbuffer_add_printf(b, "<section class=\"cards\">");
	card(b, T(r, "packets"), "packets", json_integer_value(
	    json_object_get(cap, "packets")));
	card(b, T(r, "drops"), "drops", json_integer_value(json_object_get(cap,
	    "drops")));
	card(b, T(r, "malformed"), "malformed", json_integer_value(
	    json_object_get(cap, "malformed")));
	card(b, T(r, "flows"), "flows", json_integer_value(json_object_get(cap,
	    "flows_active")));
	card(b, T(r, "violations"), "violations_total", json_integer_value(
	    json_object_get(vio, "total")));
	card(b, T(r, "new_high"), "violations_new",
	    json_integer_value(json_object_get(vio, "critical_high_new")));
	card(b, T(r, "devices"), "devices", json_integer_value(json_object_get(
	    pol, "devices")));
	card(b, T(r, "devices_down"), "devices_down", json_integer_value(
	    json_object_get(pol, "devices")) - json_integer_value(
	    json_object_get(pol, "up")));
	if (json_is_object(v = json_object_get(m, "ipfix")))
		card(b, T(r, "ipfix_dropped"), "ipfix_dropped",
		    json_integer_value(json_object_get(v, "dropped")));
	evbuffer_add_printf(b, "</section><h2>%s</h2><table id=\"top_sites\">"
	    "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
	    T(r, "top_sites"), T(r, "site"), T(r, "utilisation"), T(r, "in"),
	    T(r, "out"), T(r, "contract"));
	json_array_foreach(json_object_get(m, "top_sites"), i, v) {
		evbuffer_add_printf(b, "<tr><td><a href=\"/bandwidth/");
		html_esc(b, json_string_value(json_object_get(v, "name")));
		evbuffer_add_printf(b, "\">");
		html_esc(b, html_site(r, json_string_value(json_object_get(v,
		    "name"))));
		evbuffer_add_printf(b, "</a></td><td><meter min=\"0\" max=\"100\" "
		    "value=\"%.1f\"></meter> %.1f%%</td><td>",
		    json_real_value(json_object_get(v, "util_pct")),
		    json_real_value(json_object_get(v, "util_pct")));
		html_bps(b, (double)json_integer_value(json_object_get(v,
		    "in_bps")));
		evbuffer_add_printf(b, "</td><td>");
		html_bps(b, (double)json_integer_value(json_object_get(v,
		    "out_bps")));
		evbuffer_add_printf(b, "</td><td>");
		html_bps(b, (double)json_integer_value(json_object_get(v,
		    "bandwidth_bps")));
		evbuffer_add_printf(b, "</td></tr>");
	}
	evbuffer_add_printf(b, "</table><h2>%s</h2><table id=\"newest\"><tr>"
	    "<th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", T(r, "newest"), T(r, "severity"), T(r, "rule"),
	    T(r, "source"), T(r, "destination"), T(r, "last_seen"),
	    T(r, "state"));
	json_array_foreach(json_object_get(m, "newest"), i, v) {
		evbuffer_add_printf(b, "<tr class=\"%s\"><td><a href=\""
		    "/violations/%lld\">%lld</a></td><td>%s</td><td>",
		    json_string_value(json_object_get(v, "severity")),
		    (long long)json_integer_value(json_object_get(v, "id")),
		    (long long)json_integer_value(json_object_get(v, "id")),
		    T(r, json_string_value(json_object_get(v, "severity"))));
		html_esc(b, json_string_value(json_object_get(v, r->en ?
		    "msg_en" : "msg")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "src")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "dst")));
		evbuffer_add_printf(b, "</td><td>%s</td><td>%s</td></tr>",
		    html_time(json_integer_value(json_object_get(v, "last")) *
		    1000000, when, sizeof(when)), T(r, json_string_value(
		    json_object_get(v, "state"))));
	}
	evbuffer_add_printf(b, "</table><h2>%s</h2><ul id=\"down\">",
	    T(r, "devices_down"));
	json_array_foreach(json_object_get(m, "devices_down"), i, v) {
		evbuffer_add_printf(b, "<li>");
		html_esc(b, json_string_value(v));
		evbuffer_add_printf(b, "</li>");
	}
	evbuffer_add_printf(b, "</ul>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

/* Seconds, or null for a daemon that has published nothing. */
static json_t *
age(uint64_t a)
{
	return a == AGENT_AGE_NONE ? json_null() : json_integer((json_int_t)a);
}

/* For load balancers and monitors: up, and how fresh the data is. */
void
page_health(struct req *r)
{
	const struct agent_state *st = r->w->state;
	json_t	*j = json_pack("{s:s,s:o,s:o}", "status", "ok", "status_age",
	    age(agent_state_age(st, st->have_status, st->status_time)),
	    "poller_age", age(agent_state_age(st, st->have_poller,
	    st->poll_time)));

	r->api = 1;
	reply_json(r, 200, j);
	json_decref(j);
}

static int
metrics_allowed(struct req *r)
{
	const char	*h, *tok = r->w->metrics_token;

	if (r->session != NULL && !r->session->must_change)
		return 1;
	h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Authorization");
	return tok != NULL && tok[0] != '\0' && h != NULL &&
	    strncmp(h, "Bearer ", 7) == 0 && strlen(h + 7) == strlen(tok) &&
	    CRYPTO_memcmp(h + 7, tok, strlen(tok)) == 0;
}

#define METRIC(b, name, type, help, v)					\
	evbuffer_add_printf(b, "# HELP zonewatch_" name " " help "\n"	\
	    "# TYPE zonewatch_" name " " type "\nzonewatch_" name " %llu\n", \
	    (unsigned long long)(v))

/* Prometheus' text format (0.0.4). */
void
page_metrics(struct req *r)
{
	const struct agent_state *st = r->w->state;
	const struct webui_stats *ws = &r->w->stats;
	struct evbuffer		*b;
	size_t			 i;
	int			 sev, state;

	if (!metrics_allowed(r)) {
		r->api = 1;
		reply_error(r, 401, "login_first");
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		return;
	METRIC(b, "capture_packets_total", "counter", "Packets the collector "
	    "received.", st->packets);
	METRIC(b, "capture_bytes_total", "counter", "Bytes received.",
	    st->octets);
	METRIC(b, "capture_drops_total", "counter", "Packets lost before the "
	    "collector.", st->drops);
	METRIC(b, "capture_malformed_total", "counter", "Packets with invalid "
	    "headers.", st->malformed);
	METRIC(b, "flows_active", "gauge", "Flows in the table.",
	    st->flows_active);
	METRIC(b, "flows_evicted_total", "counter", "Flows evicted from a full "
	    "table.", st->flows_evicted);
	METRIC(b, "status_age_seconds", "gauge", "Age of the collector's "
	    "status.", agent_state_age(st, st->have_status, st->status_time));
	evbuffer_add_printf(b, "# HELP zonewatch_decode_dropped_total Packets "
	    "not attributed to a flow, by reason.\n# TYPE zonewatch_decode_"
	    "dropped_total counter\n");
	for (i = 0; i < st->nreasons; i++)
		evbuffer_add_printf(b, "zonewatch_decode_dropped_total{reason="
		    "\"%s\"} %llu\n", st->reason[i],
		    (unsigned long long)st->reason_packets[i]);
	if (st->have_ipfix) {
		METRIC(b, "ipfix_records_total", "counter", "Flow records "
		    "exported over IPFIX.", st->ipfix_records);
		METRIC(b, "ipfix_dropped_total", "counter", "Flow records the "
		    "IPFIX collector did not get.", st->ipfix_dropped);
	}
	METRIC(b, "poller_devices", "gauge", "Switches polled.", st->devices);
	METRIC(b, "poller_devices_up", "gauge", "Switches that answered.",
	    st->devices_up);
	METRIC(b, "poller_last_poll_milliseconds", "gauge", "The last full "
	    "poll's duration.", st->poll_ms);
	METRIC(b, "store_free_bytes", "gauge", "Free space of the store's "
	    "disk.", st->store_free);
	evbuffer_add_printf(b, "# HELP zonewatch_violations Violation records "
	    "by severity and state.\n# TYPE zonewatch_violations gauge\n");
	for (sev = 0; sev < SEV_NLEVELS; sev++)
		for (state = 0; state < STORE_NSTATES; state++)
			evbuffer_add_printf(b, "zonewatch_violations{severity="
			    "\"%s\",state=\"%s\"} %lld\n", conf_severity_name(
			    (enum severity)sev), store_state_name((enum
			    store_state)state), (long long)st->counts[sev][state]);
	METRIC(b, "webui_requests_total", "counter", "Requests served.",
	    ws->requests);
	METRIC(b, "webui_connections", "gauge", "Connections open.",
	    ws->conns);
	METRIC(b, "webui_refused_connections_total", "counter", "Connections "
	    "refused over the limits.", ws->refused_conns);
	METRIC(b, "webui_shed_connections_total", "counter", "Connections "
	    "closed by the limits: over an address's, the oldest without a "
	    "request when all were taken, or past the deadline.",
	    ws->conns_shed);
	METRIC(b, "webui_late_connections_total", "counter", "Connections "
	    "that made no request within the deadline.", ws->conns_late);
	METRIC(b, "webui_rate_limited_total", "counter", "Requests refused "
	    "over the rate.", ws->rate_limited);
	METRIC(b, "webui_login_failures_total", "counter", "Failed logins.",
	    ws->login_failures);
	METRIC(b, "webui_password_checks_total", "counter", "Password hashes "
	    "computed for logins (one per login, whatever the name).",
	    ws->password_checks);
	METRIC(b, "webui_logins_refused_total", "counter", "Logins refused "
	    "while every place of the hashing pool was taken.",
	    ws->logins_refused);
	reply_headers(r);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(r->ev, 200, NULL, b);
	evbuffer_free(b);
}

void
page_static(struct req *r)
{
	const struct static_file	*f;
	struct evbuffer			*b;

	for (f = static_files; f->name != NULL; f++)
		if (strcmp(f->name, r->rest) == 0)
			break;
	if (f->name == NULL || (b = evbuffer_new()) == NULL) {
		reply_error(r, 404, "not_found");
		return;
	}
	evbuffer_add_reference(b, f->data, f->len, NULL, NULL);
	reply_headers(r);
	evhttp_remove_header(evhttp_request_get_output_headers(r->ev),
	    "Cache-Control");
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Cache-Control", "max-age=3600");
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Type", f->type);
	evhttp_send_reply(r->ev, 200, NULL, b);
	evbuffer_free(b);
}

/* Browsers ask for /favicon.ico on every page: the appliance's icon. */
void
page_favicon(struct req *r)
{
	r->rest = "favicon.svg";
	page_static(r);
}
