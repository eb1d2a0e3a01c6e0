/*
 * Dispatching.  libevent's evhttp parses HTTP within the caps set here
 * (headers, body, time); limits.c bounds what one client can hold
 * (connections from their accept, a deadline for the first request,
 * requests a second and logins a minute per address); this file finds
 * the page, checks its roles and the CSRF token, and calls it.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "clock.h"
#include "log.h"
#include "webui.h"

static int
is_health(struct evhttp_request *ev)
{
	const char	*uri = evhttp_request_get_uri(ev);
	size_t		 n = sizeof("/health") - 1;

	return uri != NULL && strncmp(uri, "/health", n) == 0 &&
	    (uri[n] == '\0' || uri[n] == '?');
}

/* A path of the table's alphabet, without . or .. segments. */
static int
path_ok(const char *p)
{
	size_t	 i;

	if (p == NULL || p[0] != '/' || strlen(p) >= 200)
		return 0;
	for (i = 0; p[i] != '\0'; i++) {
		char c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '-' ||
		    c == '_' || c == '.'))
			return 0;
		if (i > 0 && c == '.' && p[i - 1] == '/')
			return 0;	/* no "/." nor "/.." */
		if (i > 0 && c == '/' && p[i - 1] == '/')
			return 0;
	}
	return 1;
}

static const struct page *
find_page(struct req *r, int method)
{
	const struct page	*p;
	size_t			 len;

	for (p = pages_table; p->path != NULL; p++) {
		if (p->method != method &&
		    !(method == EVHTTP_REQ_HEAD && p->method == EVHTTP_REQ_GET))
			continue;
		len = strlen(p->path);
		if (p->path[len - 1] == '/' && len > 1) {
			if (strncmp(r->path, p->path, len) == 0 &&
			    r->path[len] != '\0') {
				r->rest = r->path + len;
				return p;
			}
		} else if (strcmp(r->path, p->path) == 0)
			return p;
	}
	return NULL;
}

static void
read_session(struct req *r)
{
	struct form	 cookies;
	const char	*h, *v, *why;

	h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Cookie");
	if (h == NULL || form_parse_cookies(&cookies, h, strlen(h)) == -1)
		cookies.n = 0;
	if ((v = form_get(&cookies, "zw_session")) != NULL &&
	    (r->session = session_find(r->w, v)) != NULL &&
	    (why = session_follow(r->w, r->session)) != NULL) {
		reply_audit(r, "session-end", r->session->user, "ok", "%s",
		    why);
		session_end(r->session);
		r->session = NULL;
	}
	if ((v = form_get(&r->query, "lang")) != NULL)
		r->en = strcmp(v, "en") == 0;
	else if ((v = form_get(&cookies, "zw_lang")) != NULL)
		r->en = strcmp(v, "en") == 0;	/* else Chinese, whoever asks */
}

static int
read_body(struct req *r)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	size_t		 len = evbuffer_get_length(in);
	const char	*type;

	type = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Content-Type");
	if (len == 0)
		return 0;
	if (type == NULL || strncmp(type, "application/x-www-form-urlencoded",
	    33) != 0)
		return -1;
	return form_parse_urlencoded(&r->body, (const char *)evbuffer_pullup(
	    in, (ev_ssize_t)len), len);
}

static void
on_request(struct evhttp_request *ev, void *arg)
{
	struct webui		*w = arg;
	struct req		 r;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(ev);
	const struct page	*p;
	struct limits_client	*c;
	const char		*path, *q, *token;
	char			*host = NULL;
	ev_uint16_t		 port;
	int64_t			 now = clock_wall_us();
	int			 method = evhttp_request_get_command(ev);

	memset(&r, 0, sizeof(r));
	r.w = w;
	r.ev = ev;
	w->stats.requests++;
	evhttp_connection_get_peer(evhttp_request_get_connection(ev), &host,
	    &port);
	snprintf(r.ip, sizeof(r.ip), "%s", host ? host : "?");
	if ((c = limits_request(ev)) == NULL) {
		w->stats.refused_conns++;
		evhttp_add_header(evhttp_request_get_output_headers(ev),
		    "Connection", "close");
		reply_error(&r, 503, "too_many");
		return;
	}
	/*
	 * A monitoring system polls /health as often as it likes: it reads
	 * only what is in memory, so it costs no more than the refusal.
	 */
	if (!is_health(ev)) {
		int64_t	 dt = now - c->seen_us;

		c->seen_us = now;
		if (!limits_take(&c->tokens, w->conf->request_rate,
		    4.0 * w->conf->request_rate, dt)) {
			w->stats.rate_limited++;
			reply_error(&r, 429, "too_many");
			return;
		}
		c->login_tokens += w->conf->login_rate * (double)dt / 60e6;
		if (c->login_tokens > w->conf->login_rate)
			c->login_tokens = w->conf->login_rate;
	}
	path = uri ? evhttp_uri_get_path(uri) : NULL;
	q = uri ? evhttp_uri_get_query(uri) : NULL;
	if (!path_ok(path) || (q != NULL && form_parse_urlencoded(&r.query, q,
	    strlen(q)) == -1) || (method == EVHTTP_REQ_POST &&
	    read_body(&r) == -1)) {
		w->stats.bad_requests++;
		reply_error(&r, 400, "bad_request");
		return;
	}
	snprintf(r.path, sizeof(r.path), "%s", path);
	if (strncmp(r.path, "/api/", 5) == 0) {
		r.api = 1;
		memmove(r.path, r.path + 4, strlen(r.path + 4) + 1);
	}
	read_session(&r);
	if ((p = find_page(&r, method)) == NULL) {
		reply_error(&r, 404, "not_found");
		return;
	}
	if (p->roles != 0) {
		if (r.session == NULL) {
			if (r.api || method != EVHTTP_REQ_GET)
				reply_error(&r, 401, "login_first");
			else
				reply_redirect(&r, "/login");
			return;
		}
		if (!(p->roles & ROLE_BIT(r.session->role)) ||
		    (r.session->must_change && strcmp(p->path, "/account") !=
		    0 && strcmp(p->path, "/account/password") != 0 &&
		    strcmp(p->path, "/logout") != 0)) {
			w->stats.denied++;
			if (!r.session->must_change)
				reply_audit(&r, "access-denied", r.path,
				    "denied", "%s %s", method ==
				    EVHTTP_REQ_POST ? "POST" : "GET", r.path);
			if (r.session->must_change && !r.api &&
			    method == EVHTTP_REQ_GET)
				reply_redirect(&r, "/account");
			else
				reply_error(&r, 403, "forbidden");
			return;
		}
	}
	if (method == EVHTTP_REQ_POST) {
		token = evhttp_find_header(evhttp_request_get_input_headers(ev),
		    "X-CSRF-Token");
		if (token == NULL)
			token = form_get(&r.body, "csrf");
		if (p->roles != 0 && !session_csrf_ok(r.session, token)) {
			w->stats.denied++;
			reply_error(&r, 403, "bad_csrf");
			return;
		}
		if (strcmp(p->path, "/login") == 0) {
			if (c->login_tokens < 1) {
				w->stats.rate_limited++;
				reply_error(&r, 429, "too_many");
				return;
			}
			c->login_tokens -= 1;
		}
	}
	reply_page(&r, p);
}

int
server_listen(struct webui *w, const char *addr, char *err, size_t errlen)
{
	struct evconnlistener	*l;
	struct sockaddr_storage	 ss;
	int			 len = sizeof(ss);

	if (limits_init() == -1) {
		snprintf(err, errlen, "TLS: no room for a connection's data");
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss,
	    &len) == -1) {
		snprintf(err, errlen, "webui-listen %s: an address and port, "
		    "such as 0.0.0.0:8443 or [::]:8443", addr);
		return -1;
	}
	if ((w->http = evhttp_new(w->base)) == NULL) {
		snprintf(err, errlen, "evhttp: out of memory");
		return -1;
	}
	evhttp_set_max_headers_size(w->http, WEBUI_MAX_HEADERS);
	evhttp_set_max_body_size(w->http, WEBUI_MAX_BODY);
	evhttp_set_timeout(w->http, WEBUI_TIMEOUT_S);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
	evhttp_set_bevcb(w->http, limits_bufferevent, w);
	evhttp_set_gencb(w->http, on_request, w);
	if ((l = evconnlistener_new_bind(w->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, 128, (struct sockaddr *)&ss, len)) == NULL ||
	    evhttp_bind_listener(w->http, l) == NULL) {
		snprintf(err, errlen, "webui-listen %s: %s", addr,
		    strerror(errno));
		return -1;
	}
	return 0;
}
