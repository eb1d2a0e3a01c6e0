/*
 * HTML: the frame of every page (navigation by role, language switch,
 * the user and a logout form), escaping, and the words of the interface
 * (lib/words.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "webui.h"
#include "words.h"

/* Short as gettext's _(): it is on nearly every line of a page. */
const char *
T(const struct req *r, const char *id)
{
	return words_text(id, r->en);
}

/* A site as people name it, in the page's language; its id if unknown. */
const char *
html_site(const struct req *r, const char *id)
{
	const struct conf_site	*s;
	int			 k;

	if (id == NULL || *id == '\0' || (k = conf_site_index(r->w->conf,
	    id)) < 0)
		return id;
	s = &r->w->conf->sites.v[k];
	if (r->en)
		return s->name_en[0] != '\0' ? s->name_en : id;
	return s->name_zh[0] != '\0' ? s->name_zh : id;
}

void
html_esc(struct evbuffer *b, const char *s)
{
	const char	*p;

	for (p = s ? s : ""; *p != '\0'; p++)
		switch (*p) {
		case '<':
			evbuffer_add(b, "&lt;", 4);
			break;
		case '>':
			evbuffer_add(b, "&gt;", 4);
			break;
		case '&':
			evbuffer_add(b, "&amp;", 5);
			break;
		case '"':
			evbuffer_add(b, "&quot;", 6);
			break;
		case '\'':
			evbuffer_add(b, "&#39;", 5);
			break;
		default:
			evbuffer_add(b, p, 1);
		}
}

void
html_csrf(struct req *r, struct evbuffer *b)
{
	if (r->session != NULL)
		evbuffer_add_printf(b, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">", r->session->csrf);
}

/* "2026-12-04": its start, or with end_of_day the next day's. */
int
html_day(const char *s, int64_t *us, int end_of_day)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	tm.tm_mday += end_of_day;	/* mktime() carries into the month */
	tm.tm_isdst = -1;
	*us = (int64_t)mktime(&tm) * 1000000;
	return 0;
}

const char *
html_time(int64_t us, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(us / 1000000);

	if (us == 0)
		return "-";
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

void
html_bps(struct evbuffer *b, double bps)
{
	if (bps >= 1e9)
		evbuffer_add_printf(b, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1e6)
		evbuffer_add_printf(b, "%.2f Mbit/s", bps / 1e6);
	else
		evbuffer_add_printf(b, "%.0f kbit/s", bps / 1e3);
}

static const struct nav {
	const char	*path, *word;
	unsigned int	 roles;
} nav[] = {
	{ "/",		"overview",	ROLES_ALL },
	{ "/bandwidth",	"bandwidth",	ROLES_ALL },
	{ "/violations", "violations",	ROLES_ALL },
	{ "/devices",	"devices",	ROLES_ALL },
	{ "/exceptions", "exceptions",	ROLE_BIT(ROLE_SECADMIN) |
	    ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/audit",	"audit",	ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/reports",	"reports",	ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/users",	"users",	ROLE_BIT(ROLE_SYSADMIN) },
	{ "/user-changes", "user_changes", ROLE_BIT(ROLE_SYSADMIN) |
	    ROLE_BIT(ROLE_SECADMIN) | ROLE_BIT(ROLE_AUDITADMIN) },
	{ "/settings",	"settings",	ROLE_BIT(ROLE_SYSADMIN) },
	{ "/account",	"account",	ROLES_ALL },
};

void
html_begin(struct req *r, struct evbuffer *b, const char *title)
{
	size_t	 i;

	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width\"><title>", r->en ? "en" : "zh-CN");
	html_esc(b, title);
	evbuffer_add_printf(b, " · zonewatch</title><link rel=\"icon\" "
	    "href=\"/static/favicon.svg\" type=\"image/svg+xml\"><link "
	    "rel=\"stylesheet\" href=\"/static/style.css\"><script "
	    "src=\"/static/app.js\" "
	    "defer></script></head><body><header><a class=\"brand\" "
	    "href=\"/\">zonewatch %s</a><nav>", r->en ? "" : "政务外网监测");
	for (i = 0; r->session != NULL && !r->session->must_change &&
	    i < sizeof(nav) / sizeof(nav[0]); i++)
		if (nav[i].roles & ROLE_BIT(r->session->role))
			evbuffer_add_printf(b, "<a href=\"%s\"%s>%s</a>",
			    nav[i].path, strcmp(nav[i].path, r->path) == 0 ?
			    " class=\"here\"" : "", T(r, nav[i].word));
	evbuffer_add_printf(b, "</nav><div class=\"who\"><a href=\"?lang=%s\" "
	    "id=\"lang\">%s</a>", r->en ? "zh" : "en", r->en ? "中文" :
	    "English");
	if (r->session != NULL) {
		evbuffer_add_printf(b, " <span id=\"user\">");
		html_esc(b, r->session->user);
		evbuffer_add_printf(b, " (%s)</span><form method=\"post\" "
		    "action=\"/logout\" class=\"inline\">",
		    users_role_text(r->session->role, r->en));
		html_csrf(r, b);
		evbuffer_add_printf(b, "<button>%s</button></form>",
		    T(r, "logout"));
	}
	evbuffer_add_printf(b, "</div></header><main><h1>");
	html_esc(b, title);
	evbuffer_add_printf(b, "</h1>");
}

void
html_end(struct req *r, struct evbuffer *b)
{
	evbuffer_add_printf(b, "</main><footer>zonewatch %s · %s</footer>"
	    "</body></html>\n", ZW_VERSION, r->en ? "extranet isolation and "
	    "bandwidth monitoring" : "政务外网隔离与带宽监测");
}
