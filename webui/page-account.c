/*
 * Logging in and out, and one's own account: the password and the
 * second factor.  The login form carries a token of its own (a cookie
 * and a field that must agree), so that no other site can log a browser
 * in; every login, failure and change is audited.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clock.h"
#include "form.h"
#include "log.h"
#include "pages.h"

#define COOKIE_FLAGS	"; Path=/; Secure; HttpOnly; SameSite=Strict"

static void
login_form(struct req *r, int status, const char *msg_id, const char *name,
    int ask_code)
{
	struct evbuffer	*b = evbuffer_new();
	unsigned char	 rnd[16];
	char		 pre[33], cookie[96];
	int		 i;

	if (b == NULL || RAND_bytes(rnd, sizeof(rnd)) != 1) {
		evbuffer_free(b);
		evhttp_send_error(r->ev, 500, NULL);
		return;
	}
	for (i = 0; i < 16; i++)
		snprintf(pre + 2 * i, 3, "%02x", rnd[i]);
	snprintf(cookie, sizeof(cookie), "zw_pre=%s" COOKIE_FLAGS, pre);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Set-Cookie", cookie);
	html_begin(r, b, T(r, "login"));
	if (msg_id != NULL) {
		evbuffer_add_printf(b, "<p class=\"error\" id=\"message\">");
		html_esc(b, T(r, msg_id));
		evbuffer_add_printf(b, "</p>");
	}
	evbuffer_add_printf(b, "<form method=\"post\" action=\"/login\" "
	    "class=\"login\"><input type=\"hidden\" name=\"pre\" value=\"%s\">"
	    "<label>%s <input name=\"user\" autocomplete=\"username\" "
	    "required value=\"", pre, T(r, "user"));
	html_esc(b, name ? name : "");
	evbuffer_add_printf(b, "\"></label><label>%s <input type=\"password\" "
	    "name=\"password\" autocomplete=\"current-password\" required>"
	    "</label><label>%s <input name=\"code\" inputmode=\"numeric\" "
	    "autocomplete=\"one-time-code\"%s></label><button id=\"login\">%s"
	    "</button></form>", T(r, "password"), T(r, "code"), ask_code ?
	    " autofocus" : "", T(r, "login"));
	html_end(r, b);
	reply_html(r, status, b);
	evbuffer_free(b);
}

void
page_login_form(struct req *r)
{
	if (r->session != NULL && !r->api) {
		reply_redirect(r, "/");
		return;
	}
	login_form(r, 200, NULL, NULL, 0);
}

static int
pre_token_ok(struct req *r)
{
	struct form	 cookies;
	const char	*h, *c, *f;

	h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Cookie");
	if (h == NULL || form_parse_cookies(&cookies, h, strlen(h)) == -1)
		return 0;
	c = form_get(&cookies, "zw_pre");
	f = form_get(&r->body, "pre");
	return c != NULL && f != NULL && strlen(c) == 32 && strlen(f) == 32 &&
	    CRYPTO_memcmp(c, f, 32) == 0;
}

static void
login_failed(struct req *r, int status, const char *msg_id,
    const char *name, int code)
{
	if (r->api) {
		reply_error(r, status, msg_id);
		return;
	}
	login_form(r, status, msg_id, name, code);
}

void
page_login(struct req *r)
{
	const char	*name = form_get(&r->body, "user");
	const char	*pw = form_get(&r->body, "password");
	const char	*code = form_get(&r->body, "code");
	char		 hash[160];

	/* Browsers carry the form's token; API clients an explicit header. */
	if (!pre_token_ok(r) && !(r->api && evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "X-Zonewatch-Login"))) {
		reply_error(r, 403, "bad_csrf");
		return;
	}
	if (name == NULL || pw == NULL || !users_name_valid(name) ||
	    strlen(pw) > USER_PASSWORD_MAX) {
		login_failed(r, 401, "bad_login", name, 0);
		return;
	}
	users_login_hash(r->w->admin, name, hash, sizeof(hash));
	if (login_pool_submit(r, name, pw, code, hash) == -1) {
		r->w->stats.logins_refused++;
		reply_error(r, 503, "too_many");
	}
}

static const char *
login_why(enum user_login rc)
{
	switch (rc) {
	case LOGIN_BAD_CODE:
		return "wrong or used one-time code";
	case LOGIN_DISABLED:
		return "account disabled";
	case LOGIN_LOCKED:
		return "account locked";
	case LOGIN_FORGED:
		return "account not written by zonewatch (its row's MAC does "
		    "not hold)";
	case LOGIN_ERROR:
		return "the store could not be read";
	default:
		return "wrong user name or password";
	}
}

void
page_login_finish(struct req *r, const char *name, const char *code,
    int password_ok)
{
	struct session	*s;
	struct user	 u;
	char		 cookie[160];
	json_t		*j;
	enum user_login	 rc;

	rc = users_login_finish(r->w->admin, name, password_ok, code, r->ip,
	    clock_wall_us(), &u);
	switch (rc) {
	case LOGIN_OK:
	case LOGIN_EXPIRED:
		break;
	case LOGIN_NEED_CODE:
		login_failed(r, 401, "need_code", name, 1);
		return;
	default:
		/*
		 * The trail says why; the client is told the same words for
		 * an unknown, disabled or locked account and a wrong password.
		 */
		r->w->stats.login_failures++;
		if (rc == LOGIN_FORGED)
			log_warnx("login: %s: %s", name, login_why(rc));
		reply_audit(r, "login", name, rc == LOGIN_LOCKED ||
		    rc == LOGIN_DISABLED || rc == LOGIN_FORGED ? "denied" :
		    "failed", "%s",
		    login_why(rc));
		rc = users_login_told(rc);
		login_failed(r, 401, rc == LOGIN_BAD_CODE ? "bad_code" :
		    "bad_login", name, rc == LOGIN_BAD_CODE);
		return;
	}
	if ((s = session_new(r->w, &u, rc == LOGIN_EXPIRED, r->ip)) == NULL) {
		reply_error(r, 500, "failed");
		return;
	}
	r->session = s;
	r->w->stats.logins++;
	reply_audit(r, "login", name, "ok", "%s", rc == LOGIN_EXPIRED ?
	    "the password must change" : "");
	snprintf(cookie, sizeof(cookie), "zw_session=%s" COOKIE_FLAGS, s->id);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Set-Cookie", cookie);
	if (r->api) {
		j = json_pack("{s:s,s:s,s:s,s:b}", "user", s->user, "role",
		    users_role_name(s->role), "csrf", s->csrf, "must_change",
		    s->must_change);
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, s->must_change ? "/account" : "/");
}

void
page_logout(struct req *r)
{
	reply_audit(r, "logout", r->session->user, "ok", "%s", "");
	session_end(r->session);
	r->session = NULL;
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Set-Cookie", "zw_session=; Max-Age=0" COOKIE_FLAGS);
	reply_redirect(r, "/login");
}

json_t *
page_account_model(struct req *r, int *status)
{
	struct user	 u;

	if (users_get(r->w->admin, r->session->user, &u) != 0) {
		*status = 404;
		return NULL;
	}
	return json_pack("{s:s,s:s,s:I,s:I,s:b,s:b,s:i}", "user", u.name,
	    "role", users_role_name(u.role), "password_set", (json_int_t)
	    (u.password_us / 1000000), "last_login", (json_int_t)
	    (u.last_login_us / 1000000), "totp", u.totp[0] != '\0',
	    "must_change", r->session->must_change, "password_days",
	    USER_EXPIRY_DAYS);
}

void
page_account_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*msg = form_get(&r->query, "msg");

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "account"));
	if (r->session->must_change)
		evbuffer_add_printf(b, "<p class=\"error\">%s</p>",
		    T(r, "expired"));
	if (msg != NULL && (strcmp(msg, "password_changed") == 0 ||
	    strcmp(msg, "failed") == 0)) {
		evbuffer_add_printf(b, "<p class=\"note\" id=\"message\">%s</p>",
		    T(r, msg));
	}
	evbuffer_add_printf(b, "<h2>%s</h2><form method=\"post\" action=\""
	    "/account/password\">", T(r, "change_password"));
	html_csrf(r, b);
	evbuffer_add_printf(b, "<label>%s <input type=\"password\" name=\""
	    "current\" required></label><label>%s <input type=\"password\" "
	    "name=\"new\" required minlength=\"%d\"></label><p class=\"hint\">"
	    "%s</p><button>%s</button></form>", T(r, "current_password"),
	    T(r, "new_password"), USER_PASSWORD_MIN, r->en ? "At least 10 "
	    "characters of three kinds (lower, upper, digits, others), not "
	    "your name; kept 90 days." : "至少 10 位，含大写、小写、数字、"
	    "符号中的三类，不含用户名；有效期 90 天。", T(r, "save"));
	if (!r->session->must_change) {
		evbuffer_add_printf(b, "<h2>%s</h2><form method=\"post\" "
		    "action=\"/account/totp\">", T(r, "totp"));
		html_csrf(r, b);
		if (json_is_true(json_object_get(m, "totp")))
			evbuffer_add_printf(b, "<p>%s</p><input type=\"hidden\" "
			    "name=\"op\" value=\"off\"><label>%s <input type="
			    "\"password\" name=\"password\" required></label>"
			    "<label>%s <input name=\"code\" inputmode=\"numeric"
			    "\" autocomplete=\"one-time-code\" required></label>"
			    "<button>%s</button>", r->en ? "On. To switch it "
			    "off, give your password and a code." : "已启用。停用"
			    "须输入密码和验证码。", T(r, "password"), T(r, "code"),
			    T(r, "disable"));
		else
			evbuffer_add_printf(b, "<p>%s</p><input type=\"hidden\" "
			    "name=\"op\" value=\"on\"><button>%s</button>",
			    r->en ? "Off." : "未启用。", T(r, "enable"));
		evbuffer_add_printf(b, "</form>");
	}
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

void
page_password(struct req *r)
{
	struct user	 u;
	const char	*cur = form_get(&r->body, "current");
	const char	*pw = form_get(&r->body, "new");
	const char	*why;
	int		 rc = STORE_INVALID;

	if (cur == NULL || pw == NULL ||
	    users_get(r->w->admin, r->session->user, &u) != 0 ||
	    !users_hash_check(u.hash, cur))
		why = "the current password is wrong";
	else if ((why = users_password_problem(u.name, pw)) == NULL &&
	    (rc = users_set_password(r->w->admin, u.name, pw, 0)) != 0)
		why = "the new password is the old one";
	reply_audit(r, "password-change", r->session->user, why ? "failed" :
	    "ok", "%s", why ? why : "");
	if (why != NULL) {
		if (r->api) {
			json_t *j = json_pack("{s:i,s:s}", "status", 400,
			    "error", why);

			reply_json(r, 400, j);
			json_decref(j);
		} else
			reply_redirect(r, "/account?msg=failed");
		return;
	}
	/* This session goes on with the new generation; the others end. */
	if (users_get(r->w->admin, u.name, &u) == 0)
		r->session->generation = u.generation;
	r->session->must_change = 0;
	if ((rc = session_end_user(r->w, u.name, r->session)) > 0)
		reply_audit(r, "session-end", u.name, "ok", "%d other sessions:"
		    " the password changed", rc);
	if (r->api) {
		json_t *j = json_pack("{s:s}", "result", "ok");

		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/account?msg=password_changed");
}

/*
 * The second factor (RFC 6238).  "on" makes a secret and shows it once,
 * as text and as the otpauth URI; it counts only when "confirm" brings a
 * first valid code for it.  "off" needs the password and a code.
 */
static void
totp_refused(struct req *r, const char *why)
{
	json_t	*j;

	reply_audit(r, "user-totp", r->session->user, "failed", "%s", why);
	if (r->api) {
		j = json_pack("{s:i,s:s,s:s}", "status", 400, "error",
		    "bad_code", "message", why);
		reply_json(r, 400, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/account?msg=failed");
}

static void
totp_changed(struct req *r, const char *action, const char *result)
{
	struct user	 u;
	json_t		*j;

	/* The change ends the other sessions; this one goes on. */
	if (users_get(r->w->admin, r->session->user, &u) == 0)
		r->session->generation = u.generation;
	session_end_user(r->w, r->session->user, r->session);
	reply_audit(r, action, r->session->user, "ok", "%s", "");
	if (r->api) {
		j = json_pack("{s:s}", "result", result);
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	reply_redirect(r, "/account");
}

static void
totp_show(struct req *r, const char *secret)
{
	struct evbuffer	*b;
	json_t		*j;

	reply_audit(r, "user-totp-begin", r->session->user, "ok", "%s", "");
	if (r->api) {
		j = json_pack("{s:s}", "secret", secret);
		reply_json(r, 200, j);
		json_decref(j);
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		reply_error(r, 500, "failed");
		return;
	}
	html_begin(r, b, T(r, "totp"));
	evbuffer_add_printf(b, "<p>%s</p><p class=\"secret\" id=\"secret\">%s"
	    "</p><p class=\"hint\">otpauth://totp/zonewatch:", r->en ? "Add "
	    "this secret to your authenticator; it is shown once. It counts "
	    "once a first code confirms it." : "请将此密钥加入身份验证器；仅显示"
	    "一次。输入首个验证码确认后生效。", secret);
	html_esc(b, r->session->user);
	evbuffer_add_printf(b, "?secret=%s&amp;issuer=zonewatch</p><form "
	    "method=\"post\" action=\"/account/totp\"><input type=\"hidden\" "
	    "name=\"op\" value=\"confirm\">", secret);
	html_csrf(r, b);
	evbuffer_add_printf(b, "<label>%s <input name=\"code\" inputmode=\""
	    "numeric\" autocomplete=\"one-time-code\" required></label><button"
	    " id=\"confirm\">%s</button></form>", T(r, "code"), T(r, "enable"));
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

void
page_totp(struct req *r)
{
	struct user	 u;
	const char	*op = form_get(&r->body, "op");
	const char	*code = form_get(&r->body, "code");
	const char	*pw = form_get(&r->body, "password");
	char		 secret[USER_TOTP_SECRET + 1] = "";
	int64_t		 now = clock_wall_us();

	if (op == NULL || users_get(r->w->admin, r->session->user, &u) != 0) {
		reply_error(r, 400, "bad_request");
		return;
	}
	if (strcmp(op, "on") == 0) {
		if (u.totp[0] != '\0') {
			totp_refused(r, "already on: switch it off first");
			return;
		}
		if (totp_secret_new(secret) == -1 ||
		    users_totp_begin(r->w->admin, u.name, secret) != 0) {
			reply_error(r, 500, "failed");
			return;
		}
		totp_show(r, secret);
	} else if (strcmp(op, "confirm") == 0) {
		if (users_totp_confirm(r->w->admin, u.name, code, now) != 0)
			totp_refused(r, "the code does not fit the new secret");
		else
			totp_changed(r, "user-totp-on", "on");
	} else if (strcmp(op, "off") == 0) {
		if (u.totp[0] == '\0') {
			totp_refused(r, "not on");
			return;
		}
		if (pw == NULL || !users_hash_check(u.hash, pw))
			totp_refused(r, "the password is wrong");
		else if (users_totp_use(r->w->admin, u.name, code, now) != 0)
			totp_refused(r, "wrong or used one-time code");
		else if (users_set_totp(r->w->admin, u.name, "") != 0)
			reply_error(r, 500, "failed");
		else
			totp_changed(r, "user-totp-off", "off");
	} else
		reply_error(r, 400, "bad_request");
}
