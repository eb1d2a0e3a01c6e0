/*
 * What one client can hold of the web UI: connections and requests.
 *
 * A connection is counted from its accept: for its address (at most
 * WEBUI_MAX_CONNS_IP) and in all (WEBUI_MAX_CONNS).  From the accept it
 * has WEBUI_DEADLINE_S to finish its TLS handshake and its first request,
 * whatever it sends meanwhile (a byte a second resets evhttp's idle
 * timeout, not this).  When all are taken, a new connection sheds the
 * oldest that has not yet made a request: the slow ones go first, a
 * client that is being served keeps its place.  A connection is closed
 * by shutting its socket down: evhttp then ends it as it ends any.
 *
 * Addresses are kept in a bounded table for these counts and the request
 * and login rates; the stalest without a connection goes first.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>

#include "clock.h"
#include "webui.h"

/* Slots beyond the limit, for connections shed and not yet closed. */
#define SHED_SLACK	32

enum link_state {
	LINK_FREE,
	LINK_NEW,		/* accepted; its address not yet read */
	LINK_WAITING,		/* counted; no request yet */
	LINK_SERVED,		/* has made a request */
	LINK_SHED		/* shut down, closing */
};

struct link {
	enum link_state		 state;
	struct webui		*w;
	struct bufferevent	*bev;
	struct event		*timer;		/* the check, then the deadline */
	struct limits_client	*c;		/* counted for it */
	int64_t			 accepted_us;
};

static struct limits_client	 clients[WEBUI_CLIENTS];
static struct link		 links[WEBUI_MAX_CONNS + SHED_SLACK];
static unsigned int		 open_links;	/* not free, not shed */
static int			 tls_index = -1;

struct limits_client *
limits_client(struct webui *w, const char *ip, int64_t now)
{
	struct limits_client	*free_slot = NULL, *stalest = NULL;
	size_t			 i;

	for (i = 0; i < WEBUI_CLIENTS; i++) {
		if (strcmp(clients[i].ip, ip) == 0)
			return &clients[i];
		if (clients[i].ip[0] == '\0') {
			if (free_slot == NULL)
				free_slot = &clients[i];
		} else if (clients[i].conns == 0 && (stalest == NULL ||
		    clients[i].seen_us < stalest->seen_us))
			stalest = &clients[i];
	}
	if (free_slot == NULL) {
		if ((free_slot = stalest) == NULL)
			return NULL;	/* every address holds a connection */
		w->stats.clients_evicted++;
	}
	memset(free_slot, 0, sizeof(*free_slot));
	snprintf(free_slot->ip, sizeof(free_slot->ip), "%s", ip);
	free_slot->tokens = 4.0 * w->conf->request_rate;
	free_slot->login_tokens = w->conf->login_rate;
	free_slot->seen_us = now;
	return free_slot;
}

int
limits_take(double *tokens, double rate_per_s, double burst,
    int64_t elapsed_us)
{
	*tokens += rate_per_s * (double)elapsed_us / 1e6;
	if (*tokens > burst)
		*tokens = burst;
	if (*tokens < 1)
		return 0;
	*tokens -= 1;
	return 1;
}

static void
shed(struct link *l)
{
	evutil_socket_t	 fd = bufferevent_getfd(l->bev);

	if (l->state == LINK_SHED)
		return;
	if (fd != -1)
		shutdown(fd, SHUT_RDWR);
	evtimer_del(l->timer);
	l->w->stats.conns_shed++;
	l->state = LINK_SHED;
	open_links--;
}

/*
 * First (at once, once evhttp has given the bufferevent its socket): the
 * address, counted or refused.  Then, at the deadline: a connection that
 * has made no request by now is shed.
 */
static void
on_timer(evutil_socket_t unused, short what, void *arg)
{
	struct link		*l = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	struct timeval		 deadline = { WEBUI_DEADLINE_S, 0 };
	char			 ip[INET6_ADDRSTRLEN];
	evutil_socket_t		 fd = bufferevent_getfd(l->bev);
	int			 one = 1;

	if (l->state == LINK_WAITING) {
		l->w->stats.conns_late++;
		shed(l);
		return;
	}
	if (l->state != LINK_NEW)
		return;
	if (fd == -1 || getpeername(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, ip, sizeof(ip), NULL, 0,
	    NI_NUMERICHOST) != 0 ||
	    (l->c = limits_client(l->w, ip, clock_wall_us())) == NULL ||
	    l->c->conns >= WEBUI_MAX_CONNS_IP) {
		l->c = NULL;
		l->w->stats.refused_conns++;
		shed(l);
		return;
	}
	l->c->conns++;
	l->state = LINK_WAITING;
	/*
	 * A response goes out in a few TLS records; Nagle's algorithm would
	 * hold the last behind the client's delayed ACK (40 ms on Linux).
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	evtimer_add(l->timer, &deadline);
}

/* The TLS session is freed with its connection: its slot goes back. */
static void
tls_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	struct link	*l = ptr;

	if (l == NULL)
		return;
	if (l->c != NULL && l->c->conns > 0)
		l->c->conns--;
	if (l->state != LINK_SHED)
		open_links--;
	event_free(l->timer);
	l->w->stats.conns--;
	memset(l, 0, sizeof(*l));
}

/* The oldest connection that has made no request. */
static struct link *
oldest_waiting(void)
{
	struct link	*old = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if ((links[i].state == LINK_NEW ||
		    links[i].state == LINK_WAITING) && (old == NULL ||
		    links[i].accepted_us < old->accepted_us))
			old = &links[i];
	return old;
}

/*
 * evhttp's bufferevent for each accepted connection.  One refused gets a
 * bufferevent without TLS: its first bytes fail to parse as HTTP and
 * evhttp closes it at once, before any handshake is paid for.
 */
struct bufferevent *
limits_bufferevent(struct event_base *base, void *arg)
{
	struct webui	*w = arg;
	struct link	*l = NULL, *old;
	struct timeval	 now = { 0, 0 };
	SSL		*ssl;
	size_t		 i;

	if (open_links >= WEBUI_MAX_CONNS && (old = oldest_waiting()) != NULL)
		shed(old);
	for (i = 0; open_links < WEBUI_MAX_CONNS &&
	    i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].state == LINK_FREE) {
			l = &links[i];
			break;
		}
	if (l == NULL) {
		w->stats.refused_conns++;
		return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	}
	if ((ssl = SSL_new(w->tls)) == NULL)
		return NULL;
	if ((l->timer = evtimer_new(base, on_timer, l)) == NULL ||
	    (l->bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		if (l->timer != NULL)
			event_free(l->timer);
		SSL_free(ssl);
		memset(l, 0, sizeof(*l));
		return NULL;
	}
	l->w = w;
	l->state = LINK_NEW;
	l->accepted_us = clock_mono_us();
	SSL_set_ex_data(ssl, tls_index, l);
	open_links++;
	w->stats.conns++;
	evtimer_add(l->timer, &now);
	return l->bev;
}

/*
 * A request arrived on its connection: the connection has met its
 * deadline, and is no longer one to shed.  Its address's entry, or NULL
 * for a connection not counted (refused).
 */
struct limits_client *
limits_request(struct evhttp_request *ev)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
				    evhttp_request_get_connection(ev));
	size_t			 i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		struct link	*l = &links[i];

		if (l->bev != bev || l->state == LINK_FREE)
			continue;
		if (l->state == LINK_NEW)
			on_timer(-1, 0, l);	/* the check, now */
		if (l->state == LINK_WAITING) {
			evtimer_del(l->timer);
			l->state = LINK_SERVED;
		}
		return l->state == LINK_SERVED ? l->c : NULL;
	}
	return NULL;
}

int
limits_init(void)
{
	if (tls_index < 0)
		tls_index = SSL_get_ex_new_index(0, NULL, NULL, NULL,
		    tls_free);
	return tls_index < 0 ? -1 : 0;
}
