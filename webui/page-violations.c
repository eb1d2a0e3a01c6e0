/*
 * Violations: the list with its filters, a page per record with its
 * evidence to download, and the review (acknowledge, resolve, false
 * positive, with a comment) for the security administrator.  Lists are
 * pages of WEBUI_PAGE_ROWS by id (keyset: "older than this id"), so a
 * page costs the same with a million records as with a hundred.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "clock.h"
#include "pages.h"
#include "parse.h"
#include "words.h"

static const char *const filter_names[] = {
	"since", "until", "rule", "severity", "state", "site", "zone", "app",
	"ip", NULL
};

/* A site as the user typed it: its id, or its name in either language. */
static const char *
site_id(const struct req *r, const char *v)
{
	const struct conf	*c = r->w->conf;
	int			 k;

	return (k = conf_site_named(c, v)) >= 0 ? c->sites.v[k].name : v;
}

/* A zone as the user typed it: its name, or its word in either language. */
static const char *
zone_id(const struct req *r, const char *v)
{
	const struct conf	*c = r->w->conf;
	size_t			 i;

	for (i = 0; i < c->zones.n; i++)
		if (strcmp(c->zones.v[i].name, v) == 0 ||
		    strcmp(words_text(c->zones.v[i].name, 0), v) == 0 ||
		    strcasecmp(words_text(c->zones.v[i].name, 1), v) == 0)
			return c->zones.v[i].name;
	return v;
}

/* A record opened before nDPI named its flow says so. */
static const char *
app_name(const struct req *r, json_t *v)
{
	const char	*app = json_string_value(json_object_get(v, "app"));

	return app != NULL && *app != '\0' ? app : T(r, "not_named");
}

/*
 * The filters of the query, checked; the name of one that is not right,
 * or NULL.
 */
static const char *
filters(struct req *r, struct store_filter *f)
{
	const char	*v, *errstr;
	uint64_t	 n;
	int		 k;

	store_filter_init(f);
	f->limit = WEBUI_PAGE_ROWS;
	if ((v = form_get(&r->query, "since")) && *v &&
	    html_day(v, &f->since_us, 0))
		return "since";
	/* The day named is in the range: since = until lists that day. */
	if ((v = form_get(&r->query, "until")) && *v &&
	    html_day(v, &f->until_us, 1))
		return "until";
	if ((v = form_get(&r->query, "rule")) && *v) {
		if (parse_u64(v, 1, UINT32_MAX, &n, &errstr) == -1)
			return "rule";
		f->rule = (uint32_t)n;
	}
	if ((v = form_get(&r->query, "severity")) && *v) {
		if ((k = conf_severity_parse(v)) < 0)
			return "severity";
		f->max_severity = k;
	}
	if ((v = form_get(&r->query, "state")) && *v) {
		if ((k = store_state_parse(v)) < 0)
			return "state";
		f->state = k;
	}
	if ((v = form_get(&r->query, "before")) && *v) {
		if (parse_u64(v, 1, INT64_MAX, &n, &errstr) == -1)
			return "before";
		f->before_id = (int64_t)n;
	}
	f->site = (v = form_get(&r->query, "site")) && *v ? site_id(r, v) :
	    NULL;
	f->zone = (v = form_get(&r->query, "zone")) && *v ? zone_id(r, v) :
	    NULL;
	f->app = (v = form_get(&r->query, "app")) && *v ? v : NULL;
	f->ip = (v = form_get(&r->query, "ip")) && *v ? v : NULL;
	return NULL;
}

static json_t *
violation_json(const struct store_violation *v)
{
	return json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:s,s:s,"
	    "s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:s,s:I}",
	    "id", (json_int_t)v->id, "rule", (int)v->rule, "severity",
	    conf_severity_name((enum severity)v->severity), "msg", v->msg_zh,
	    "msg_en", v->msg_en, "src", v->src_ip, "src_port",
	    (int)v->src_port, "dst", v->dst_ip, "dst_port", (int)v->dst_port,
	    "l4", v->l4proto, "src_zone", v->src_zone, "dst_zone", v->dst_zone,
	    "src_site", v->src_site, "dst_site", v->dst_site, "exit", v->exit,
	    "app", v->app, "host", v->hostname, "detail", v->detail, "first",
	    (json_int_t)(v->first_us / 1000000), "last", (json_int_t)
	    (v->last_us / 1000000), "flows", (json_int_t)v->flows, "packets",
	    (json_int_t)v->packets, "bytes", (json_int_t)v->bytes, "state",
	    store_state_name(v->state), "reviewed_by", v->reviewed_by,
	    "reviewed", (json_int_t)(v->reviewed_us / 1000000), "comment",
	    v->comment, "evidence", (json_int_t)v->nevidence);
}

static int
add_row(void *arg, const struct store_violation *v)
{
	json_array_append_new(arg, violation_json(v));
	return 0;
}

json_t *
page_violations_model(struct req *r, int *status)
{
	struct store_filter	 f;
	json_t			*rows, *fj, *last;
	const char		*v, *bad;
	size_t			 i;

	/* What was asked, shown again in the form, right or not. */
	fj = json_object();
	for (i = 0; filter_names[i] != NULL; i++)
		if ((v = form_get(&r->query, filter_names[i])) != NULL)
			json_object_set_new(fj, filter_names[i], json_string(v));
	if ((bad = filters(r, &f)) != NULL) {
		*status = 400;
		return json_pack("{s:i,s:s,s:s,s:o,s:[]}", "status", 400,
		    "error", "a filter is not right", "filter", bad, "filters",
		    fj, "rows");
	}
	rows = json_array();
	if (store_violations(r->w->store, &f, add_row, rows) != 0) {
		json_decref(rows);
		json_decref(fj);
		*status = 500;
		return NULL;
	}
	last = json_array_get(rows, json_array_size(rows) - 1);
	return json_pack("{s:o,s:o,s:o}", "filters", fj, "rows", rows, "next",
	    json_array_size(rows) == WEBUI_PAGE_ROWS && last ?
	    json_incref(json_object_get(last, "id")) : json_null());
}

static void
field(struct req *r, struct evbuffer *b, json_t *m, const char *name,
    const char *word, const char *type)
{
	const char	*v = json_string_value(json_object_get(
			    json_object_get(m, "filters"), name));

	evbuffer_add_printf(b, "<label>%s <input name=\"%s\" type=\"%s\" "
	    "value=\"", T(r, word), name, type);
	html_esc(b, v ? v : "");
	evbuffer_add_printf(b, "\"></label>");
}

static void
choice(struct req *r, struct evbuffer *b, json_t *m, const char *name,
    const char *const *values, int n)
{
	const char	*v = json_string_value(json_object_get(
			    json_object_get(m, "filters"), name));
	int		 i;

	evbuffer_add_printf(b, "<label>%s <select name=\"%s\"><option value="
	    "\"\">%s</option>", T(r, name), name, T(r, "all"));
	for (i = 0; i < n; i++)
		evbuffer_add_printf(b, "<option value=\"%s\"%s>%s</option>",
		    values[i], v && strcmp(v, values[i]) == 0 ? " selected" :
		    "", T(r, values[i]));
	evbuffer_add_printf(b, "</select></label>");
}

void
page_violations_view(struct req *r, json_t *m)
{
	static const char *const sevs[] = { "critical", "high", "medium",
	    "low", "info" };
	static const char *const states[] = { "new", "acknowledged",
	    "resolved", "false-positive" };
	/* A filter by the word its field is shown with. */
	static const char *const filter_words[][2] = {
		{ "since", "first_seen" }, { "until", "last_seen" },
		{ "rule", "rule" }, { "severity", "severity" },
		{ "state", "state" }, { "before", "next" },
	};
	struct evbuffer	*b = evbuffer_new();
	json_t		*v;
	char		 when[32], *enc;
	const char	*fv;
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "violations"));
	evbuffer_add_printf(b, "<form method=\"get\" class=\"filters\" "
	    "id=\"filters\">");
	field(r, b, m, "since", "first_seen", "date");
	field(r, b, m, "until", "last_seen", "date");
	field(r, b, m, "rule", "rule", "text");
	choice(r, b, m, "severity", sevs, 5);
	choice(r, b, m, "state", states, 4);
	field(r, b, m, "site", "site", "text");
	field(r, b, m, "zone", "zones", "text");
	field(r, b, m, "app", "app", "text");
	field(r, b, m, "ip", "address", "text");
	evbuffer_add_printf(b, "<button>%s</button></form>", T(r, "apply"));
	if ((fv = json_string_value(json_object_get(m, "filter"))) != NULL) {
		for (i = 0; i < sizeof(filter_words) / sizeof(filter_words[0]) &&
		    strcmp(filter_words[i][0], fv) != 0; i++)
			;
		evbuffer_add_printf(b, "<p class=\"error\" id=\"filter-error\">"
		    "%s: %s</p>", T(r, "bad_filter"), T(r, i <
		    sizeof(filter_words) / sizeof(filter_words[0]) ?
		    filter_words[i][1] : fv));
	}
	evbuffer_add_printf(b, "<table id=\""
	    "violations\"><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
	    T(r, "severity"), T(r, "rule"), T(r, "source"),
	    T(r, "destination"), T(r, "app"), T(r, "site"), T(r, "last_seen"),
	    T(r, "state"));
	json_array_foreach(json_object_get(m, "rows"), i, v) {
		evbuffer_add_printf(b, "<tr class=\"%s\"><td><a href=\""
		    "/violations/%lld\">%lld</a></td><td>%s</td><td>%d ",
		    json_string_value(json_object_get(v, "severity")),
		    (long long)json_integer_value(json_object_get(v, "id")),
		    (long long)json_integer_value(json_object_get(v, "id")),
		    T(r, json_string_value(json_object_get(v, "severity"))),
		    (int)json_integer_value(json_object_get(v, "rule")));
		html_esc(b, json_string_value(json_object_get(v, r->en ?
		    "msg_en" : "msg")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "src")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "dst")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, app_name(r, v));
		evbuffer_add_printf(b, "</td><td>");
		fv = json_string_value(json_object_get(v, "src_site"));
		html_esc(b, html_site(r, fv && *fv ? fv : json_string_value(
		    json_object_get(v, "dst_site"))));
		evbuffer_add_printf(b, "</td><td>%s</td><td>%s</td></tr>",
		    html_time(json_integer_value(json_object_get(v, "last")) *
		    1000000, when, sizeof(when)), T(r, json_string_value(
		    json_object_get(v, "state"))));
	}
	evbuffer_add_printf(b, "</table>");
	if (json_is_integer(json_object_get(m, "next"))) {
		evbuffer_add_printf(b, "<p><a id=\"next\" href=\"?");
		json_object_foreach(json_object_get(m, "filters"), fv, v)
			if (strcmp(fv, "before") != 0 &&
			    (enc = evhttp_uriencode(json_string_value(v), -1,
			    1)) != NULL) {
				/* A value with '&' or '#' stays one value. */
				evbuffer_add_printf(b, "%s=", fv);
				html_esc(b, enc);
				evbuffer_add_printf(b, "&amp;");
				free(enc);
			}
		evbuffer_add_printf(b, "before=%lld\">%s</a></p>",
		    (long long)json_integer_value(json_object_get(m, "next")),
		    T(r, "next"));
	}
	html_end(r, b);
	reply_html(r, json_is_integer(json_object_get(m, "status")) ?
	    (int)json_integer_value(json_object_get(m, "status")) : 200, b);
	evbuffer_free(b);
}

static int
parse_id(const char *s, int64_t *id)
{
	const char	*errstr;
	uint64_t	 v;

	if (s == NULL || parse_u64(s, 1, INT64_MAX, &v, &errstr) == -1)
		return -1;
	*id = (int64_t)v;
	return 0;
}

static int
add_evidence(void *arg, const struct store_evidence *e)
{
	json_array_append_new(arg, json_pack("{s:I,s:I,s:I}", "packets",
	    (json_int_t)e->packets, "first", (json_int_t)(e->first_us /
	    1000000), "bytes", (json_int_t)e->len));
	return 0;
}

json_t *
page_violation_model(struct req *r, int *status)
{
	struct store_violation	 v;
	json_t			*m, *ev;
	int64_t			 id;

	if (parse_id(r->rest, &id) == -1 ||
	    store_violation_get(r->w->store, id, &v) != 0) {
		*status = 404;
		return NULL;
	}
	ev = json_array();
	store_evidence(r->w->store, id, add_evidence, ev);
	m = json_pack("{s:o,s:o,s:b,s:b,s:b}", "violation", violation_json(&v),
	    "evidence", ev,
	    "may_review", pages_may(r, EVHTTP_REQ_POST, "/review/1"),
	    "may_allow", pages_may(r, EVHTTP_REQ_POST, "/exceptions"),
	    "may_fetch_evidence", pages_may(r, EVHTTP_REQ_GET, "/evidence/1"));
	return m;
}

static void
row(struct evbuffer *b, const char *label, const char *value)
{
	evbuffer_add_printf(b, "<dt>%s</dt><dd>", label);
	html_esc(b, value);
	evbuffer_add_printf(b, "</dd>");
}

/* Source and destination: "a → b", or the one known. */
static void
both(struct evbuffer *b, const char *label, const char *src, const char *dst)
{
	evbuffer_add_printf(b, "<dt>%s</dt><dd>", label);
	html_esc(b, src != NULL && *src != '\0' ? src : "-");
	evbuffer_add_printf(b, " → ");
	html_esc(b, dst != NULL && *dst != '\0' ? dst : "-");
	evbuffer_add_printf(b, "</dd>");
}

/* Whether " new acknowledged " holds the state, as a whole word. */
static int
offered(const char *from, const char *state)
{
	char	 w[40];

	snprintf(w, sizeof(w), " %s ", state != NULL ? state : "");
	return strstr(from, w) != NULL;
}

void
page_violation_view(struct req *r, json_t *m)
{
	static const struct {
		const char	*state, *word, *from;
	} acts[] = {
		/* The states each is offered from (a review closes it). */
		{ "acknowledged", "ack",	" new " },
		{ "resolved", "resolve",	" new acknowledged " },
		{ "false-positive", "mark_fp",	" new acknowledged " },
	};
	struct evbuffer	*b = evbuffer_new();
	json_t		*v = json_object_get(m, "violation"), *e;
	char		 when[32], num[128], title[64];
	long long	 id = (long long)json_integer_value(json_object_get(v,
			    "id"));
	const char	*state, *err;
	size_t		 i, next;
	int		 fetch;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	snprintf(title, sizeof(title), "%s #%lld", T(r, "violations"), id);
	html_begin(r, b, title);
	evbuffer_add_printf(b, "<dl id=\"detail\">");
	snprintf(num, sizeof(num), "%d",
	    (int)json_integer_value(json_object_get(v, "rule")));
	row(b, T(r, "rule"), num);
	row(b, T(r, "severity"), T(r, json_string_value(json_object_get(v,
	    "severity"))));
	row(b, T(r, "detail"), json_string_value(json_object_get(v, r->en ?
	    "msg_en" : "msg")));
	snprintf(num, sizeof(num), "%s:%d", json_string_value(json_object_get(
	    v, "src")), (int)json_integer_value(json_object_get(v,
	    "src_port")));
	row(b, T(r, "source"), num);
	snprintf(num, sizeof(num), "%s:%d", json_string_value(json_object_get(
	    v, "dst")), (int)json_integer_value(json_object_get(v,
	    "dst_port")));
	row(b, T(r, "destination"), num);
	both(b, T(r, "zones"), T(r, json_string_value(json_object_get(v,
	    "src_zone"))), T(r, json_string_value(json_object_get(v,
	    "dst_zone"))));
	both(b, T(r, "site"), html_site(r, json_string_value(json_object_get(v,
	    "src_site"))), html_site(r, json_string_value(json_object_get(v,
	    "dst_site"))));
	row(b, T(r, "app"), app_name(r, v));
	row(b, T(r, "host"), json_string_value(json_object_get(v, "host")));
	row(b, T(r, "first_seen"), html_time(json_integer_value(
	    json_object_get(v, "first")) * 1000000, when, sizeof(when)));
	row(b, T(r, "last_seen"), html_time(json_integer_value(
	    json_object_get(v, "last")) * 1000000, when, sizeof(when)));
	/* Packets and bytes are added as the flows end (idle, closed). */
	if (json_integer_value(json_object_get(v, "packets")) > 0)
		snprintf(num, sizeof(num), "%lld / %lld / %lld",
		    (long long)json_integer_value(json_object_get(v, "flows")),
		    (long long)json_integer_value(json_object_get(v,
		    "packets")), (long long)json_integer_value(
		    json_object_get(v, "bytes")));
	else
		snprintf(num, sizeof(num), "%lld / - / - (%s)",
		    (long long)json_integer_value(json_object_get(v, "flows")),
		    T(r, "counted_at_end"));
	row(b, r->en ? "Flows / packets / bytes" : "流 / 报文 / 字节", num);
	row(b, T(r, "state"), T(r, json_string_value(json_object_get(v,
	    "state"))));
	row(b, T(r, "review"), json_string_value(json_object_get(v,
	    "reviewed_by")));
	row(b, T(r, "comment"), json_string_value(json_object_get(v,
	    "comment")));
	evbuffer_add_printf(b, "</dl><h2>%s</h2><ul id=\"evidence\">",
	    T(r, "evidence"));
	/* A link only for the roles that may fetch it; the rest see it is. */
	fetch = json_is_true(json_object_get(m, "may_fetch_evidence"));
	json_array_foreach(json_object_get(m, "evidence"), i, e) {
		if (fetch)
			evbuffer_add_printf(b, "<li><a href=\"/evidence/%lld?"
			    "i=%zu\" download>", id, i + 1);
		else
			evbuffer_add_printf(b, "<li>");
		evbuffer_add_printf(b, "violation-%lld-%zu.pcap%s (%lld %s)"
		    "</li>", id, i + 1, fetch ? "</a>" : "", (long long)
		    json_integer_value(json_object_get(e, "packets")),
		    T(r, "packets"));
	}
	evbuffer_add_printf(b, "</ul>");
	/* The form only where a next state exists. */
	state = json_string_value(json_object_get(v, "state"));
	for (i = 0, next = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		next += offered(acts[i].from, state);
	if (json_is_true(json_object_get(m, "may_review")) && next > 0) {
		evbuffer_add_printf(b, "<h2>%s</h2>", T(r, "review"));
		/* Only the words of the table: never the query's own text. */
		if ((err = form_get(&r->query, "error")) != NULL &&
		    strcmp(err, "exception_needs") != 0)
			evbuffer_add_printf(b, "<p class=\"error\" id=\"review-"
			    "error\">%s</p>", T(r, strcmp(err, "comment_needed")
			    == 0 ? "comment_needed" : "review_failed"));
		evbuffer_add_printf(b, "<form method=\"post\" action=\""
		    "/review/%lld\" id=\"review\">", id);
		html_csrf(r, b);
		evbuffer_add_printf(b, "<label>%s <textarea name=\"comment\" "
		    "rows=\"2\" cols=\"60\"></textarea></label>",
		    T(r, "comment"));
		for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
			if (offered(acts[i].from, state))
				evbuffer_add_printf(b, "<button name=\"state\" "
				    "value=\"%s\" id=\"%s\">%s</button> ",
				    acts[i].state, acts[i].state,
				    T(r, acts[i].word));
		evbuffer_add_printf(b, "</form>");
	}
	/* Allowed from here, whatever its state: a false positive too. */
	if (json_is_true(json_object_get(m, "may_allow"))) {
		if ((err = form_get(&r->query, "error")) != NULL &&
		    strcmp(err, "exception_needs") == 0)
			evbuffer_add_printf(b, "<p class=\"error\" id=\""
			    "allow-error\">%s</p>", T(r, "exception_needs"));
		page_exceptions_form(r, b, v);
	}
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

struct pick {
	int64_t		 want, n;
	void		*data;
	size_t		 len;
};

static int
pick_evidence(void *arg, const struct store_evidence *e)
{
	struct pick	*p = arg;

	if (++p->n != p->want)
		return 0;
	if ((p->data = malloc(e->len)) != NULL) {
		memcpy(p->data, e->pcap, e->len);
		p->len = e->len;
	}
	return 1;
}

void
page_evidence(struct req *r)
{
	struct pick	 p = { 1, 0, NULL, 0 };
	char		 name[64];
	int64_t		 id;

	if (parse_id(r->rest, &id) == -1 || (form_get(&r->query, "i") &&
	    parse_id(form_get(&r->query, "i"), &p.want) == -1)) {
		reply_error(r, 400, "bad_request");
		return;
	}
	store_evidence(r->w->store, id, pick_evidence, &p);
	if (p.data == NULL) {
		reply_error(r, 404, "not_found");
		return;
	}
	snprintf(name, sizeof(name), "violation-%lld-%lld.pcap", (long long)id,
	    (long long)p.want);
	reply_audit(r, "evidence-download", name, "ok", "%zu bytes", p.len);
	reply_bytes(r, "application/vnd.tcpdump.pcap", name, p.data, p.len);
	free(p.data);
}

void
page_review(struct req *r)
{
	const char	*state = form_get(&r->body, "state");
	const char	*comment = form_get(&r->body, "comment");
	char		 object[64], back[64];
	json_t		*j;
	int64_t		 id;
	int		 k = -1, rc = STORE_INVALID;

	if (parse_id(r->rest, &id) == -1 || state == NULL ||
	    (k = store_state_parse(state)) < 0) {
		reply_error(r, 400, "bad_request");
		return;
	}
	if (comment != NULL && *comment == '\0')
		comment = NULL;
	/* Closing a record says why: resolved and false positives need one. */
	if ((k != STORE_RESOLVED && k != STORE_FALSE_POSITIVE) ||
	    comment != NULL)
		rc = store_review(r->w->store, r->w->admin,
		    STORE_REVIEW_VIOLATION, id,
		    (enum store_state)k,
		    r->session->user, comment, clock_wall_us());
	snprintf(object, sizeof(object), "violation %lld", (long long)id);
	reply_audit(r, "violation-review", object, rc == 0 ? "ok" : "failed",
	    "%s%s%s", state, comment ? ": " : "", comment ? comment : "");
	if (rc == STORE_NOTFOUND) {
		reply_error(r, 404, "not_found");
		return;
	}
	if (rc != 0 && r->api) {
		reply_error(r, 400, "failed");
		return;
	}
	/* On the page, the form again with the reason in words. */
	if (rc != 0) {
		snprintf(back, sizeof(back), "/violations/%lld?error=%s",
		    (long long)id, comment == NULL && (k == STORE_RESOLVED ||
		    k == STORE_FALSE_POSITIVE) ? "comment_needed" :
		    "review_failed");
		reply_redirect(r, back);
		return;
	}
	if (r->api) {
		j = json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", state);
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	snprintf(back, sizeof(back), "/violations/%lld", (long long)id);
	reply_redirect(r, back);
}
