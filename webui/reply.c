/*
 * Responses.  Every one carries the same security headers: HSTS (RFC
 * 6797), a Content-Security-Policy that allows only the appliance's own
 * styles and scripts, no framing, no sniffing, no referrer, no caching
 * of pages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "audit.h"
#include "log.h"
#include "webui.h"

void
reply_headers(struct req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);

	evhttp_add_header(h, "Strict-Transport-Security",
	    "max-age=31536000; includeSubDomains");
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self' data:; style-src 'self'; script-src 'self'; "
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (form_get(&r->query, "lang") != NULL)
		evhttp_add_header(h, "Set-Cookie", r->en ?
		    "zw_lang=en; Path=/; Secure; SameSite=Strict; Max-Age="
		    "31536000" : "zw_lang=zh; Path=/; Secure; SameSite=Strict;"
		    " Max-Age=31536000");
}

void
reply_html(struct req *r, int status, struct evbuffer *b)
{
	reply_headers(r);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Type", "text/html; charset=utf-8");
	evhttp_send_reply(r->ev, status, NULL, b);
}

/* Out of memory on the way to a page: an answer still, the smallest. */
void
reply_no_memory(struct req *r)
{
	evhttp_send_error(r->ev, 500, NULL);
}

void
reply_json(struct req *r, int status, json_t *j)
{
	struct evbuffer	*b = evbuffer_new();
	char		*text;

	text = json_dumps(j, JSON_COMPACT);
	if (b == NULL || text == NULL) {
		evhttp_send_error(r->ev, 500, NULL);
		evbuffer_free(b);
		free(text);
		return;
	}
	evbuffer_add(b, text, strlen(text));
	evbuffer_add(b, "\n", 1);
	reply_headers(r);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Type", "application/json");
	evhttp_send_reply(r->ev, status, NULL, b);
	evbuffer_free(b);
	free(text);
}

void
reply_redirect(struct req *r, const char *to)
{
	reply_headers(r);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Location", to);
	evhttp_send_reply(r->ev, 303, NULL, NULL);
}

void
reply_error(struct req *r, int status, const char *msg_id)
{
	struct evbuffer	*b;
	json_t		*j;

	if (r->api || evhttp_request_get_command(r->ev) == EVHTTP_REQ_POST) {
		j = json_pack("{s:i,s:s,s:s}", "status", status, "error",
		    msg_id, "message", T(r, msg_id));
		reply_json(r, status, j);
		json_decref(j);
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(r->ev, status, NULL);
		return;
	}
	html_begin(r, b, T(r, msg_id));
	evbuffer_add_printf(b, "<p class=\"error\">%d ", status);
	html_esc(b, T(r, msg_id));
	evbuffer_add_printf(b, "</p>");
	html_end(r, b);
	reply_html(r, status, b);
	evbuffer_free(b);
}

void
reply_bytes(struct req *r, const char *type, const char *filename,
    const void *data, size_t len)
{
	struct evbuffer	*b = evbuffer_new();
	char		 disp[256];

	if (b == NULL) {
		evhttp_send_error(r->ev, 500, NULL);
		return;
	}
	evbuffer_add(b, data, len);
	reply_headers(r);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Type", type);
	if (filename != NULL) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"",
		    filename);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", disp);
	}
	evhttp_send_reply(r->ev, 200, NULL, b);
	evbuffer_free(b);
}

void
reply_page(struct req *r, const struct page *p)
{
	json_t		*model;
	int		 status = 200;

	if (p->action != NULL) {
		p->action(r);
		return;
	}
	if ((model = p->model(r, &status)) == NULL) {
		reply_error(r, status != 200 ? status : 500, status == 404 ?
		    "not_found" : "failed");
		return;
	}
	if (r->api || p->view == NULL)
		reply_json(r, status, model);
	else
		p->view(r, model);
	json_decref(model);
}

void
reply_audit(struct req *r, const char *action, const char *object,
    const char *outcome, const char *fmt, ...)
{
	struct audit_record	 a;
	va_list			 ap;

	memset(&a, 0, sizeof(a));
	snprintf(a.actor, sizeof(a.actor), "%s", r->session ?
	    r->session->user : "-");
	snprintf(a.role, sizeof(a.role), "%s", r->session ?
	    users_role_name(r->session->role) : "-");
	snprintf(a.address, sizeof(a.address), "%s", r->ip);
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.object, sizeof(a.object), "%s", object ? object : "");
	snprintf(a.outcome, sizeof(a.outcome), "%s", outcome);
	va_start(ap, fmt);
	vsnprintf(a.detail, sizeof(a.detail), fmt, ap);
	va_end(ap);
	if (audit_append(r->w->admin, &a) != 0)
		log_warnx("audit: %s", store_errmsg(r->w->admin));
}
