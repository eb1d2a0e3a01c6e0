/*
 * Changes of an account of another administrator role (lib/
 * user-changes.h): asked for on the users page, they wait here until an
 * administrator of a third role confirms or refuses them.  Both steps
 * are in the audit trail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "pages.h"
#include "user-changes.h"

void
page_user_wait(struct req *r, const char *action, const char *name,
    enum user_role role, const char *password)
{
	struct user_change	 c;
	json_t			*j;
	int			 rc;

	memset(&c, 0, sizeof(c));
	snprintf(c.action, sizeof(c.action), "%s", action);
	snprintf(c.target, sizeof(c.target), "%s", name);
	snprintf(c.requested_by, sizeof(c.requested_by), "%s",
	    r->session->user);
	c.role = role;
	c.requested_role = r->session->role;
	if (password != NULL && (users_password_problem(name, password) !=
	    NULL || users_hash(password, c.hash, sizeof(c.hash)) == -1)) {
		reply_error(r, 400, "failed");
		return;
	}
	rc = userchg_request(r->w->admin, &c);
	reply_audit(r, "user-change-request", name, rc == 0 ? "ok" : "failed",
	    "%s %s, waits for a second administrator", action,
	    users_role_name(role));
	if (rc != 0) {
		reply_error(r, rc == STORE_INVALID ? 400 : 500, "failed");
		return;
	}
	if (r->api) {
		j = json_pack("{s:s,s:s,s:I}", "user", name, "result",
		    "pending", "change", (json_int_t)c.id);
		reply_json(r, 202, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/user-changes");
}

static const char *const state_names[] = { "pending", "confirmed",
	"refused" };

static int
add_change(void *arg, const struct user_change *c)
{
	json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,"
	    "s:s,s:s,s:I}", "id", (json_int_t)c->id, "action", c->action,
	    "user", c->target, "role", users_role_name(c->role),
	    "requested_by", c->requested_by, "requested_role",
	    users_role_name(c->requested_role), "requested", (json_int_t)
	    (c->requested_us / 1000000), "state", (unsigned)c->state < 3 ?
	    state_names[c->state] : "?", "decided_by", c->decided_by,
	    "decided", (json_int_t)(c->decided_us / 1000000)));
	return 0;
}

json_t *
page_user_changes_model(struct req *r, int *status)
{
	json_t	*list = json_array();

	if (userchg_list(r->w->admin, 0, 100, add_change, list) != 0) {
		json_decref(list);
		*status = 500;
		return NULL;
	}
	return json_pack("{s:o}", "changes", list);
}

void
page_user_changes_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*c;
	char		 when[32];
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "user_changes"));
	evbuffer_add_printf(b, "<p class=\"hint\">%s</p><table id=\"changes\">"
	    "<tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th></th></tr>", r->en ? "Accounts of another "
	    "administrator role are created, granted, re-enabled or reset "
	    "only once an administrator of a third role confirms." :
	    "创建、授权、重新启用或重置其他管理员角色的账号，须由第三种角色的"
	    "管理员确认后生效。", T(r, "user"), T(r, "role"),
	    r->en ? "Asked by" : "申请人", r->en ? "Asked" : "申请时间",
	    T(r, "status"));
	json_array_foreach(json_object_get(m, "changes"), i, c) {
		long long	 id = (long long)json_integer_value(
				    json_object_get(c, "id"));
		const char	*state = json_string_value(json_object_get(c,
				    "state"));

		evbuffer_add_printf(b, "<tr><td>%lld</td><td>", id);
		html_esc(b, json_string_value(json_object_get(c, "action")));
		evbuffer_add_printf(b, " ");
		html_esc(b, json_string_value(json_object_get(c, "user")));
		evbuffer_add_printf(b, "</td><td>%s</td><td>", users_role_text(
		    (enum user_role)users_role_parse(json_string_value(
		    json_object_get(c, "role"))), r->en));
		html_esc(b, json_string_value(json_object_get(c,
		    "requested_by")));
		evbuffer_add_printf(b, "</td><td>%s</td><td>", html_time(
		    json_integer_value(json_object_get(c, "requested")) *
		    1000000, when, sizeof(when)));
		html_esc(b, state);
		if (strcmp(state, "pending") != 0) {
			evbuffer_add_printf(b, " ");
			html_esc(b, json_string_value(json_object_get(c,
			    "decided_by")));
			evbuffer_add_printf(b, "</td><td></td></tr>");
			continue;
		}
		evbuffer_add_printf(b, "</td><td><form method=\"post\" class="
		    "\"inline\" action=\"/user-changes/%lld\">", id);
		html_csrf(r, b);
		evbuffer_add_printf(b, "<button name=\"op\" value=\"confirm\">"
		    "%s</button> <button name=\"op\" value=\"refuse\">%s"
		    "</button></form></td></tr>", r->en ? "Confirm" : "确认",
		    r->en ? "Refuse" : "拒绝");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

void
page_user_decide(struct req *r)
{
	struct user_change	 c;
	const char		*op = form_get(&r->body, "op");
	char			*end;
	long long		 id;
	json_t			*j;
	int			 rc, confirm;

	errno = 0;
	id = strtoll(r->rest, &end, 10);
	if (op == NULL || (strcmp(op, "confirm") != 0 &&
	    strcmp(op, "refuse") != 0) || id <= 0 || errno != 0 || *end ||
	    userchg_get(r->w->admin, id, &c) != 0) {
		reply_error(r, 400, "bad_request");
		return;
	}
	confirm = strcmp(op, "confirm") == 0;
	rc = userchg_decide(r->w->admin, id, confirm, r->session->user,
	    r->session->role);
	reply_audit(r, confirm ? "user-change-confirm" : "user-change-refuse",
	    c.target, rc == 0 ? "ok" : rc == STORE_INVALID ? "denied" :
	    "failed", "change %lld: %s %s asked by %s", id, c.action,
	    users_role_name(c.role), c.requested_by);
	if (rc != 0) {
		reply_error(r, rc == STORE_INVALID ? 403 : rc ==
		    STORE_NOTFOUND ? 404 : 500, rc == STORE_INVALID ?
		    "forbidden" : rc == STORE_NOTFOUND ? "not_found" :
		    "failed");
		return;
	}
	/* A role granted or a password reset ends the account's sessions. */
	if (confirm && strcmp(c.action, "add") != 0)
		session_end_user(r->w, c.target, NULL);
	if (r->api) {
		j = json_pack("{s:I,s:s}", "change", (json_int_t)id, "result",
		    confirm ? "confirmed" : "refused");
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/user-changes");
}
