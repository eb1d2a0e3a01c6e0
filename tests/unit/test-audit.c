/*
 * The audit trail's chain: a record changed, removed, reordered or cut
 * from the end is found where it is; a purge keeps the chain verifiable,
 * and old records removed without one are not taken for a purge.
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

#include "audit.h"
#include "store.h"

#define DAY	(86400LL * 1000000)

#include "tmpstore.h"

/* Ten records, a day apart, from 400 days ago. */
static struct store *
ten(void)
{
	struct store		*s = open_admin();
	struct audit_record	 r;
	int64_t			 now = (int64_t)time(NULL) * 1000000;
	int			 i;

	for (i = 0; i < 10; i++) {
		memset(&r, 0, sizeof(r));
		r.at_us = now - (400 - i * 30) * DAY;
		snprintf(r.actor, sizeof(r.actor), "admin%d", i % 3);
		strcpy(r.role, "sysadmin");
		strcpy(r.address, "10.36.0.9");
		strcpy(r.action, i % 2 ? "login" : "config-change");
		snprintf(r.object, sizeof(r.object), "object %d", i);
		strcpy(r.detail, "审计");
		strcpy(r.outcome, "ok");
		assert_int_equal(audit_append(s, &r), 0);
		assert_int_equal(r.id, i + 1);
		assert_int_equal(strlen(r.hash), AUDIT_HASH_HEX);
	}
	return s;
}

static void
sql(struct store *s, const char *text)
{
	sqlite3	*db;
	char	*err = NULL;

	(void)s;
	assert_int_equal(sqlite3_open(admin_path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
	sqlite3_close(db);
}

static void
expect_broken(struct store *s, int64_t at, const char *reason)
{
	struct audit_check	 c;

	assert_int_equal(audit_verify(s, &c), 0);
	if (c.ok)
		fail_msg("not broken; wanted %s", reason);
	assert_int_equal(c.broken_id, at);
	if (strstr(c.reason, reason) == NULL)
		fail_msg("reason \"%s\", wanted \"%s\"", c.reason, reason);
}

static void
test_intact(void **state)
{
	struct store		*s = ten();
	struct audit_check	 c;

	(void)state;
	assert_int_equal(audit_verify(s, &c), 0);
	assert_true(c.ok);
	assert_int_equal(c.records, 10);
	assert_int_equal(c.first_id, 1);
	assert_int_equal(c.last_id, 10);
	/* Keyed: the store's key was made by its first writer. */
	assert_int_equal(strncmp(c.alg, "HMAC-", 5), 0);
	assert_string_equal(c.alg + 5, audit_default_alg());
	store_close(s);
}

/*
 * Records removed, the rest renumbered and hashed again as the chain's
 * own unkeyed form would: without the key it does not hold.
 */
static void
test_rehashed_without_the_key(void **state)
{
	struct store	*s = ten();

	(void)state;
	sql(s, "DELETE FROM audit WHERE id BETWEEN 3 AND 7;"
	    "UPDATE audit SET id = id - 5 WHERE id > 7;"
	    "UPDATE sqlite_sequence SET seq = 5 WHERE name = 'audit'");
	expect_broken(s, 3, "record 3 does not follow record 2");
	store_close(s);
}

/* A head seen elsewhere: the trail holds it, or was rewritten or cut. */
static void
test_anchor(void **state)
{
	struct store		*s = ten();
	struct audit_check	 c;
	char			 head[AUDIT_HASH_HEX + 1];
	int64_t			 id;

	(void)state;
	assert_int_equal(audit_head(s, &id, head), 0);
	assert_int_equal(id, 10);
	assert_int_equal(audit_verify_anchor(s, &c, 10, head), 0);
	assert_true(c.ok);
	assert_int_equal(audit_verify_anchor(s, &c, 10, "00ff"), 0);
	assert_false(c.ok);
	assert_non_null(strstr(c.reason, "not the one seen elsewhere"));
	assert_int_equal(audit_verify_anchor(s, &c, 12, head), 0);
	assert_false(c.ok);
	assert_non_null(strstr(c.reason, "cut from the end"));
	store_close(s);
}

static void
test_changed(void **state)
{
	struct store	*s = ten();

	(void)state;
	sql(s, "UPDATE audit SET outcome = 'failed' WHERE id = 4");
	expect_broken(s, 4, "record 4 was changed");
	store_close(s);
}

static void
test_changed_with_its_hash(void **state)
{
	struct store	*s = ten();

	(void)state;
	/* Whoever rewrites a hash breaks the link of the next record. */
	sql(s, "UPDATE audit SET hash = (SELECT hash FROM audit WHERE id = 2)"
	    " WHERE id = 6");
	expect_broken(s, 6, "record 6 was changed");
	store_close(s);
}

static void
test_removed(void **state)
{
	struct store	*s = ten();

	(void)state;
	sql(s, "DELETE FROM audit WHERE id = 5");
	expect_broken(s, 6, "record 5 is missing");
	store_close(s);
}

static void
test_reordered(void **state)
{
	struct store	*s = ten();

	(void)state;
	/* Records 3 and 7 swap places, each keeping its own hash. */
	sql(s, "UPDATE audit SET id = -3 WHERE id = 3;"
	    "UPDATE audit SET id = 3 WHERE id = 7;"
	    "UPDATE audit SET id = 7 WHERE id = -3");
	expect_broken(s, 3, "record 3 does not follow record 2");
	store_close(s);
}

static void
test_cut_from_the_end(void **state)
{
	struct store	*s = ten();

	(void)state;
	sql(s, "DELETE FROM audit WHERE id >= 9");
	/* The next record takes id 11: the gap shows. */
	assert_int_equal(audit_log(s, "a", "sysadmin", "console", "login",
	    "", "ok", NULL), 0);
	expect_broken(s, 11, "record 9 is missing");
	store_close(s);
}

static void
test_purge_keeps_it_verifiable(void **state)
{
	struct store		*s = ten();
	struct audit_check	 c;
	int64_t			 removed;
	int64_t			 now = (int64_t)time(NULL) * 1000000;

	(void)state;
	/* 180 days: records 1 to 8 are older (400 .. 190 days). */
	assert_int_equal(audit_purge(s, now - 180 * DAY, "system", &removed),
	    0);
	assert_int_equal(removed, 8);
	assert_int_equal(audit_verify(s, &c), 0);
	assert_true(c.ok);
	assert_int_equal(c.first_id, 9);
	assert_int_equal(c.records, 3);		/* 9, 10, the purge */
	assert_int_equal(c.last_id, 11);
	/* The chain goes on after it. */
	assert_int_equal(audit_log(s, "a", "auditadmin", "console",
	    "audit-export", "x", "ok", "%d", 1), 0);
	assert_int_equal(audit_verify(s, &c), 0);
	assert_true(c.ok);
	/* Nothing older: a second purge removes nothing and writes nothing. */
	assert_int_equal(audit_purge(s, now - 180 * DAY, "system", &removed),
	    0);
	assert_int_equal(removed, 0);
	assert_int_equal(audit_verify(s, &c), 0);
	assert_int_equal(c.records, 4);
	/* A record kept, changed after the purge, is still found. */
	sql(s, "UPDATE audit SET actor = 'someone' WHERE id = 9");
	expect_broken(s, 9, "record 9 was changed");
	store_close(s);
}

static void
test_removed_without_a_purge(void **state)
{
	struct store	*s = ten();

	(void)state;
	/* Old records deleted and the anchor forged to match. */
	sql(s, "INSERT INTO audit_anchor (one, first_id, prev) SELECT 1, 4,"
	    " hash FROM audit WHERE id = 3; DELETE FROM audit WHERE id <= 3");
	expect_broken(s, 4, "removed without a purge record");
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rehashed_without_the_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_with_its_hash,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cut_from_the_end, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_purge_keeps_it_verifiable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_without_a_purge,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
