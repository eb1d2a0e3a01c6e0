/*
 * Exceptions on the web: "allow this" from a record (its host, and its
 * rule, peer and application as the officer keeps them), until a day,
 * for a reason; the list of them, in force or not, with what each kept
 * away; revoking one.  The rows are the event store's, which the
 * collector reads (lib/store-exceptions.c); every change is audited.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "clock.h"
#include "pages.h"
#include "parse.h"
#include "words.h"

static int
add_row(void *arg, const struct store_exception *x)
{
	json_t		*a = arg;
	int64_t		 now = clock_wall_us();

	json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s,"
	    "s:s,s:I,s:I,s:I,s:s,s:I,s:I,s:s}", "id", (json_int_t)x->id,
	    "host", x->host, "rule", (json_int_t)x->rule, "app", x->app,
	    "peer", x->peer, "until", (json_int_t)(x->until_us / 1000000),
	    "reason", x->reason, "made_by", x->made_by,
	    "made", (json_int_t)(x->made_us / 1000000),
	    "violation", (json_int_t)x->violation,
	    "revoked", (json_int_t)(x->revoked_us / 1000000),
	    "revoked_by", x->revoked_by, "hits", (json_int_t)x->hits,
	    "last_hit", (json_int_t)(x->last_hit_us / 1000000),
	    "state", x->revoked_us ? "revoked" : x->until_us <= now ?
	    "run_out" : "in_force"));
	return 0;
}

json_t *
page_exceptions_model(struct req *r, int *status)
{
	json_t	*a = json_array();

	(void)status;
	if (store_exceptions(r->w->store, 0, clock_wall_us(), add_row, a) !=
	    0) {
		json_decref(a);
		*status = 500;
		return NULL;
	}
	return json_pack("{s:o,s:b}", "exceptions", a, "may_revoke",
	    pages_may(r, EVHTTP_REQ_POST, "/exceptions/1"));
}

static void
cell(struct evbuffer *b, const char *s)
{
	evbuffer_add_printf(b, "<td>");
	html_esc(b, s != NULL && *s != '\0' ? s : "*");
	evbuffer_add_printf(b, "</td>");
}

void
page_exceptions_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*x;
	char		 when[32], num[32];
	const char	*err;
	size_t		 i;
	int		 revoke = json_is_true(json_object_get(m, "may_revoke"));

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "exceptions"));
	evbuffer_add_printf(b, "<p>%s</p>", T(r, "exceptions_about"));
	if ((err = form_get(&r->query, "error")) != NULL)
		evbuffer_add_printf(b, "<p class=\"error\" id=\"exception-error"
		    "\">%s</p>", T(r, strcmp(err, "exception_needs") == 0 ?
		    "exception_needs" : "review_failed"));
	evbuffer_add_printf(b, "<table id=\"exceptions\"><tr><th>#</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr>",
	    T(r, "host"), T(r, "rule"), T(r, "app"), T(r, "peer"),
	    T(r, "until"), T(r, "reason"), T(r, "made_by"), T(r, "hits"),
	    T(r, "state"));
	json_array_foreach(json_object_get(m, "exceptions"), i, x) {
		long long	 id = (long long)json_integer_value(
				    json_object_get(x, "id"));
		const char	*state = json_string_value(json_object_get(x,
				    "state"));

		evbuffer_add_printf(b, "<tr id=\"x%lld\"><td>%lld</td>", id,
		    id);
		cell(b, json_string_value(json_object_get(x, "host")));
		snprintf(num, sizeof(num), "%lld", (long long)
		    json_integer_value(json_object_get(x, "rule")));
		cell(b, strcmp(num, "0") == 0 ? NULL : num);
		cell(b, json_string_value(json_object_get(x, "app")));
		cell(b, json_string_value(json_object_get(x, "peer")));
		cell(b, html_time(json_integer_value(json_object_get(x,
		    "until")) * 1000000, when, sizeof(when)));
		cell(b, json_string_value(json_object_get(x, "reason")));
		cell(b, json_string_value(json_object_get(x, "made_by")));
		snprintf(num, sizeof(num), "%lld", (long long)
		    json_integer_value(json_object_get(x, "hits")));
		cell(b, num);
		cell(b, T(r, state));
		evbuffer_add_printf(b, "<td>");
		if (revoke && strcmp(state, "in_force") == 0) {
			evbuffer_add_printf(b, "<form method=\"post\" action=\""
			    "/exceptions/%lld\">", id);
			html_csrf(r, b);
			evbuffer_add_printf(b, "<button name=\"do\" value=\""
			    "revoke\" id=\"revoke-%lld\">%s</button></form>",
			    id, T(r, "revoke"));
		}
		evbuffer_add_printf(b, "</td></tr>");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

/* The form on a record's page: what it allows is the record's own. */
void
page_exceptions_form(struct req *r, struct evbuffer *b, json_t *v)
{
	evbuffer_add_printf(b, "<h2>%s</h2><form method=\"post\" action=\""
	    "/exceptions\" id=\"allow\"><input type=\"hidden\" name=\"from\""
	    " value=\"%lld\">", T(r, "allow_this"),
	    (long long)json_integer_value(json_object_get(v, "id")));
	html_csrf(r, b);
	evbuffer_add_printf(b, "<p>%s ", T(r, "allow_host"));
	html_esc(b, json_string_value(json_object_get(v, "src")));
	evbuffer_add_printf(b, ", %s %lld</p><label><input type=\"checkbox\" "
	    "name=\"peer\" value=\"1\" checked> %s ", T(r, "rule"),
	    (long long)json_integer_value(json_object_get(v, "rule")),
	    T(r, "only_peer"));
	html_esc(b, json_string_value(json_object_get(v, "dst")));
	evbuffer_add_printf(b, "</label> <label><input type=\"checkbox\" "
	    "name=\"app\" value=\"1\"> %s</label><br><label>%s <input "
	    "type=\"date\" name=\"until\" required></label> <label>%s <input "
	    "name=\"reason\" size=\"50\" required></label> <button id=\""
	    "allow-button\">%s</button></form>", T(r, "only_app"),
	    T(r, "until"), T(r, "reason"), T(r, "allow"));
}

/* POST /exceptions: from a record, with the officer's choices. */
void
page_exception_add(struct req *r)
{
	struct store_exception	 x;
	struct store_violation	 v;
	const char		*from = form_get(&r->body, "from");
	const char		*until = form_get(&r->body, "until");
	const char		*reason = form_get(&r->body, "reason");
	const char		*errstr;
	char			 object[64], back[64];
	uint64_t		 id;
	json_t			*j;
	int			 rc;

	if (from == NULL || parse_u64(from, 1, INT64_MAX, &id, &errstr) == -1 ||
	    store_violation_get(r->w->store, (int64_t)id, &v) != 0) {
		reply_error(r, 404, "not_found");
		return;
	}
	memset(&x, 0, sizeof(x));
	snprintf(x.host, sizeof(x.host), "%s", v.src_ip);
	x.rule = v.rule;
	if (form_get(&r->body, "peer") != NULL)
		snprintf(x.peer, sizeof(x.peer), "%s", v.dst_ip);
	if (form_get(&r->body, "app") != NULL)
		snprintf(x.app, sizeof(x.app), "%s", v.app);
	x.violation = (int64_t)id;
	x.made_us = clock_wall_us();
	snprintf(x.made_by, sizeof(x.made_by), "%s", r->session->user);
	/* The end is the whole of the day named. */
	if (until == NULL || html_day(until, &x.until_us, 1) == -1 ||
	    x.until_us <= x.made_us || reason == NULL ||
	    (size_t)snprintf(x.reason, sizeof(x.reason), "%s", reason) >=
	    sizeof(x.reason))
		rc = STORE_INVALID;
	else
		rc = store_exception_add(r->w->store, &x);
	snprintf(object, sizeof(object), "exception %lld", (long long)x.id);
	reply_audit(r, "exception-add", object, rc == 0 ? "ok" : "failed",
	    "host %s rule %u app %s peer %s until %lld from %lld: %s", x.host,
	    x.rule, x.app[0] ? x.app : "*", x.peer[0] ? x.peer : "*",
	    (long long)(x.until_us / 1000000), (long long)x.violation,
	    x.reason);
	if (r->api) {
		if (rc != 0) {
			reply_error(r, 400, "exception_needs");
			return;
		}
		j = json_pack("{s:I}", "id", (json_int_t)x.id);
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	if (rc != 0) {
		snprintf(back, sizeof(back), "/violations/%llu?error=%s",
		    (unsigned long long)id, rc == STORE_INVALID ?
		    "exception_needs" : "review_failed");
		reply_redirect(r, back);
		return;
	}
	reply_redirect(r, "/exceptions");
}

/* POST /exceptions/ID: revoked. */
void
page_exception_revoke(struct req *r)
{
	const char	*errstr;
	char		 object[64];
	uint64_t	 id;
	int		 rc;

	if (parse_u64(r->rest, 1, INT64_MAX, &id, &errstr) == -1) {
		reply_error(r, 400, "bad_request");
		return;
	}
	rc = store_exception_revoke(r->w->store, (int64_t)id, r->session->user,
	    clock_wall_us());
	snprintf(object, sizeof(object), "exception %llu",
	    (unsigned long long)id);
	reply_audit(r, "exception-revoke", object, rc == 0 ? "ok" : "failed",
	    "%s", rc == 0 ? "revoked" : rc == STORE_INVALID ?
	    "revoked already" : rc == STORE_NOTFOUND ? "no such" : "failed");
	if (rc == STORE_NOTFOUND) {
		reply_error(r, 404, "not_found");
		return;
	}
	if (rc != 0) {
		if (r->api)
			reply_error(r, 400, "failed");
		else
			reply_redirect(r, "/exceptions?error=review_failed");
		return;
	}
	if (r->api) {
		json_t	*j = json_pack("{s:I,s:s}", "id", (json_int_t)id,
			    "state", "revoked");

		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/exceptions");
}
