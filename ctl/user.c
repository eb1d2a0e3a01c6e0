/*
 * zwctl user: the administrators, for the system administrator at the
 * console.  The first one is made here (there is no default password);
 * the web UI manages the rest.  Passwords are read from the terminal,
 * twice, or once from standard input with --password-stdin.  Every
 * change is written to the audit trail.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "user-changes.h"
#include "users.h"
#include "zwctl.h"

enum { O_ROLE = 256, O_STDIN, O_BY, O_OFF, O_MUST_CHANGE };

static const struct option opts[] = {
	{ "role",		required_argument, NULL, O_ROLE },
	{ "password-stdin",	no_argument,	   NULL, O_STDIN },
	{ "by",			required_argument, NULL, O_BY },
	{ "off",		no_argument,	   NULL, O_OFF },
	{ "must-change",	no_argument,	   NULL, O_MUST_CHANGE },
	{ NULL,			0,		   NULL, 0 }
};

struct args {
	const char	*name;
	const char	*by;
	int		 role;
	int		 from_stdin;
	int		 off;
	int		 must_change;
};

static int
parse_args(int argc, char **argv, struct args *a, int want_name)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->role = -1;
	a->by = zwctl_actor(NULL);
	optind = 0;	/* glibc: start over with a new argv */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_ROLE:
			if ((a->role = users_role_parse(optarg)) < 0) {
				log_warnx("role %s: sysadmin, secadmin, "
				    "auditadmin or viewer", optarg);
				return -1;
			}
			break;
		case O_STDIN:
			a->from_stdin = 1;
			break;
		case O_BY:
			a->by = optarg;
			break;
		case O_OFF:
			a->off = 1;
			break;
		case O_MUST_CHANGE:
			a->must_change = 1;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != want_name) {
		log_warnx(want_name ? "user %s: give one user name" :
		    "user %s: takes no name", argv[0]);
		return -1;
	}
	a->name = want_name ? argv[optind] : NULL;
	return 0;
}

/* One line from stdin, or from the terminal without echo. */
static int
read_secret(const char *prompt, int from_stdin, char *buf, size_t len)
{
	struct termios	 t, quiet;
	FILE		*in = stdin;
	int		 tty = !from_stdin && isatty(STDIN_FILENO), rv = 0;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &t);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)len, in) == NULL)
		rv = -1;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return rv;
}

static int
new_password(const struct args *a, char *pw, size_t len)
{
	char		 again[USER_PASSWORD_MAX + 2];
	const char	*why;

	if (read_secret("password: ", a->from_stdin, pw, len) == -1)
		return -1;
	if ((why = users_password_problem(a->name, pw)) != NULL) {
		log_warnx("password refused: %s", why);
		return -1;
	}
	if (!a->from_stdin && isatty(STDIN_FILENO)) {
		if (read_secret("again: ", 0, again, sizeof(again)) == -1 ||
		    strcmp(again, pw) != 0) {
			log_warnx("the passwords differ");
			return -1;
		}
	}
	return 0;
}

static int
done(struct store *s, const struct args *a, const char *action, int rc,
    const char *detail)
{
	audit_log(s, a->by, "sysadmin", "console", action, a->name,
	    rc == 0 ? "ok" : "failed", "%s", detail);
	switch (rc) {
	case 0:
		break;
	case STORE_NOTFOUND:
		log_warnx("no user %s", a->name);
		break;
	case STORE_INVALID:
		log_warnx("user %s: refused (name taken, or the password is "
		    "the old one)", a->name);
		break;
	default:
		log_warnx("%s: %s", store_path(s), store_errmsg(s));
	}
	store_close(s);
	return rc == 0 ? 0 : rc == STORE_NOTFOUND ? ZWCTL_NOTFOUND :
	    rc == STORE_INVALID ? ZWCTL_USAGE : ZWCTL_FAILED;
}

static int
sub_add(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;
	char		 pw[USER_PASSWORD_MAX + 2];

	if (parse_args(argc, argv, &a, 1) == -1 || a.role < 0) {
		log_warnx("usage: zwctl user add NAME --role ROLE "
		    "[--password-stdin] [--must-change]");
		return ZWCTL_USAGE;
	}
	if (!users_name_valid(a.name)) {
		log_warnx("user name %s: letters, digits, '.', '_', '-', "
		    "from a letter, at most %d", a.name, USER_NAME_MAX);
		return ZWCTL_USAGE;
	}
	if (new_password(&a, pw, sizeof(pw)) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	return done(s, &a, "user-add", users_add(s, a.name,
	    (enum user_role)a.role, pw, a.must_change),
	    users_role_name((enum user_role)a.role));
}

static int
sub_passwd(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;
	char		 pw[USER_PASSWORD_MAX + 2];

	if (parse_args(argc, argv, &a, 1) == -1)
		return ZWCTL_USAGE;
	if (new_password(&a, pw, sizeof(pw)) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	return done(s, &a, "user-password", users_set_password(s, a.name, pw,
	    a.must_change), a.must_change ? "to change at next login" : "");
}

static int
sub_role(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;

	if (parse_args(argc, argv, &a, 1) == -1 || a.role < 0)
		return ZWCTL_USAGE;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	return done(s, &a, "user-role", users_set_role(s, a.name,
	    (enum user_role)a.role), users_role_name((enum user_role)a.role));
}

static int
toggle(struct zwctl *ctx, int argc, char **argv, int disable)
{
	struct args	 a;
	struct store	*s;

	if (parse_args(argc, argv, &a, 1) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	return done(s, &a, disable ? "user-disable" : "user-enable",
	    users_set_disabled(s, a.name, disable), "");
}

static int
sub_disable(struct zwctl *ctx, int argc, char **argv)
{
	return toggle(ctx, argc, argv, 1);
}

static int
sub_enable(struct zwctl *ctx, int argc, char **argv)
{
	return toggle(ctx, argc, argv, 0);
}

static int
sub_unlock(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;

	if (parse_args(argc, argv, &a, 1) == -1)
		return ZWCTL_USAGE;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	return done(s, &a, "user-unlock", users_unlock(s, a.name), "");
}

/* A new TOTP secret, shown once, as text and as the otpauth URI. */
static int
sub_totp(struct zwctl *ctx, int argc, char **argv)
{
	struct args	 a;
	struct store	*s;
	char		 secret[USER_TOTP_SECRET + 1] = "";
	int		 rc;

	if (parse_args(argc, argv, &a, 1) == -1)
		return ZWCTL_USAGE;
	if (!a.off && totp_secret_new(secret) == -1)
		return ZWCTL_FAILED;
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	rc = users_set_totp(s, a.name, secret);
	if (rc == 0 && !a.off)
		printf("%s\notpauth://totp/zonewatch:%s?secret=%s&"
		    "issuer=zonewatch\n", secret, a.name, secret);
	return done(s, &a, a.off ? "user-totp-off" : "user-totp-on", rc, "");
}

static int
print_user(void *arg, const struct user *u)
{
	char	 when[32];

	/* A row whose MAC does not hold was written outside zonewatch. */
	printf("%-20s %-11s %-8s %-9s %s\n", u->name, users_role_name(u->role),
	    u->sealed == 0 ? "FORGED" : u->disabled ? "disabled" :
	    u->failures ? "failing" : "active",
	    u->totp[0] ? "totp" : "-", u->last_login_us ?
	    zwctl_fmt_time(u->last_login_us, when, sizeof(when), 0) :
	    "never");
	return 0;
}

static int
print_change(void *arg, const struct user_change *c)
{
	static const char *const states[] = { "pending", "confirmed",
		"refused" };
	char	 when[32];

	(void)arg;
	printf("%6lld %-9s %-20s %-11s by %-20s %s %s%s%s\n",
	    (long long)c->id, c->action, c->target, users_role_name(c->role),
	    c->requested_by, zwctl_fmt_time(c->requested_us, when,
	    sizeof(when), 0), (unsigned)c->state < 3 ? states[c->state] : "?",
	    c->decided_by[0] ? " by " : "", c->decided_by);
	return 0;
}

/* A listing of the store, read only: the accounts or their changes. */
static int
list_of(struct zwctl *ctx, int argc, char **argv, int changes)
{
	struct store	*s;
	int		 rc;

	if (argc != 1)
		return zwctl_bad("user", argv[0], "takes no arguments");
	if ((s = zwctl_admin(ctx)) == NULL)
		return ZWCTL_FAILED;
	rc = changes ? userchg_list(s, 0, 100, print_change, NULL) :
	    users_list(s, print_user, NULL);
	store_close(s);
	return rc == 0 ? 0 : ZWCTL_FAILED;
}

static int
sub_list(struct zwctl *ctx, int argc, char **argv)
{
	return list_of(ctx, argc, argv, 0);
}

/* The changes of another administrator role's accounts, and who decided. */
static int
sub_changes(struct zwctl *ctx, int argc, char **argv)
{
	return list_of(ctx, argc, argv, 1);
}

static const struct zwctl_command subcommands[] = {
	{ "add",	sub_add,	"NAME --role ROLE [--password-stdin] "
					"[--must-change]" },
	{ "list",	sub_list,	"" },
	{ "changes",	sub_changes,	"" },
	{ "passwd",	sub_passwd,	"NAME [--password-stdin] "
					"[--must-change]" },
	{ "role",	sub_role,	"NAME --role ROLE" },
	{ "disable",	sub_disable,	"NAME" },
	{ "enable",	sub_enable,	"NAME" },
	{ "unlock",	sub_unlock,	"NAME" },
	{ "totp",	sub_totp,	"NAME [--off]" },
	{ NULL,		NULL,		NULL }
};

int
zwctl_user(struct zwctl *ctx, int argc, char **argv)
{
	return zwctl_subcommand(ctx, subcommands, "user",
	    "roles: sysadmin (users, devices, configuration), secadmin "
	    "(rules, violations),\n  auditadmin (audit trail, reports), "
	    "viewer (read only); --by NAME: who acts\n", argc, argv);
}
