/*
 * The web UI: one process, one libevent loop.  server.c accepts TLS
 * connections within limits and dispatches requests through the table of
 * pages (pages.c) after the session, role and CSRF checks; each page has
 * a model (JSON, served as is under /api) and a view (HTML from the same
 * model), so every page is also an API.
 */
#ifndef ZW_WEBUI_H
#define ZW_WEBUI_H

#include <stdint.h>

#include <event2/http.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "agent-state.h"
#include "conf.h"
#include "form.h"
#include "store.h"
#include "users.h"

#define WEBUI_MAX_CONNS		256
#define WEBUI_MAX_CONNS_IP	32
#define WEBUI_MAX_HEADERS	8192
#define WEBUI_MAX_BODY		65536
#define WEBUI_TIMEOUT_S		15	/* idle, reset by every byte */
#define WEBUI_DEADLINE_S	10	/* accept to first request, whole */
#define WEBUI_CLIENTS		4096	/* addresses tracked for limits */
#define WEBUI_SESSIONS		1024
#define WEBUI_SESSION_MAX_S	(12 * 3600)
#define WEBUI_PAGE_ROWS		50
#define WEBUI_REFRESH_S		5	/* the figures are read again */

struct session {
	char		 id[65];
	char		 csrf[65];
	char		 user[USER_NAME_MAX + 1];
	int64_t		 uid;		/* the account's row, and ... */
	int64_t		 generation;	/* ... its generation at login */
	enum user_role	 role;		/* as the account has it now */
	int		 must_change;	/* only the password page until then */
	char		 ip[46];
	int64_t		 created_us, seen_us;
	int		 used;
};

struct webui_stats {
	uint64_t	 requests, refused_conns, rate_limited, bad_requests;
	uint64_t	 denied, logins, login_failures, sessions_evicted;
	uint64_t	 clients_evicted, logins_refused, password_checks;
	uint64_t	 conns_shed;	/* closed by the limits ... */
	uint64_t	 conns_late;	/* ... of them, past the deadline */
	unsigned int	 conns;
};

/* An address, for its connections and its request and login rates. */
struct limits_client {
	char		 ip[46];
	unsigned int	 conns;
	double		 tokens, login_tokens;
	int64_t		 seen_us;
};

struct webui {
	const struct conf	*conf;
	struct store		*store;		/* events: read, review */
	struct store		*admin;		/* accounts, audit trail */
	int64_t			 next_purge_us;	/* the trail's retention */
	struct agent_state	*state;
	json_t			*poller;	/* the poller's status, or NULL */
	json_t			*bandwidth;	/* the site tree, built off-loop */
	char			*bandwidth_text;	/* ... as JSON text */
	struct event_base	*base;
	struct evhttp		*http;
	SSL_CTX			*tls;
	const char		*rrd_dir;
	const char		*metrics_token;	/* "" : sessions only */
	struct login_pool	*logins;	/* scrypt off the loop */
	struct session		 sessions[WEBUI_SESSIONS];
	struct webui_stats	 stats;
	int64_t			 started_us;
};

struct req {
	struct webui		*w;
	struct evhttp_request	*ev;
	char			 path[256];
	const char		*rest;		/* after a prefix route */
	struct form		 query;
	struct form		 body;
	struct session		*session;	/* NULL: not logged in */
	int			 en;		/* English, else Chinese */
	int			 api;		/* under /api: JSON */
	char			 ip[46];
};

#define ROLE_BIT(r)	(1u << (r))
#define ROLES_ALL	(ROLE_BIT(ROLE_SYSADMIN) | ROLE_BIT(ROLE_SECADMIN) | \
			 ROLE_BIT(ROLE_AUDITADMIN) | ROLE_BIT(ROLE_VIEWER))

struct page {
	int		 method;	/* EVHTTP_REQ_GET or EVHTTP_REQ_POST */
	const char	*path;		/* exact; a prefix if it ends in '/' */
	unsigned int	 roles;		/* 0: public */
	json_t		*(*model)(struct req *, int *status);
	void		(*view)(struct req *, json_t *);
	void		(*action)(struct req *);	/* instead of both */
};

extern const struct page pages_table[];
/* The session may use the page at path (the table's roles). */
int		 pages_may(const struct req *, int method, const char *path);

/* server.c */
int		 server_listen(struct webui *, const char *addr, char *err,
		    size_t errlen);

/* session.c */
struct session	*session_new(struct webui *, const struct user *,
		    int must_change, const char *ip);
struct session	*session_find(struct webui *, const char *id);
void		 session_end(struct session *);
int		 session_csrf_ok(const struct session *, const char *token);
/*
 * Reads the account behind a session as it is now: NULL when it holds,
 * else why the session is over (the account disabled, removed, or changed
 * in a way that ends its sessions), and the caller ends it.
 */
const char	*session_follow(struct webui *, struct session *);
/* Ends every session of an account but keep (NULL: all); how many. */
int		 session_end_user(struct webui *, const char *user,
		    const struct session *keep);

/* login-pool.c: the password hashes, computed off the loop. */
int		 login_pool_start(struct webui *);
/* 0, or -1 when every place is taken (the caller answers 503). */
int		 login_pool_submit(struct req *, const char *name,
		    const char *password, const char *code, const char *hash);
void		 login_pool_stop(struct webui *);

/* reply.c */
/* limits.c */
int		 limits_init(void);
struct bufferevent *limits_bufferevent(struct event_base *, void *webui);
struct limits_client *limits_request(struct evhttp_request *);
struct limits_client *limits_client(struct webui *, const char *ip,
		    int64_t now_us);
int		 limits_take(double *tokens, double rate_per_s, double burst,
		    int64_t elapsed_us);

void		 reply_html(struct req *, int status, struct evbuffer *);
void		 reply_json(struct req *, int status, json_t *);
void		 reply_redirect(struct req *, const char *to);
void		 reply_error(struct req *, int status, const char *msg_id);
void		 reply_no_memory(struct req *);
void		 reply_bytes(struct req *, const char *type,
		    const char *filename, const void *, size_t);
void		 reply_headers(struct req *);
void		 reply_page(struct req *, const struct page *);

/* html.c */
const char	*T(const struct req *, const char *id);
const char	*html_site(const struct req *, const char *id);
void		 html_begin(struct req *, struct evbuffer *, const char *title);
void		 html_end(struct req *, struct evbuffer *);
void		 html_esc(struct evbuffer *, const char *);
void		 html_csrf(struct req *, struct evbuffer *);
const char	*html_time(int64_t us, char *buf, size_t len);
int		 html_day(const char *, int64_t *us, int end_of_day);
void		 html_bps(struct evbuffer *, double bps);

/* state.c: the figures pages show, read by a thread off the loop. */
int		 state_start(struct webui *);
void		 state_take(struct webui *);	/* on the loop, each second */
void		 state_stop(struct webui *);

/* page-bandwidth.c: the tree of sites with their rates (any thread). */
json_t		*page_bandwidth_tree(const struct conf *,
		    const struct agent_state *, const json_t *poller);

/* svg.c */
void		 svg_chart(struct evbuffer *, const double *in,
		    const double *out, size_t n, int64_t t0, int step,
		    double capacity);

/* The audit trail, with the request's user and address. */
void		 reply_audit(struct req *, const char *action,
		    const char *object, const char *outcome, const char *fmt,
		    ...) __attribute__((format(printf, 5, 6)));

#endif
