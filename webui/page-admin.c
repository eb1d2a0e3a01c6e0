/*
 * The administrators' pages: the audit trail and reports (the audit
 * administrator's), users and settings (the system administrator's).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "afile.h"
#include "audit.h"
#include "escape.h"
#include "log.h"
#include "pages.h"
#include "parse.h"
#include "report.h"
#include "sign.h"
#include "user-changes.h"

#define REPORT_FILE_MAX	(64u << 20)

/* The audit trail ------------------------------------------------------- */

struct audit_page {
	json_t		*rows;
	int64_t		 before;
};

static int
add_record(void *arg, const struct audit_record *a)
{
	struct audit_page	*p = arg;

	if (p->before != 0 && a->id >= p->before)
		return 0;
	json_array_append_new(p->rows, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,"
	    "s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "time", (json_int_t)
	    (a->at_us / 1000000), "actor", a->actor, "role", a->role,
	    "address", a->address, "action", a->action, "object", a->object,
	    "detail", a->detail, "outcome", a->outcome, "hash", a->hash));
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "id"));

	return x < y ? 1 : x > y ? -1 : 0;
}

json_t *
page_audit_model(struct req *r, int *status)
{
	struct audit_filter	 f;
	struct audit_page	 p;
	struct audit_check	 c;
	json_t			*rows, *page, **v;
	const char		*s, *errstr;
	uint64_t		 n;
	size_t			 i, total, from;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f.actor = (s = form_get(&r->query, "actor")) && *s ? s : NULL;
	f.action = (s = form_get(&r->query, "action")) && *s ? s : NULL;
	f.outcome = (s = form_get(&r->query, "outcome")) && *s ? s : NULL;
	if ((s = form_get(&r->query, "before")) && *s) {
		if (parse_u64(s, 1, INT64_MAX, &n, &errstr) == -1) {
			*status = 400;
			return NULL;
		}
		p.before = (int64_t)n;
	}
	p.rows = json_array();
	if (audit_list(r->w->admin, &f, add_record, &p) != 0 ||
	    audit_verify(r->w->admin, &c) != 0) {
		json_decref(p.rows);
		*status = 500;
		return NULL;
	}
	/* The newest page first. */
	total = json_array_size(p.rows);
	if ((v = calloc(total + 1, sizeof(*v))) == NULL) {
		json_decref(p.rows);
		return NULL;
	}
	json_array_foreach(p.rows, i, rows)
		v[i] = rows;
	qsort(v, total, sizeof(*v), newest_first);
	page = json_array();
	from = 0;
	for (i = from; i < total && i < from + WEBUI_PAGE_ROWS; i++)
		json_array_append(page, v[i]);
	free(v);
	rows = json_pack("{s:o,s:o,s:{s:b,s:I,s:I,s:I,s:s,s:s,s:s}}", "rows",
	    page, "next", total > WEBUI_PAGE_ROWS ? json_incref(
	    json_object_get(json_array_get(page, WEBUI_PAGE_ROWS - 1), "id")) :
	    json_null(), "chain", "ok", c.ok, "records", (json_int_t)c.records,
	    "first", (json_int_t)c.first_id, "last", (json_int_t)c.last_id,
	    "alg", c.alg, "head", c.head, "reason", c.ok ? "" : c.reason);
	json_decref(p.rows);
	reply_audit(r, "audit-read", "audit", "ok", "%zu records",
	    total < WEBUI_PAGE_ROWS ? total : WEBUI_PAGE_ROWS);
	return rows;
}

/*
 * An audit record's outcome (lib/audit.h) in the page's language: its
 * word is "outcome_" and the outcome ("ok" alone is a device's state).
 */
static const char *
outcome_text(const struct req *r, const char *s)
{
	char		 id[32];
	const char	*t;

	if (s == NULL)
		return "";
	snprintf(id, sizeof(id), "outcome_%s", s);
	return (t = T(r, id)) == id ? s : t;
}

/* A role as the users page names it; "system" for the daemons. */
static const char *
role_text(const struct req *r, const char *s)
{
	int	 k = s != NULL ? users_role_parse(s) : -1;

	if (k >= 0)
		return users_role_text((enum user_role)k, r->en);
	return T(r, s);
}

void
page_audit_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*c = json_object_get(m, "chain"), *v;
	char		 when[32];
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "audit"));
	evbuffer_add_printf(b, "<p id=\"chain\" class=\"%s\">%s: %s, %lld %s, "
	    "%s <code>", json_is_true(json_object_get(c, "ok")) ? "note" :
	    "error", T(r, "audit_chain"), json_is_true(json_object_get(c,
	    "ok")) ? (r->en ? "intact" : "完整") : (r->en ? "BROKEN" :
	    "已破坏"), (long long)json_integer_value(json_object_get(c,
	    "records")), r->en ? "records" : "条", json_string_value(
	    json_object_get(c, "alg")));
	html_esc(b, json_string_value(json_object_get(c, "head")));
	evbuffer_add_printf(b, "</code> ");
	html_esc(b, json_string_value(json_object_get(c, "reason")));
	evbuffer_add_printf(b, "</p><p><a href=\"/audit/export.csv\" id=\""
	    "export\">%s CSV</a></p><table id=\"audit\"><tr><th>#</th><th>%s"
	    "</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", T(r, "download"), T(r, "time"), T(r, "actor"),
	    T(r, "address"), T(r, "action"), T(r, "detail"), T(r, "outcome"),
	    T(r, "role"));
	json_array_foreach(json_object_get(m, "rows"), i, v) {
		evbuffer_add_printf(b, "<tr><td>%lld</td><td>%s</td><td>",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    html_time(json_integer_value(json_object_get(v, "time")) *
		    1000000, when, sizeof(when)));
		html_esc(b, json_string_value(json_object_get(v, "actor")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "address")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "action")));
		evbuffer_add_printf(b, " ");
		html_esc(b, json_string_value(json_object_get(v, "object")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, json_string_value(json_object_get(v, "detail")));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, outcome_text(r, json_string_value(json_object_get(v,
		    "outcome"))));
		evbuffer_add_printf(b, "</td><td>");
		html_esc(b, role_text(r, json_string_value(json_object_get(v,
		    "role"))));
		evbuffer_add_printf(b, "</td></tr>");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

struct csv_out {
	struct evbuffer	*b;
	long		 n;
};

static void
csv_cell(struct evbuffer *b, const char *s, int last)
{
	char	 esc[AUDIT_TEXT_MAX * 2 + 8];

	escape_csv(esc, sizeof(esc), s);
	evbuffer_add_printf(b, "%s%s", esc, last ? "\r\n" : ",");
}

static int
csv_record(void *arg, const struct audit_record *a)
{
	struct csv_out	*o = arg;
	char		 id[24], when[32];

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	csv_cell(o->b, id, 0);
	csv_cell(o->b, html_time(a->at_us, when, sizeof(when)), 0);
	csv_cell(o->b, a->actor, 0);
	csv_cell(o->b, a->role, 0);
	csv_cell(o->b, a->address, 0);
	csv_cell(o->b, a->action, 0);
	csv_cell(o->b, a->object, 0);
	csv_cell(o->b, a->detail, 0);
	csv_cell(o->b, a->outcome, 0);
	csv_cell(o->b, a->hash, 1);
	o->n++;
	return 0;
}

void
page_audit_export(struct req *r)
{
	struct audit_filter	 f;
	struct csv_out		 o;
	size_t			 len;

	memset(&f, 0, sizeof(f));
	if ((o.b = evbuffer_new()) == NULL) {
		reply_no_memory(r);
		return;
	}
	o.n = 0;
	evbuffer_add_printf(o.b, "\xef\xbb\xbfid,time,actor,role,address,"
	    "action,object,detail,outcome,hash\r\n");
	audit_list(r->w->admin, &f, csv_record, &o);
	reply_audit(r, "audit-export", "audit.csv", "ok", "%ld records", o.n);
	len = evbuffer_get_length(o.b);
	reply_bytes(r, "text/csv; charset=utf-8", "audit.csv",
	    evbuffer_pullup(o.b, (ev_ssize_t)len), len);
	evbuffer_free(o.b);
}

/* Reports --------------------------------------------------------------- */

static void
list_dir(const char *top, const char *sub, json_t *out)
{
	char		 path[PATH_MAX], rel[PATH_MAX];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;

	snprintf(path, sizeof(path), "%s/%s", top, sub);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp.") != NULL)
			continue;
		snprintf(rel, sizeof(rel), "%s%s%s", sub, *sub ? "/" : "",
		    de->d_name);
		if (snprintf(path, sizeof(path), "%s/%s", top, rel) >=
		    (int)sizeof(path) || stat(path, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode) && *sub == '\0')
			list_dir(top, de->d_name, out);
		else if (S_ISREG(sb.st_mode))
			json_array_append_new(out, json_pack("{s:s,s:I,s:I}",
			    "name", rel, "bytes", (json_int_t)sb.st_size,
			    "time", (json_int_t)sb.st_mtime));
	}
	closedir(d);
}

static int
by_name_desc(const void *a, const void *b)
{
	return -strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "name")), json_string_value(json_object_get(*(json_t *const *)b,
	    "name")));
}

/*
 * The kinds of report a role makes and reads: the auditor all of them;
 * the security administrator the security report, for the violations
 * the officer answers for.  A file is of the kind its name begins with.
 */
static const struct {
	enum user_role	 role;
	const char	*kind;		/* NULL: every kind */
} report_roles[] = {
	{ ROLE_AUDITADMIN,	NULL },
	{ ROLE_SECADMIN,	"security" },
};

static int
may_report(const struct req *r, const char *name)
{
	const char	*base = strrchr(name, '/') ? strrchr(name, '/') + 1 :
			    name;
	size_t		 i, n;

	for (i = 0; i < sizeof(report_roles) / sizeof(report_roles[0]); i++) {
		if (report_roles[i].role != r->session->role)
			continue;
		if (report_roles[i].kind == NULL)
			return 1;
		n = strlen(report_roles[i].kind);
		if (strncmp(base, report_roles[i].kind, n) == 0 &&
		    (base[n] == '\0' || base[n] == '-'))
			return 1;
	}
	return 0;
}

json_t *
page_reports_model(struct req *r, int *status)
{
	json_t	*files = json_array(), *sorted = json_array(), **v, *f;
	size_t	 i, n;

	list_dir(r->w->conf->report_dir, "", files);
	n = json_array_size(files);
	if ((v = calloc(n + 1, sizeof(*v))) != NULL) {
		json_array_foreach(files, i, f)
			v[i] = f;
		qsort(v, n, sizeof(*v), by_name_desc);
		for (i = 0; i < n; i++)
			if (may_report(r, json_string_value(
			    json_object_get(v[i], "name"))))
				json_array_append(sorted, v[i]);
		free(v);
	}
	json_decref(files);
	return json_pack("{s:o}", "files", sorted);
}

void
page_reports_view(struct req *r, json_t *m)
{
	static const char *const kinds[] = { "network", "security", "audit" };
	static const char *const fmts[] = { "pdf", "csv", "json" };
	struct evbuffer	*b = evbuffer_new();
	json_t		*f;
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "reports"));
	evbuffer_add_printf(b, "<form method=\"post\" action=\"/reports\" "
	    "class=\"filters\" id=\"make\">");
	html_csrf(r, b);
	evbuffer_add_printf(b, "<label>%s <select name=\"kind\">",
	    T(r, "kind"));
	for (i = 0; i < 3; i++)
		if (may_report(r, kinds[i]))
			evbuffer_add_printf(b, "<option value=\"%s\">%s"
			    "</option>", kinds[i], T(r, kinds[i]));
	evbuffer_add_printf(b, "</select></label><label>%s <input type=\"date\""
	    " name=\"since\" required></label><label>%s <input type=\"date\" "
	    "name=\"until\" required></label><label>%s <select name=\"format\">",
	    T(r, "from_day"), T(r, "to_day"), T(r, "format"));
	for (i = 0; i < 3; i++)
		evbuffer_add_printf(b, "<option>%s</option>", fmts[i]);
	evbuffer_add_printf(b, "</select></label><button>%s</button></form>"
	    "<p class=\"hint\">%s</p><table id=\"reports\"><tr><th>%s</th>"
	    "<th>%s</th></tr>", T(r, "generate"), r->en ? "Each report has a "
	    "detached signature (.sig); verify it with openssl dgst -verify "
	    "and the appliance's public key (zwctl report key)." :
	    "每份报告附有签名文件 (.sig)，可用设备公钥 (zwctl report key) 以 "
	    "openssl dgst -verify 校验。", T(r, "name"), T(r, "bytes"));
	json_array_foreach(json_object_get(m, "files"), i, f) {
		evbuffer_add_printf(b, "<tr><td><a href=\"/reports/file/");
		html_esc(b, json_string_value(json_object_get(f, "name")));
		evbuffer_add_printf(b, "\" download>");
		html_esc(b, json_string_value(json_object_get(f, "name")));
		evbuffer_add_printf(b, "</a></td><td class=\"num\">%lld</td>"
		    "</tr>", (long long)json_integer_value(json_object_get(f,
		    "bytes")));
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

static int
date_us(const char *s, int64_t *us)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end)
		return -1;
	tm.tm_isdst = -1;
	*us = (int64_t)mktime(&tm) * 1000000;
	return 0;
}

/* A report into report-dir/web, signed, audited; then the list. */
void
page_report_make(struct req *r)
{
	const struct conf	*c = r->w->conf;
	struct report_sources	 src;
	struct report		*rep = NULL;
	struct afile		*af = NULL;
	EVP_PKEY		*key = NULL;
	char			 dir[PATH_MAX], path[PATH_MAX + 64];
	char			 sig[PATH_MAX + 72], err[512] = "";
	const char		*ks = form_get(&r->body, "kind");
	const char		*fs = form_get(&r->body, "format");
	int64_t			 since, until;
	int			 kind, fmt, ok = 0;

	if (ks == NULL || fs == NULL || (kind = report_kind_parse(ks)) < 0 ||
	    (fmt = report_format_parse(fs)) < 0 ||
	    date_us(form_get(&r->body, "since"), &since) == -1 ||
	    date_us(form_get(&r->body, "until"), &until) == -1 ||
	    since >= until) {
		reply_error(r, 400, "bad_request");
		return;
	}
	if (!may_report(r, ks)) {
		reply_audit(r, "report-export", ks, "denied", "%s report: "
		    "not this role's", ks);
		reply_error(r, 403, "forbidden");
		return;
	}
	if (snprintf(dir, sizeof(dir), "%s/web", c->report_dir) >=
	    (int)sizeof(dir) ||
	    (mkdir(c->report_dir, 0750) == -1 && errno != EEXIST) ||
	    (mkdir(dir, 0750) == -1 && errno != EEXIST)) {
		reply_error(r, 500, "failed");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s-%s-%s.%s", dir, ks,
	    form_get(&r->body, "since"), form_get(&r->body, "until"), fs);
	snprintf(sig, sizeof(sig), "%s.sig", path);
	memset(&src, 0, sizeof(src));
	src.conf = c;
	src.rrd_dir = r->w->rrd_dir;
	src.store = r->w->store;
	src.admin = r->w->admin;
	src.charts = fmt == REPORT_PDF;
	if ((key = sign_key(c->report_key, 1, err, sizeof(err))) != NULL &&
	    (rep = report_new((enum report_kind)kind, since, until)) != NULL &&
	    report_build(rep, &src, err, sizeof(err)) == 0 &&
	    (af = afile_open(path)) != NULL) {
		if (report_write(rep, (enum report_format)fmt, afile_fp(af)) ==
		    0 && afile_commit(af) == 0)
			ok = sign_file(key, path, sig, err, sizeof(err)) == 0;
		else
			afile_abort(af);
	}
	reply_audit(r, "report-export", path, ok ? "ok" : "failed", "%s report"
	    " %s .. %s, %s%s", ks, form_get(&r->body, "since"),
	    form_get(&r->body, "until"), fs, ok ? ", signed" : "");
	report_free(rep);
	EVP_PKEY_free(key);
	if (!ok) {
		log_warnx("report %s: %s", path, err[0] ? err : strerror(errno));
		reply_error(r, 500, "failed");
		return;
	}
	if (r->api) {
		json_t *j = json_pack("{s:s}", "file", path + strlen(
		    c->report_dir) + 1);

		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/reports");
}

void
page_report_file(struct req *r)
{
	char		 path[PATH_MAX];
	struct stat	 sb;
	const char	*name, *type;
	void		*data;
	FILE		*fp;

	/* The path was checked: no "." segment, the table's letters only. */
	if (!may_report(r, r->rest)) {
		reply_error(r, 403, "forbidden");
		return;
	}
	if (snprintf(path, sizeof(path), "%s/%s", r->w->conf->report_dir,
	    r->rest) >= (int)sizeof(path) ||
	    stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)REPORT_FILE_MAX ||
	    (fp = fopen(path, "rb")) == NULL) {
		reply_error(r, 404, "not_found");
		return;
	}
	if ((data = malloc((size_t)sb.st_size + 1)) == NULL ||
	    fread(data, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
		fclose(fp);
		free(data);
		reply_error(r, 500, "failed");
		return;
	}
	fclose(fp);
	name = strrchr(r->rest, '/') ? strrchr(r->rest, '/') + 1 : r->rest;
	type = strstr(name, ".pdf") && !strstr(name, ".sig") ?
	    "application/pdf" : strstr(name, ".csv") && !strstr(name, ".sig") ?
	    "text/csv; charset=utf-8" : strstr(name, ".json") &&
	    !strstr(name, ".sig") ? "application/json" :
	    "application/octet-stream";
	reply_audit(r, "report-download", r->rest, "ok", "%lld bytes",
	    (long long)sb.st_size);
	reply_bytes(r, type, name, data, (size_t)sb.st_size);
	free(data);
}

/* Users ----------------------------------------------------------------- */

static int
add_user(void *arg, const struct user *u)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:b,s:b,s:i,s:I,s:I,"
	    "s:b}", "name", u->name, "role", users_role_name(u->role),
	    "disabled", u->disabled, "totp", u->totp[0] != '\0', "failures",
	    u->failures, "locked_until", (json_int_t)(u->locked_until_us /
	    1000000), "last_login", (json_int_t)(u->last_login_us / 1000000),
	    "must_change", u->must_change));
	return 0;
}

json_t *
page_users_model(struct req *r, int *status)
{
	json_t	*list = json_array();

	if (users_list(r->w->admin, add_user, list) != 0) {
		json_decref(list);
		*status = 500;
		return NULL;
	}
	return json_pack("{s:o}", "users", list);
}

void
page_users_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*u;
	char		 when[32];
	size_t		 i;
	int		 k;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "users"));
	evbuffer_add_printf(b, "<table id=\"users\"><tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>TOTP</th><th>%s</th><th></th></tr>", T(r, "user"),
	    T(r, "role"), T(r, "status"), r->en ? "Last login" : "最近登录");
	json_array_foreach(json_object_get(m, "users"), i, u) {
		const char *name = json_string_value(json_object_get(u,
		    "name"));

		evbuffer_add_printf(b, "<tr><td>");
		html_esc(b, name);
		evbuffer_add_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td><form method=\"post\" class=\"inline\" "
		    "action=\"/users/", users_role_text((enum user_role)
		    users_role_parse(json_string_value(json_object_get(u,
		    "role"))), r->en), json_is_true(json_object_get(u,
		    "disabled")) ? T(r, "disabled") : "", json_is_true(
		    json_object_get(u, "totp")) ? "✓" : "", html_time(
		    json_integer_value(json_object_get(u, "last_login")) *
		    1000000, when, sizeof(when)));
		html_esc(b, name);
		evbuffer_add_printf(b, "\">");
		html_csrf(r, b);
		evbuffer_add_printf(b, "<button name=\"op\" value=\"%s\">%s"
		    "</button> <button name=\"op\" value=\"unlock\">%s</button>"
		    "</form></td></tr>", json_is_true(json_object_get(u,
		    "disabled")) ? "enable" : "disable", json_is_true(
		    json_object_get(u, "disabled")) ? T(r, "enable") :
		    T(r, "disable"), T(r, "unlock"));
	}
	evbuffer_add_printf(b, "</table><h2>%s</h2><form method=\"post\" "
	    "action=\"/users\" id=\"add\">", T(r, "add_user"));
	html_csrf(r, b);
	evbuffer_add_printf(b, "<label>%s <input name=\"name\" required>"
	    "</label><label>%s <select name=\"role\">", T(r, "user"),
	    T(r, "role"));
	for (k = 0; k < ROLE_NROLES; k++)
		evbuffer_add_printf(b, "<option value=\"%s\">%s</option>",
		    users_role_name((enum user_role)k), users_role_text(
		    (enum user_role)k, r->en));
	evbuffer_add_printf(b, "</select></label><label>%s <input type=\""
	    "password\" name=\"password\" required></label><p class=\"hint\">"
	    "%s</p><button>%s</button></form>", T(r, "password"), r->en ?
	    "A first password, to be changed at the first login." :
	    "初始密码，首次登录须修改。", T(r, "add_user"));
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

static void
user_done(struct req *r, const char *action, const char *name, int rc,
    const char *detail)
{
	json_t	*j;

	reply_audit(r, action, name, rc == 0 ? "ok" : "failed", "%s", detail);
	if (rc != 0) {
		reply_error(r, rc == STORE_NOTFOUND ? 404 : 400, rc ==
		    STORE_NOTFOUND ? "not_found" : "failed");
		return;
	}
	if (r->api) {
		j = json_pack("{s:s,s:s}", "user", name, "result", "ok");
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/users");
}

void
page_user_add(struct req *r)
{
	const char	*name = form_get(&r->body, "name");
	const char	*role = form_get(&r->body, "role");
	const char	*pw = form_get(&r->body, "password");
	int		 k;

	if (name == NULL || role == NULL || pw == NULL ||
	    (k = users_role_parse(role)) < 0 || !users_name_valid(name)) {
		reply_error(r, 400, "bad_request");
		return;
	}
	if (userchg_needs_second(r->session->role, (enum user_role)k)) {
		page_user_wait(r, "add", name, (enum user_role)k, pw);
		return;
	}
	user_done(r, "user-add", name, users_add(r->w->admin, name,
	    (enum user_role)k, pw, 1), role);
}

void
page_user_change(struct req *r)
{
	struct user	 u;
	const char	*op = form_get(&r->body, "op"), *v;
	int		 k, rc, waits;

	if (op == NULL || !users_name_valid(r->rest)) {
		reply_error(r, 400, "bad_request");
		return;
	}
	/* Nobody disables or demotes the account they are using. */
	if (strcmp(r->rest, r->session->user) == 0 &&
	    strcmp(op, "unlock") != 0) {
		reply_error(r, 403, "forbidden");
		return;
	}
	/*
	 * Re-enabling, granting or resetting an account of another
	 * administrator role, or giving one such a role, waits for a
	 * second administrator (lib/user-changes.h).
	 */
	if ((rc = users_get(r->w->admin, r->rest, &u)) != 0) {
		reply_error(r, rc == STORE_NOTFOUND ? 404 : 500, rc ==
		    STORE_NOTFOUND ? "not_found" : "failed");
		return;
	}
	v = form_get(&r->body, strcmp(op, "role") == 0 ? "role" : "password");
	k = strcmp(op, "role") == 0 && v != NULL ? users_role_parse(v) : -1;
	waits = 0;
	if (strcmp(op, "enable") == 0 || (strcmp(op, "password") == 0 &&
	    v != NULL))
		waits = userchg_needs_second(r->session->role, u.role);
	else if (k >= 0)
		waits = userchg_needs_second(r->session->role, u.role) ||
		    userchg_needs_second(r->session->role, (enum user_role)k);
	if (waits) {
		page_user_wait(r, op, r->rest, k >= 0 ? (enum user_role)k :
		    u.role, strcmp(op, "password") == 0 ? v : NULL);
		return;
	}
	if (strcmp(op, "disable") == 0 || strcmp(op, "enable") == 0)
		rc = users_set_disabled(r->w->admin, r->rest,
		    strcmp(op, "disable") == 0);
	else if (strcmp(op, "unlock") == 0)
		rc = users_unlock(r->w->admin, r->rest);
	else if (strcmp(op, "role") == 0 && (v = form_get(&r->body, "role")) &&
	    (k = users_role_parse(v)) >= 0)
		rc = users_set_role(r->w->admin, r->rest, (enum user_role)k);
	else if (strcmp(op, "password") == 0 &&
	    (v = form_get(&r->body, "password")) != NULL)
		rc = users_set_password(r->w->admin, r->rest, v, 1);
	else {
		reply_error(r, 400, "bad_request");
		return;
	}
	/* What ends the account's sessions ends them here at once. */
	if (rc == 0 && strcmp(op, "enable") != 0 && strcmp(op, "unlock") != 0 &&
	    (k = session_end_user(r->w, r->rest, NULL)) > 0)
		reply_audit(r, "session-end", r->rest, "ok", "%d sessions: %s",
		    k, op);
	user_done(r, strcmp(op, "disable") == 0 ? "user-disable" :
	    strcmp(op, "enable") == 0 ? "user-enable" : strcmp(op, "unlock") ==
	    0 ? "user-unlock" : strcmp(op, "role") == 0 ? "user-role" :
	    "user-password", r->rest, rc, op);
}

/* Settings -------------------------------------------------------------- */

/* The summary, then every setting of the table as the file has it. */
json_t *
page_settings_model(struct req *r, int *status)
{
	const struct conf		*c = r->w->conf;
	const struct conf_setting	*st;
	json_t				*m, *list, *row;
	char				 v[CONF_PATH_MAX], def[CONF_PATH_MAX];
	char				 who[128];

	m = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:s}", "configuration",
	    "OK", "zones", (int)c->zones.n, "sites", (int)c->sites.n, "exits",
	    (int)c->exits.n, "rules", (int)c->rules.n, "devices",
	    (int)c->devices.n, "retention_days", (int)c->retention_days,
	    "version", ZW_VERSION);
	if (m == NULL || (list = json_array()) == NULL ||
	    json_object_set_new(m, "settings", list) == -1)
		goto fail;
	for (st = conf_settings; st->name != NULL; st++) {
		conf_setting_value(c, st, v, sizeof(v));
		conf_setting_default(st, def, sizeof(def));
		conf_setting_readers(st, who, sizeof(who));
		if ((row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name",
		    st->name, "kind", conf_setting_kind(st), "value", v,
		    "default", def, "read_by", who, "doc", st->doc, "doc_zh",
		    st->doc_zh)) == NULL ||
		    json_array_append_new(list, row) == -1)
			goto fail;
	}
	return m;
fail:
	json_decref(m);
	*status = 500;
	return NULL;
}

void
page_settings_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*k, *f;
	json_t		*v, *row;
	size_t		 i, j;
	static const char *const cols[] = { "name", "value", "default",
	    "read_by", "doc" };

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "settings"));
	evbuffer_add_printf(b, "<p class=\"hint\">%s</p><dl id=\"summary\">",
	    r->en ? "The configuration is read at start and checked with "
	    "zwctl check; these are its figures." : "配置于启动时读取，可用 "
	    "zwctl check 检查；以下为其概要。");
	json_object_foreach(m, k, v) {
		if (json_is_array(v))
			continue;
		evbuffer_add_printf(b, "<dt>%s</dt><dd>", T(r, k));
		if (json_is_string(v))
			html_esc(b, json_string_value(v));
		else
			evbuffer_add_printf(b, "%lld",
			    (long long)json_integer_value(v));
		evbuffer_add_printf(b, "</dd>");
	}
	evbuffer_add_printf(b, "</dl><table id=\"settings\"><tr>");
	for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
		evbuffer_add_printf(b, "<th>%s</th>", T(r, cols[j]));
	evbuffer_add_printf(b, "</tr>");
	json_array_foreach(json_object_get(m, "settings"), i, row) {
		evbuffer_add_printf(b, "<tr>");
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			/* The meaning in the page's language. */
			f = json_string_value(json_object_get(row,
			    !r->en && strcmp(cols[j], "doc") == 0 ? "doc_zh" :
			    cols[j]));
			evbuffer_add_printf(b, j == 0 ? "<td><code>" : "<td>");
			html_esc(b, f != NULL ? f : "");
			evbuffer_add_printf(b, j == 0 ? "</code></td>" :
			    "</td>");
		}
		evbuffer_add_printf(b, "</tr>");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}
