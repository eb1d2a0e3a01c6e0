/*
 * The administrators (GB/T 22239-2019 level 3, 8.1.4.1 and 8.1.5):
 * three separated roles, the system, security and audit administrators,
 * and read-only viewers for the network staff.  Passwords are kept as
 * salted scrypt hashes (RFC 7914) with a complexity rule, an expiry and
 * a lockout after repeated failures; a second factor is TOTP (RFC 6238).
 * Stored in the store's database, beside the audit trail.
 */
#ifndef ZW_USERS_H
#define ZW_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "totp.h"

#define USER_NAME_MAX		32
#define USER_PASSWORD_MIN	10
#define USER_PASSWORD_MAX	128
#define USER_MAX_FAILURES	5		/* from one address: locked there */
#define USER_MAX_FAILURES_ALL	50		/* from all: locked for everyone */
#define USER_LOCK_S		(15 * 60)
#define USER_EXPIRY_DAYS	90
#define USER_TOTP_SECRET	TOTP_SECRET_LEN
#define USER_MAC_HEX		64

#define USER_ROLES(X)							\
	X(SYSADMIN,	"sysadmin",	"系统管理员",	"System administrator")	\
	X(SECADMIN,	"secadmin",	"安全管理员",	"Security administrator") \
	X(AUDITADMIN,	"auditadmin",	"审计管理员",	"Audit administrator")	\
	X(VIEWER,	"viewer",	"只读用户",	"Viewer")

#define USER_ROLE_ENUM(id, name, zh, en)	ROLE_##id,
enum user_role {
	USER_ROLES(USER_ROLE_ENUM)
	ROLE_NROLES
};
#undef USER_ROLE_ENUM

struct user {
	int64_t		 id;
	char		 name[USER_NAME_MAX + 1];
	enum user_role	 role;
	char		 hash[160];
	int64_t		 password_us;		/* when it was set */
	int		 must_change;		/* set by an administrator */
	int		 failures;
	int64_t		 locked_until_us;
	char		 totp[USER_TOTP_SECRET + 1];	/* "" if none */
	int		 disabled;
	int64_t		 created_us;
	int64_t		 last_login_us;
	int64_t		 generation;	/* sessions of an older one are over */
	int64_t		 totp_step;	/* the last step a code was taken for */
	char		 totp_pending[USER_TOTP_SECRET + 1];	/* to confirm */
	int		 sealed;	/* 1 its MAC holds, 0 it does not, -1
					   no key to tell */
};

/*
 * Results of users_login().  What a client is told must not tell them
 * apart where that would list accounts or show a lock: LOGIN_BAD,
 * LOGIN_LOCKED and LOGIN_DISABLED read the same to it (users_login_told).
 */
enum user_login {
	LOGIN_OK,
	LOGIN_BAD,		/* no such user or a wrong password */
	LOGIN_NEED_CODE,	/* the password was right; a TOTP code is due */
	LOGIN_BAD_CODE,		/* wrong, or a code already used */
	LOGIN_LOCKED,		/* for this address, or for everyone */
	LOGIN_DISABLED,
	LOGIN_FORGED,		/* a row zonewatch did not write */
	LOGIN_EXPIRED,		/* right, but the password must change */
	LOGIN_ERROR
};

const char	*users_role_name(enum user_role);
const char	*users_role_text(enum user_role, int en);
int		 users_role_parse(const char *);
int		 users_name_valid(const char *);

/* NULL if the password is acceptable, else why not (English). */
const char	*users_password_problem(const char *name, const char *password);
/* scrypt$N$r$p$salt$hash, base64. */
int		 users_hash(const char *password, char *out, size_t len);
int		 users_hash_check(const char *hash, const char *password);

int		 users_add(struct store *, const char *name, enum user_role,
		    const char *password, int must_change);
/* The same with a hash made earlier (a change confirmed later). */
int		 users_add_hash(struct store *, const char *name,
		    enum user_role, const char *hash, int must_change);
int		 users_set_hash(struct store *, const char *name,
		    const char *hash, int must_change);
int		 users_get(struct store *, const char *name, struct user *);
typedef int	(*users_fn)(void *, const struct user *);
int		 users_list(struct store *, users_fn, void *);
int		 users_count(struct store *, int64_t *n);
/*
 * Changes that end the account's sessions bump its generation: a new
 * password, a role, disabling, a second factor set or cleared.
 */
int		 users_set_password(struct store *, const char *name,
		    const char *password, int must_change);
int		 users_set_role(struct store *, const char *name, enum user_role);
int		 users_set_disabled(struct store *, const char *name, int);
int		 users_set_totp(struct store *, const char *name,
		    const char *secret);
/* Unlocks the account for every address. */
int		 users_unlock(struct store *, const char *name);

/*
 * The second factor, enrolled by the account itself: a secret kept
 * pending until a first valid code confirms it.  A code is taken once:
 * its step must be later than the last one taken.
 */
int		 users_totp_begin(struct store *, const char *name,
		    const char *secret);
int		 users_totp_confirm(struct store *, const char *name,
		    const char *code, int64_t now_us);
int		 users_totp_use(struct store *, const char *name,
		    const char *code, int64_t now_us);

/*
 * Checks a login and counts it.  Failures lock the account for the
 * address they came from after USER_MAX_FAILURES, and for everyone after
 * USER_MAX_FAILURES_ALL from all addresses, for USER_LOCK_S (or until
 * unlocked).  code is the TOTP code or NULL.  Every answer costs one
 * scrypt, whoever asks about whatever name.
 */
enum user_login	 users_login(struct store *, const char *name,
		    const char *password, const char *code,
		    const char *address, int64_t now_us, struct user *);
/*
 * The same in two steps, so that the scrypt between them can run on
 * another thread: the hash to check the password against (a stand-in of
 * the same cost for an unknown name), then the decision.
 */
void		 users_login_hash(struct store *, const char *name,
		    char *hash, size_t len);
enum user_login	 users_login_finish(struct store *, const char *name,
		    int password_ok, const char *code, const char *address,
		    int64_t now_us, struct user *);
/* What the client is told: LOGIN_BAD for what must not be told apart. */
enum user_login	 users_login_told(enum user_login);

#endif
