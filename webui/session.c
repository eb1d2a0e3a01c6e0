/*
 * Sessions in memory: a bounded table (WEBUI_SESSIONS), each with a
 * random id (256 bits) that the cookie carries and a CSRF token that
 * every form and API change must echo.  A session ends after
 * webui-idle seconds without a request or WEBUI_SESSION_MAX_S in all; when the
 * table is full, the longest idle one is ended (and counted).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clock.h"
#include "webui.h"

static int
random_hex(char out[65])
{
	unsigned char	 r[32];
	int		 i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}

static int
expired(const struct webui *w, const struct session *s, int64_t now)
{
	return now - s->seen_us > w->conf->webui_idle_s * 1000000LL ||
	    now - s->created_us > WEBUI_SESSION_MAX_S * 1000000LL;
}

struct session *
session_new(struct webui *w, const struct user *u, int must_change,
    const char *ip)
{
	struct session	*s, *pick = NULL;
	int64_t		 now = clock_wall_us();
	size_t		 i;

	for (i = 0; i < WEBUI_SESSIONS; i++) {
		s = &w->sessions[i];
		if (!s->used || expired(w, s, now)) {
			pick = s;
			break;
		}
		if (pick == NULL || s->seen_us < pick->seen_us)
			pick = s;
	}
	if (pick->used && !expired(w, pick, now))
		w->stats.sessions_evicted++;
	memset(pick, 0, sizeof(*pick));
	if (random_hex(pick->id) == -1 || random_hex(pick->csrf) == -1)
		return NULL;
	snprintf(pick->user, sizeof(pick->user), "%s", u->name);
	pick->uid = u->id;
	pick->generation = u->generation;
	pick->role = u->role;
	pick->must_change = must_change;
	snprintf(pick->ip, sizeof(pick->ip), "%s", ip);
	pick->created_us = pick->seen_us = now;
	pick->used = 1;
	return pick;
}

struct session *
session_find(struct webui *w, const char *id)
{
	struct session	*s;
	int64_t		 now = clock_wall_us();
	size_t		 i;

	if (id == NULL || strlen(id) != 64)
		return NULL;
	for (i = 0; i < WEBUI_SESSIONS; i++) {
		s = &w->sessions[i];
		if (!s->used || CRYPTO_memcmp(s->id, id, 64) != 0)
			continue;
		if (expired(w, s, now)) {
			session_end(s);
			return NULL;
		}
		s->seen_us = now;
		return s;
	}
	return NULL;
}

void
session_end(struct session *s)
{
	if (s != NULL)
		memset(s, 0, sizeof(*s));
}

const char *
session_follow(struct webui *w, struct session *s)
{
	struct user	 u;
	int		 rc;

	if ((rc = users_get(w->admin, s->user, &u)) == STORE_ERR)
		return "the account could not be read";
	if (rc != 0 || u.id != s->uid)
		return "the account was removed";
	if (u.disabled)
		return "the account was disabled";
	if (u.sealed == 0)
		return "the account's row was changed outside zonewatch";
	if (u.generation != s->generation)
		return "the account's password, role or second factor changed";
	s->role = u.role;
	if (u.must_change)
		s->must_change = 1;
	return NULL;
}

int
session_end_user(struct webui *w, const char *user,
    const struct session *keep)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < WEBUI_SESSIONS; i++)
		if (w->sessions[i].used && &w->sessions[i] != keep &&
		    strcmp(w->sessions[i].user, user) == 0) {
			session_end(&w->sessions[i]);
			n++;
		}
	return n;
}

int
session_csrf_ok(const struct session *s, const char *token)
{
	return s != NULL && token != NULL && strlen(token) == 64 &&
	    CRYPTO_memcmp(s->csrf, token, 64) == 0;
}
