/*
 * Administrators in the store (schema 4), their passwords and second
 * factor.  scrypt's cost (N = 2^15, r = 8, p = 1: 32 MB and a few tens
 * of milliseconds) is what RFC 7914 suggests for interactive logins.
 *
 * Each row carries a MAC (schema 6): HMAC-SHA256 with the store's key
 * (lib/store-key.c) over what makes the account, name, role, password
 * hash and time, must-change, second factor, disabled and generation.
 * Every change zonewatch makes seals the row again; a row added or
 * edited with SQL by one who cannot read the key does not hold, and is
 * refused at login and shown by zwctl user list and audit verify.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "store-db.h"
#include "store-key.h"
#include "users.h"

#define SCRYPT_N	32768
#define SCRYPT_R	8
#define SCRYPT_P	1
#define SCRYPT_MEM	(64u << 20)
#define SALT_LEN	16
#define KEY_LEN		32

static int	seal_begin(struct store *);
static int	sealed(struct store *, const char *, int);

#define USER_ROLE_NAME(id, name, zh, en)	{ name, zh, en },
static const struct {
	const char	*name, *zh, *en;
} roles[ROLE_NROLES] = {
	USER_ROLES(USER_ROLE_NAME)
};
#undef USER_ROLE_NAME

const char *
users_role_name(enum user_role r)
{
	return (unsigned)r < ROLE_NROLES ? roles[r].name : "?";
}

const char *
users_role_text(enum user_role r, int en)
{
	return (unsigned)r < ROLE_NROLES ? (en ? roles[r].en : roles[r].zh) :
	    "?";
}

int
users_role_parse(const char *s)
{
	int	 i;

	for (i = 0; i < ROLE_NROLES; i++)
		if (strcmp(s, roles[i].name) == 0)
			return i;
	return -1;
}

/* Letters, digits, '.', '_' and '-', starting with a letter. */
int
users_name_valid(const char *s)
{
	size_t	 i;

	if (s == NULL || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= USER_NAME_MAX || !(isalnum((unsigned char)s[i]) ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

const char *
users_password_problem(const char *name, const char *pw)
{
	size_t	 len = strlen(pw), i;
	int	 lower = 0, upper = 0, digit = 0, other = 0;

	if (len < USER_PASSWORD_MIN)
		return "at least 10 characters";
	if (len > USER_PASSWORD_MAX)
		return "at most 128 characters";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];

		if (islower(c))
			lower = 1;
		else if (isupper(c))
			upper = 1;
		else if (isdigit(c))
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return "three of: lower case, upper case, digits, other signs";
	if (name != NULL && name[0] != '\0' && strcasestr(pw, name) != NULL)
		return "not the user's name";
	return NULL;
}

static int
b64(const unsigned char *in, int len, char *out, size_t outlen)
{
	if ((size_t)(4 * ((len + 2) / 3) + 1) > outlen)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, len);
	return 0;
}

static int
scrypt(const char *pw, const unsigned char *salt, size_t saltlen,
    uint64_t n, uint64_t r, uint64_t p, unsigned char *key, size_t keylen)
{
	return EVP_PBE_scrypt(pw, strlen(pw), salt, saltlen, n, r, p,
	    SCRYPT_MEM, key, keylen) == 1 ? 0 : -1;
}

int
users_hash(const char *pw, char *out, size_t len)
{
	unsigned char	 salt[SALT_LEN], key[KEY_LEN];
	char		 s64[32], k64[64];

	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    scrypt(pw, salt, sizeof(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, key,
	    sizeof(key)) == -1 ||
	    b64(salt, sizeof(salt), s64, sizeof(s64)) == -1 ||
	    b64(key, sizeof(key), k64, sizeof(k64)) == -1)
		return -1;
	return snprintf(out, len, "scrypt$%d$%d$%d$%s$%s", SCRYPT_N, SCRYPT_R,
	    SCRYPT_P, s64, k64) < (int)len ? 0 : -1;
}

int
users_hash_check(const char *hash, const char *pw)
{
	unsigned char	 salt[64], want[64], got[KEY_LEN];
	char		 s64[64], k64[96];
	unsigned long	 n, r, p;
	int		 slen, klen;

	if (sscanf(hash, "scrypt$%lu$%lu$%lu$%63[^$]$%95s", &n, &r, &p, s64,
	    k64) != 5 || n < 1024 || n > (1u << 20) || r < 1 || r > 32 ||
	    p < 1 || p > 4)
		return 0;
	slen = EVP_DecodeBlock(salt, (unsigned char *)s64, (int)strlen(s64));
	klen = EVP_DecodeBlock(want, (unsigned char *)k64, (int)strlen(k64));
	/* Decoding counts the padding as bytes: SALT_LEN and KEY_LEN pad. */
	if (slen < SALT_LEN || klen < KEY_LEN)
		return 0;
	if (scrypt(pw, salt, SALT_LEN, n, r, p, got, sizeof(got)) == -1)
		return 0;
	return CRYPTO_memcmp(got, want, KEY_LEN) == 0;
}

/* Runs a prepared change of one row: 0, or what went wrong. */
static int
step_change(struct store *s, sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_INVALID :
		    STORE_ERR;
	return sqlite3_changes(store_db(s)) > 0 ? 0 : STORE_NOTFOUND;
}

static int
exec_user(struct store *s, const char *sql, const char *name,
    const char *text, int64_t a, int64_t b)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	return step_change(s, st);
}

/*
 * A statement on one user's rows (?1 the name, ?2 an address, ?3 a
 * number; those it does not name are not bound), which may change none:
 * 0 or STORE_ERR.
 */
static int
exec_name(struct store *s, const char *sql, const char *name,
    const char *address, int64_t a)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	if (name != NULL)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (address != NULL)
		sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : STORE_ERR;
}

/* Sets a user's hash, by insert (a new user) or update. */
static int
put_hash(struct store *s, const char *sql, const char *name,
    enum user_role role, const char *hash, int must_change)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, clock_wall_us());
	sqlite3_bind_int(st, 4, must_change != 0);
	sqlite3_bind_int(st, 5, role);
	return step_change(s, st);
}

int
users_add(struct store *s, const char *name, enum user_role role,
    const char *pw, int must_change)
{
	char	 hash[160];

	if (!users_name_valid(name) || (unsigned)role >= ROLE_NROLES ||
	    users_password_problem(name, pw) != NULL)
		return STORE_INVALID;
	if (users_hash(pw, hash, sizeof(hash)) == -1)
		return STORE_ERR;
	return users_add_hash(s, name, role, hash, must_change);
}

int
users_add_hash(struct store *s, const char *name, enum user_role role,
    const char *hash, int must_change)
{
	if (!users_name_valid(name) || (unsigned)role >= ROLE_NROLES ||
	    strncmp(hash, "scrypt$", 7) != 0)
		return STORE_INVALID;
	if (seal_begin(s) != 0)
		return STORE_ERR;
	return sealed(s, name, put_hash(s, "INSERT INTO users (name, hash,"
	    " password_us, must_change, role, created_us) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?3)", name, role, hash, must_change));
}

static void
row_user(sqlite3_stmt *st, struct user *u)
{
	const unsigned char	*t;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->name, sizeof(u->name), "%s",
	    (t = sqlite3_column_text(st, 1)) ? (const char *)t : "");
	u->role = (enum user_role)sqlite3_column_int(st, 2);
	snprintf(u->hash, sizeof(u->hash), "%s",
	    (t = sqlite3_column_text(st, 3)) ? (const char *)t : "");
	u->password_us = sqlite3_column_int64(st, 4);
	u->must_change = sqlite3_column_int(st, 5);
	u->failures = sqlite3_column_int(st, 6);
	u->locked_until_us = sqlite3_column_int64(st, 7);
	snprintf(u->totp, sizeof(u->totp), "%s",
	    (t = sqlite3_column_text(st, 8)) ? (const char *)t : "");
	u->disabled = sqlite3_column_int(st, 9);
	u->created_us = sqlite3_column_int64(st, 10);
	u->last_login_us = sqlite3_column_int64(st, 11);
	u->generation = sqlite3_column_int64(st, 12);
	u->totp_step = sqlite3_column_int64(st, 13);
	snprintf(u->totp_pending, sizeof(u->totp_pending), "%s",
	    (t = sqlite3_column_text(st, 14)) ? (const char *)t : "");
}

#define SELECT_USER	"SELECT id, name, role, hash, password_us,"	\
	" must_change, failures, locked_until_us, totp, disabled,"	\
	" created_us, last_login_us, generation, totp_step, totp_pending,"	\
	" mac FROM users"

/* The row's MAC, in hex; -1 if it could not be made. */
static int
row_mac(const unsigned char *key, const struct user *u,
    char out[USER_MAC_HEX + 1])
{
	unsigned char	 h[32];
	char		 buf[1024];
	size_t		 n = 0;
	int		 len;

	len = snprintf(buf, sizeof(buf), "zonewatch-user-1,%zu:%s,%d,%zu:%s,"
	    "%lld,%d,%zu:%s,%d,%lld", strlen(u->name), u->name, (int)u->role,
	    strlen(u->hash), u->hash, (long long)u->password_us,
	    u->must_change != 0, strlen(u->totp), u->totp, u->disabled != 0,
	    (long long)u->generation);
	if (len < 0 || (size_t)len >= sizeof(buf) ||
	    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, STORE_KEY_LEN,
	    (unsigned char *)buf, (size_t)len, h, sizeof(h), &n) == NULL ||
	    n != sizeof(h))
		return -1;
	for (n = 0; n < sizeof(h); n++)
		snprintf(out + 2 * n, 3, "%02x", h[n]);
	return 0;
}

/* Whether the row read holds its MAC (u->sealed). */
static void
row_check(struct store *s, sqlite3_stmt *st, struct user *u)
{
	const unsigned char	*key = store_key_made(s), *t;
	char			 want[USER_MAC_HEX + 1];

	t = sqlite3_column_text(st, 15);
	if (key == NULL)
		u->sealed = -1;
	else
		u->sealed = t != NULL && row_mac(key, u, want) == 0 &&
		    strlen((const char *)t) == USER_MAC_HEX &&
		    CRYPTO_memcmp(t, want, USER_MAC_HEX) == 0;
}

/* Writes the MAC of name's row as it is now: 0 or STORE_ERR. */
static int
seal(struct store *s, const char *name)
{
	const unsigned char	*key;
	struct user		 u;
	char			 mac[USER_MAC_HEX + 1];
	int			 rc;

	if ((key = store_key(s)) == NULL)
		return STORE_ERR;
	if ((rc = users_get(s, name, &u)) != 0)
		return rc;
	if (row_mac(key, &u, mac) == -1)
		return STORE_ERR;
	rc = exec_user(s, "UPDATE users SET mac = ?2 WHERE name = ?1", name,
	    mac, 0, 0);
	return rc == STORE_NOTFOUND ? 0 : rc;
}

/*
 * A change of what the MAC covers and its seal are one: a crash between
 * them would leave a row that reads forged.  A savepoint, so that it
 * nests in a caller's transaction (a confirmed change).
 */
static int
seal_begin(struct store *s)
{
	if (store_key(s) == NULL || sqlite3_exec(store_db(s),
	    "SAVEPOINT user_row", NULL, NULL, NULL) != SQLITE_OK)
		return STORE_ERR;
	return 0;
}

static int
sealed(struct store *s, const char *name, int rc)
{
	if (rc == 0)
		rc = seal(s, name);
	if (sqlite3_exec(store_db(s), rc == 0 ? "RELEASE user_row" :
	    "ROLLBACK TO user_row; RELEASE user_row", NULL, NULL, NULL) !=
	    SQLITE_OK && rc == 0)
		rc = STORE_ERR;
	return rc;
}

int
users_seal_unsealed(struct store *s)
{
	sqlite3_stmt	*st;
	char		 name[USER_NAME_MAX + 1];
	int		 n = 0;

	for (;;) {
		if (sqlite3_prepare_v2(store_db(s), "SELECT name FROM users"
		    " WHERE mac = '' LIMIT 1", -1, &st, NULL) != SQLITE_OK)
			return -1;
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return n;
		}
		snprintf(name, sizeof(name), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (seal(s, name) != 0)
			return -1;
		n++;
	}
}

int
users_get(struct store *s, const char *name, struct user *u)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), SELECT_USER " WHERE name = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_user(st, u);
		row_check(s, st, u);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOTFOUND :
	    STORE_ERR;
}

int
users_list(struct store *s, users_fn fn, void *arg)
{
	struct user	 u;
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s), SELECT_USER " ORDER BY role, name",
	    -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_user(st, &u);
		row_check(s, st, &u);
		if (fn(arg, &u) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : STORE_ERR;
}

int
users_count(struct store *s, int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM users"
	    " WHERE disabled = 0", -1, &st, NULL) != SQLITE_OK)
		return STORE_ERR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : STORE_ERR;
}

int
users_set_password(struct store *s, const char *name, const char *pw,
    int must_change)
{
	struct user	 u;
	char		 hash[160];
	int		 rc;

	if (users_password_problem(name, pw) != NULL)
		return STORE_INVALID;
	if ((rc = users_get(s, name, &u)) != 0)
		return rc;
	/* A new password is a new one: not the one it replaces. */
	if (users_hash_check(u.hash, pw))
		return STORE_INVALID;
	if (users_hash(pw, hash, sizeof(hash)) == -1)
		return STORE_ERR;
	return users_set_hash(s, name, hash, must_change);
}

int
users_set_hash(struct store *s, const char *name, const char *hash,
    int must_change)
{
	int	 rc;

	if (strncmp(hash, "scrypt$", 7) != 0)
		return STORE_INVALID;
	if (seal_begin(s) != 0)
		return STORE_ERR;
	if ((rc = sealed(s, name, put_hash(s, "UPDATE users SET hash = ?2,"
	    " password_us = ?3, must_change = ?4, failures = 0,"
	    " locked_until_us = 0, generation = generation + 1 WHERE name ="
	    " ?1", name, 0, hash, must_change))) != 0)
		return rc;
	return exec_name(s, "DELETE FROM login_failures WHERE name = ?1",
	    name, NULL, 0);
}

int
users_set_role(struct store *s, const char *name, enum user_role role)
{
	if ((unsigned)role >= ROLE_NROLES)
		return STORE_INVALID;
	if (seal_begin(s) != 0)
		return STORE_ERR;
	return sealed(s, name, exec_user(s, "UPDATE users SET role = ?2,"
	    " generation = generation + 1 WHERE name = ?1", name, NULL, role,
	    0));
}

int
users_set_disabled(struct store *s, const char *name, int disabled)
{
	if (seal_begin(s) != 0)
		return STORE_ERR;
	return sealed(s, name, exec_user(s, "UPDATE users SET disabled = ?2,"
	    " generation = generation + ?2 WHERE name = ?1", name, NULL,
	    disabled != 0, 0));
}

int
users_set_totp(struct store *s, const char *name, const char *secret)
{
	if (seal_begin(s) != 0)
		return STORE_ERR;
	return sealed(s, name, exec_user(s, "UPDATE users SET totp = ?2,"
	    " totp_pending = '', totp_step = 0, generation = generation + 1"
	    " WHERE name = ?1", name, secret ? secret : "", 0, 0));
}

int
users_unlock(struct store *s, const char *name)
{
	int	 rc;

	if ((rc = exec_user(s, "UPDATE users SET failures = ?2,"
	    " locked_until_us = 0 WHERE name = ?1", name, NULL, 0, 0)) != 0)
		return rc;
	return exec_name(s, "DELETE FROM login_failures WHERE name = ?1",
	    name, NULL, 0);
}

int
users_totp_begin(struct store *s, const char *name, const char *secret)
{
	return exec_user(s, "UPDATE users SET totp_pending = ?2 WHERE name ="
	    " ?1", name, secret, 0, 0);
}

/* Takes the code's step if it is later than the last one taken. */
static int
take_step(struct store *s, const char *name, const char *secret,
    int64_t last, const char *code, int64_t now, int confirm)
{
	int64_t	 step;

	if (secret[0] == '\0' || code == NULL ||
	    (step = totp_step_of(secret, code, now / 1000000)) < 0 ||
	    step <= last)
		return STORE_INVALID;
	if (!confirm)
		return exec_user(s, "UPDATE users SET totp_step = ?3 WHERE"
		    " name = ?1 AND ?2 = 0 AND totp_step < ?3", name, NULL, 0,
		    step);
	if (seal_begin(s) != 0)
		return STORE_ERR;
	return sealed(s, name, exec_user(s, "UPDATE users SET totp ="
	    " totp_pending, totp_pending = '', totp_step = ?3 WHERE name = ?1"
	    " AND ?2 = 0", name, NULL, 0, step));
}

int
users_totp_confirm(struct store *s, const char *name, const char *code,
    int64_t now)
{
	struct user	 u;
	int		 rc;

	if ((rc = users_get(s, name, &u)) != 0)
		return rc;
	return take_step(s, name, u.totp_pending, u.totp_step, code, now, 1);
}

int
users_totp_use(struct store *s, const char *name, const char *code,
    int64_t now)
{
	struct user	 u;
	int		 rc;

	if ((rc = users_get(s, name, &u)) != 0)
		return rc;
	return take_step(s, name, u.totp, u.totp_step, code, now, 0);
}

/*
 * A failure counts for the address it came from and for the account;
 * rows of addresses that no longer hold a lock are pruned as they pass,
 * so the table stays within what the login rate lets in.
 */
static void
count_failure(struct store *s, struct user *u, const char *address,
    int64_t now)
{
	sqlite3_stmt	*st;
	int64_t		 lock = now + USER_LOCK_S * 1000000LL;

	if (sqlite3_prepare_v2(store_db(s), "INSERT INTO login_failures"
	    " (name, address, failures, locked_until_us, seen_us) VALUES"
	    " (?1, ?2, 1, 0, ?3) ON CONFLICT (name, address) DO UPDATE SET"
	    " failures = CASE WHEN failures + 1 >= ?5 THEN 0 ELSE failures + 1"
	    " END, locked_until_us = CASE WHEN failures + 1 >= ?5 THEN ?4 ELSE"
	    " locked_until_us END, seen_us = ?3", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, lock);
		sqlite3_bind_int(st, 5, USER_MAX_FAILURES);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	exec_name(s, "DELETE FROM login_failures WHERE seen_us < ?3 AND"
	    " locked_until_us < ?3", NULL, NULL,
	    now - USER_LOCK_S * 1000000LL);
	if (++u->failures >= USER_MAX_FAILURES_ALL) {
		u->failures = 0;
		u->locked_until_us = lock;
	}
	exec_user(s, "UPDATE users SET failures = ?2, locked_until_us = ?3"
	    " WHERE name = ?1", u->name, NULL, u->failures,
	    u->locked_until_us);
}

static int
locked_here(struct store *s, const char *name, const char *address,
    int64_t now)
{
	sqlite3_stmt	*st;
	int		 locked = 0;

	if (sqlite3_prepare_v2(store_db(s), "SELECT locked_until_us FROM"
	    " login_failures WHERE name = ?1 AND address = ?2", -1, &st,
	    NULL) != SQLITE_OK)
		return 1;		/* unknown: the safe answer */
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		locked = sqlite3_column_int64(st, 0) > now;
	sqlite3_finalize(st);
	return locked;
}

/* Of the same cost as a real hash: scrypt$N$r$p with a 16-byte salt. */
#define STAND_IN_HASH	"scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"	\
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

void
users_login_hash(struct store *s, const char *name, char *hash, size_t len)
{
	struct user	 u;

	if (users_get(s, name, &u) == 0 && u.hash[0] != '\0')
		snprintf(hash, len, "%s", u.hash);
	else
		snprintf(hash, len, "%s", STAND_IN_HASH);
}

enum user_login
users_login_finish(struct store *s, const char *name, int password_ok,
    const char *code, const char *address, int64_t now, struct user *u)
{
	int64_t	 step;
	int	 rc;

	if ((rc = users_get(s, name, u)) != 0)
		return rc == STORE_NOTFOUND ? LOGIN_BAD : LOGIN_ERROR;
	if (u->sealed == 0)
		return LOGIN_FORGED;
	if (u->disabled)
		return LOGIN_DISABLED;
	if (u->locked_until_us > now || locked_here(s, name, address, now))
		return LOGIN_LOCKED;
	if (!password_ok) {
		count_failure(s, u, address, now);
		return LOGIN_BAD;
	}
	if (u->totp[0] != '\0') {
		if (code == NULL || code[0] == '\0')
			return LOGIN_NEED_CODE;
		step = totp_step_of(u->totp, code, now / 1000000);
		if (step < 0 || step <= u->totp_step) {
			count_failure(s, u, address, now);
			return LOGIN_BAD_CODE;
		}
		u->totp_step = step;
		exec_user(s, "UPDATE users SET totp_step = ?2 WHERE name = ?1",
		    u->name, NULL, step, 0);
	}
	u->failures = 0;
	u->last_login_us = now;
	exec_user(s, "UPDATE users SET failures = 0, last_login_us = ?2 WHERE"
	    " name = ?1", u->name, NULL, now, 0);
	exec_name(s, "DELETE FROM login_failures WHERE name = ?1 AND"
	    " address = ?2", u->name, address, 0);
	if (u->must_change || u->password_us + USER_EXPIRY_DAYS * 86400LL *
	    1000000 < now)
		return LOGIN_EXPIRED;
	return LOGIN_OK;
}

enum user_login
users_login(struct store *s, const char *name, const char *pw,
    const char *code, const char *address, int64_t now, struct user *u)
{
	char	 hash[160];

	users_login_hash(s, name, hash, sizeof(hash));
	return users_login_finish(s, name, users_hash_check(hash, pw), code,
	    address, now, u);
}

enum user_login
users_login_told(enum user_login rc)
{
	return rc == LOGIN_LOCKED || rc == LOGIN_DISABLED ||
	    rc == LOGIN_FORGED ? LOGIN_BAD : rc;
}
