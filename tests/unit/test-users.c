/*
 * Administrators: the password rule, scrypt hashes, lockout after
 * repeated failures (per address, then for everyone), expiry and a
 * forced change, the generation that ends sessions, TOTP against the
 * test vectors of RFC 6238, enrolled with a first code, each code once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "store-db.h"
#include "user-changes.h"
#include "users.h"

#define SEC	1000000LL

#include "tmpstore.h"

static void
test_password_rule(void **state)
{
	(void)state;
	assert_non_null(users_password_problem("a", "Short1!"));
	assert_non_null(users_password_problem("a", "alllowercaseletters"));
	assert_non_null(users_password_problem("a", "lowerUPPERonly"));
	assert_null(users_password_problem("a", "lowerUPPER123"));
	assert_null(users_password_problem("a", "lower-upper-123"));
	assert_non_null(users_password_problem("secadmin", "xSecAdmin-2026"));
	assert_false(users_name_valid("1abc"));
	assert_false(users_name_valid("a b"));
	assert_false(users_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_true(users_name_valid("sec.admin_1"));
}

static void
test_hashes(void **state)
{
	char	 h1[160], h2[160];

	(void)state;
	assert_int_equal(users_hash("Zonewatch-2026", h1, sizeof(h1)), 0);
	assert_int_equal(users_hash("Zonewatch-2026", h2, sizeof(h2)), 0);
	assert_string_not_equal(h1, h2);		/* salted */
	assert_int_equal(strncmp(h1, "scrypt$32768$8$1$", 17), 0);
	assert_true(users_hash_check(h1, "Zonewatch-2026"));
	assert_true(users_hash_check(h2, "Zonewatch-2026"));
	assert_false(users_hash_check(h1, "Zonewatch-2027"));
	assert_false(users_hash_check("scrypt$1$1$1$x$y", "Zonewatch-2026"));
	assert_false(users_hash_check("", ""));
}

static void
test_lockout_and_expiry(void **state)
{
	struct store	*s = open_admin();
	struct user	 u;
	int64_t		 now = (int64_t)time(NULL) * SEC;
	int		 i;

	(void)state;
	assert_int_equal(users_add(s, "sec1", ROLE_SECADMIN, "Secure-pass1",
	    0), 0);
	assert_int_equal(users_add(s, "sec1", ROLE_SECADMIN, "Secure-pass1",
	    0), STORE_INVALID);
	assert_int_equal(users_add(s, "weak", ROLE_VIEWER, "weak", 0),
	    STORE_INVALID);
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "a", now,
	    &u), LOGIN_OK);
	assert_int_equal(u.role, ROLE_SECADMIN);
	assert_int_equal(users_login(s, "nobody", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_BAD);
	for (i = 0; i < USER_MAX_FAILURES; i++)
		assert_int_equal(users_login(s, "sec1", "wrong", NULL, "a",
		    now, &u), LOGIN_BAD);
	/* Locked for the address the failures came from, not for others. */
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "a", now,
	    &u), LOGIN_LOCKED);
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "b", now,
	    &u), LOGIN_OK);
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "a",
	    now + USER_LOCK_S * SEC + 1, &u), LOGIN_OK);
	/* What the client is told does not show the lock. */
	assert_int_equal(users_login_told(LOGIN_LOCKED), LOGIN_BAD);
	assert_int_equal(users_login_told(LOGIN_DISABLED), LOGIN_BAD);
	assert_int_equal(users_login_told(LOGIN_NEED_CODE), LOGIN_NEED_CODE);
	/* Past its age the password must change. */
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "a",
	    now + (USER_EXPIRY_DAYS + 1) * 86400 * SEC, &u), LOGIN_EXPIRED);
	/* Not to the same one. */
	assert_int_equal(users_set_password(s, "sec1", "Secure-pass1", 0),
	    STORE_INVALID);
	assert_int_equal(users_set_password(s, "sec1", "Secure-pass2", 1), 0);
	assert_int_equal(users_login(s, "sec1", "Secure-pass2", NULL, "a", now,
	    &u), LOGIN_EXPIRED);			/* must_change */
	assert_int_equal(users_set_password(s, "sec1", "Secure-pass3", 0), 0);
	assert_int_equal(users_login(s, "sec1", "Secure-pass3", NULL, "a", now,
	    &u), LOGIN_OK);
	assert_int_equal(users_set_disabled(s, "sec1", 1), 0);
	assert_int_equal(users_login(s, "sec1", "Secure-pass3", NULL, "a", now,
	    &u), LOGIN_DISABLED);
	store_close(s);
}

/* Far more failures, from many addresses, lock it for everyone. */
static void
test_lockout_for_everyone(void **state)
{
	struct store	*s = open_admin();
	struct user	 u;
	char		 addr[32];
	int64_t		 now = (int64_t)time(NULL) * SEC;
	int		 i;

	(void)state;
	assert_int_equal(users_add(s, "aud1", ROLE_AUDITADMIN, "Secure-pass1",
	    0), 0);
	for (i = 0; i < USER_MAX_FAILURES_ALL; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i);
		assert_int_equal(users_login(s, "aud1", "wrong", NULL, addr,
		    now, &u), LOGIN_BAD);
	}
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "fresh",
	    now, &u), LOGIN_LOCKED);
	assert_int_equal(users_unlock(s, "aud1"), 0);
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "fresh",
	    now, &u), LOGIN_OK);
	/* An unlock clears the per-address locks too. */
	for (i = 0; i < USER_MAX_FAILURES; i++)
		users_login(s, "aud1", "wrong", NULL, "x", now, &u);
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "x",
	    now, &u), LOGIN_LOCKED);
	assert_int_equal(users_unlock(s, "aud1"), 0);
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "x",
	    now, &u), LOGIN_OK);
	store_close(s);
}

/* Changes that must end sessions move the generation; others do not. */
static void
test_generation(void **state)
{
	struct store	*s = open_admin();
	struct user	 u;
	int64_t		 g;

	(void)state;
	assert_int_equal(users_add(s, "v1", ROLE_VIEWER, "Secure-pass1", 0),
	    0);
	assert_int_equal(users_get(s, "v1", &u), 0);
	g = u.generation;
	assert_int_equal(users_unlock(s, "v1"), 0);
	assert_int_equal(users_set_disabled(s, "v1", 0), 0);
	assert_int_equal(users_get(s, "v1", &u), 0);
	assert_int_equal(u.generation, g);
	assert_int_equal(users_set_role(s, "v1", ROLE_SECADMIN), 0);
	assert_int_equal(users_get(s, "v1", &u), 0);
	assert_int_equal(u.generation, g + 1);
	assert_int_equal(users_set_password(s, "v1", "Secure-pass2", 0), 0);
	assert_int_equal(users_set_disabled(s, "v1", 1), 0);
	assert_int_equal(users_set_totp(s, "v1", ""), 0);
	assert_int_equal(users_get(s, "v1", &u), 0);
	assert_int_equal(u.generation, g + 4);
	store_close(s);
}

static void
test_totp(void **state)
{
	/* RFC 6238, appendix B: "12345678901234567890" in base32, SHA-1. */
	static const char secret[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	static const struct {
		int64_t		 t;
		const char	*code;	/* the last 6 of the 8 digits */
	} v[] = {
		{ 59, "287082" }, { 1111111109, "081804" },
		{ 1111111111, "050471" }, { 1234567890, "005924" },
		{ 2000000000, "279037" }, { 20000000000, "353130" },
	};
	struct store	*s;
	struct user	 u;
	char		 code[7], fresh[USER_TOTP_SECRET + 1];
	int64_t		 now = 1234567890;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_code(secret, v[i].t, code), 0);
		assert_string_equal(code, v[i].code);
	}
	assert_true(totp_check(secret, "005924", now + 29));
	assert_true(totp_check(secret, "005924", now + 30));	/* drift */
	assert_false(totp_check(secret, "005924", now + 90));
	assert_false(totp_check(secret, "00592", now));
	assert_int_equal(totp_secret_new(fresh), 0);
	assert_int_equal(strlen(fresh), USER_TOTP_SECRET);
	s = open_admin();
	assert_int_equal(users_add(s, "aud", ROLE_AUDITADMIN, "Review-pass1",
	    0), 0);
	/* Enrolling: pending until a first code for it, then on. */
	assert_int_equal(users_totp_begin(s, "aud", secret), 0);
	assert_int_equal(users_login(s, "aud", "Review-pass1", NULL, "a",
	    now * SEC, &u), LOGIN_OK);
	assert_int_equal(users_totp_confirm(s, "aud", "000000", now * SEC),
	    STORE_INVALID);
	assert_int_equal(users_totp_confirm(s, "aud", "005924", now * SEC),
	    0);
	assert_int_equal(users_get(s, "aud", &u), 0);
	assert_string_equal(u.totp, secret);
	assert_string_equal(u.totp_pending, "");
	assert_int_equal(users_login(s, "aud", "Review-pass1", NULL, "a",
	    now * SEC, &u), LOGIN_NEED_CODE);
	assert_int_equal(users_login(s, "aud", "Review-pass1", "000000", "a",
	    now * SEC, &u), LOGIN_BAD_CODE);
	/* The code that confirmed is used: not again, within its step. */
	assert_int_equal(users_login(s, "aud", "Review-pass1", "005924", "a",
	    now * SEC, &u), LOGIN_BAD_CODE);
	/* The next step's code, once. */
	assert_int_equal(totp_code(secret, now + 30, code), 0);
	assert_int_equal(users_login(s, "aud", "Review-pass1", code, "a",
	    (now + 30) * SEC, &u), LOGIN_OK);
	assert_int_equal(users_login(s, "aud", "Review-pass1", code, "b",
	    (now + 30) * SEC, &u), LOGIN_BAD_CODE);
	assert_int_equal(users_totp_use(s, "aud", code, (now + 30) * SEC),
	    STORE_INVALID);
	assert_int_equal(totp_code(secret, now + 60, code), 0);
	assert_int_equal(users_totp_use(s, "aud", code, (now + 60) * SEC), 0);
	assert_int_equal(users_totp_use(s, "aud", code, (now + 60) * SEC),
	    STORE_INVALID);
	store_close(s);
}

/* The SQL the attack runs, with write access to the database only. */
static void
sql(struct store *s, const char *q)
{
	char	*err = NULL;

	if (sqlite3_exec(store_db(s), q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err);
}

static void
test_rows_added_outside_refused(void **state)
{
	struct store	*s = open_admin();
	struct user	 u;
	int64_t		 now = (int64_t)time(NULL) * SEC;

	(void)state;
	assert_int_equal(users_add(s, "aud1", ROLE_AUDITADMIN, "Secure-pass1",
	    0), 0);
	assert_int_equal(users_get(s, "aud1", &u), 0);
	assert_int_equal(u.sealed, 1);
	/* A sysadmin made with a hash copied from a known account. */
	sql(s, "INSERT INTO users (name, role, hash, password_us, created_us)"
	    " SELECT 'root2', 0, hash, password_us, created_us FROM users"
	    " WHERE name = 'aud1'");
	assert_int_equal(users_get(s, "root2", &u), 0);
	assert_int_equal(u.sealed, 0);
	assert_int_equal(users_login(s, "root2", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_FORGED);
	assert_int_equal(users_login_told(LOGIN_FORGED), LOGIN_BAD);
	/* Its MAC copied too: the MAC covers the name. */
	sql(s, "UPDATE users SET mac = (SELECT mac FROM users WHERE name ="
	    " 'aud1') WHERE name = 'root2'");
	assert_int_equal(users_login(s, "root2", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_FORGED);
	/* A role raised, a lock undone: the row no longer holds. */
	sql(s, "UPDATE users SET role = 0 WHERE name = 'aud1'");
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_FORGED);
	sql(s, "UPDATE users SET role = 2 WHERE name = 'aud1'");
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_OK);
	assert_int_equal(users_set_disabled(s, "aud1", 1), 0);
	sql(s, "UPDATE users SET disabled = 0 WHERE name = 'aud1'");
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_FORGED);
	/* What zonewatch changes, it seals again. */
	assert_int_equal(users_set_disabled(s, "aud1", 0), 0);
	assert_int_equal(users_login(s, "aud1", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_OK);
	store_close(s);
}

/* An upgrade: accounts there before the key are sealed when it is made. */
static void
test_rows_before_the_key_sealed(void **state)
{
	struct store	*s = open_admin();
	struct user	 u;
	char		 key[160];
	int64_t		 now = (int64_t)time(NULL) * SEC;

	(void)state;
	assert_int_equal(users_add(s, "sec1", ROLE_SECADMIN, "Secure-pass1",
	    0), 0);
	store_close(s);
	/* As a schema 5 store was: no key, rows without a MAC. */
	snprintf(key, sizeof(key), "%s/admin/audit.key", dir);
	assert_int_equal(unlink(key), 0);
	s = open_admin();
	sql(s, "UPDATE users SET mac = ''");
	assert_int_equal(users_get(s, "sec1", &u), 0);
	assert_int_equal(u.sealed, -1);
	assert_non_null(store_key(s));
	assert_int_equal(users_get(s, "sec1", &u), 0);
	assert_int_equal(u.sealed, 1);
	assert_int_equal(users_login(s, "sec1", "Secure-pass1", NULL, "a",
	    now, &u), LOGIN_OK);
	/* Once the key is there, a row without a MAC is not sealed. */
	sql(s, "UPDATE users SET mac = ''");
	store_close(s);
	s = open_admin();
	assert_non_null(store_key(s));
	assert_int_equal(users_get(s, "sec1", &u), 0);
	assert_int_equal(u.sealed, 0);
	store_close(s);
}

static void
test_second_administrator(void **state)
{
	struct store		*s = open_admin();
	struct user_change	 c;
	struct user		 u;
	int64_t			 now = (int64_t)time(NULL) * SEC;

	(void)state;
	assert_true(userchg_needs_second(ROLE_SYSADMIN, ROLE_SECADMIN));
	assert_true(userchg_needs_second(ROLE_SYSADMIN, ROLE_AUDITADMIN));
	assert_true(userchg_needs_second(ROLE_SECADMIN, ROLE_SYSADMIN));
	assert_false(userchg_needs_second(ROLE_SYSADMIN, ROLE_VIEWER));
	assert_false(userchg_needs_second(ROLE_SYSADMIN, ROLE_SYSADMIN));
	memset(&c, 0, sizeof(c));
	strcpy(c.action, "add");
	strcpy(c.target, "sec2");
	c.role = ROLE_SECADMIN;
	strcpy(c.requested_by, "admin");
	c.requested_role = ROLE_SYSADMIN;
	assert_int_equal(users_hash("Second-pass1", c.hash, sizeof(c.hash)),
	    0);
	assert_int_equal(userchg_request(s, &c), 0);
	assert_int_equal(users_get(s, "sec2", &u), STORE_NOTFOUND);
	/* Not the asker, not one of the asker's role, not a viewer. */
	assert_int_equal(userchg_decide(s, c.id, 1, "admin", ROLE_SYSADMIN),
	    STORE_INVALID);
	assert_int_equal(userchg_decide(s, c.id, 1, "admin2", ROLE_SYSADMIN),
	    STORE_INVALID);
	assert_int_equal(userchg_decide(s, c.id, 1, "view", ROLE_VIEWER),
	    STORE_INVALID);
	assert_int_equal(userchg_decide(s, c.id, 1, "sec2", ROLE_SECADMIN),
	    STORE_INVALID);
	assert_int_equal(userchg_decide(s, c.id, 1, "aud", ROLE_AUDITADMIN),
	    0);
	assert_int_equal(userchg_decide(s, c.id, 0, "aud", ROLE_AUDITADMIN),
	    STORE_NOTFOUND);
	/* Made, sealed, with a password to change at the first login. */
	assert_int_equal(users_get(s, "sec2", &u), 0);
	assert_int_equal(u.role, ROLE_SECADMIN);
	assert_int_equal(u.sealed, 1);
	assert_int_equal(users_login(s, "sec2", "Second-pass1", NULL, "a", now,
	    &u), LOGIN_EXPIRED);
	/* Decided, the hash is not kept. */
	assert_int_equal(userchg_get(s, c.id, &c), 0);
	assert_int_equal(c.state, USERCHG_CONFIRMED);
	assert_string_equal(c.hash, "");
	assert_string_equal(c.decided_by, "aud");
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rule),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test_setup_teardown(test_lockout_and_expiry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lockout_for_everyone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_totp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_added_outside_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_before_the_key_sealed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_administrator,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
