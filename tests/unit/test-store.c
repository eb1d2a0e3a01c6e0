/*
 * The event store and the syslog formatter: repeats folded within the
 * window and only into open records, counts, the evidence bound, review
 * rules and history, purges that take evidence with them, schema
 * versions, a store made whole when many open it first at once,
 * and RFC 5424 messages with hostile text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "afile.h"
#include "audit.h"
#include "store.h"
#include "syslog-out.h"

#define SEC	1000000LL

#include "tmpstore.h"

static struct store_violation
mk(uint32_t rule, const char *src, const char *app, int64_t t)
{
	struct store_violation	 v;

	memset(&v, 0, sizeof(v));
	v.rule = rule;
	v.severity = 1;
	strcpy(v.msg_zh, "违规外联");
	strcpy(v.msg_en, "reaching out");
	strcpy(v.l4proto, "UDP");
	strcpy(v.src_ip, src);
	strcpy(v.dst_ip, "1.2.3.4");
	strcpy(v.app, app);
	v.first_us = v.last_us = t;
	v.packets = 1;
	v.bytes = 100;
	v.created_us = v.updated_us = t;
	return v;
}

static int64_t
add(struct store *s, struct store_violation v, int64_t window, int want_new)
{
	int	 created;

	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_violation_add(s, &v, window, &created), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(created, want_new);
	return v.id;
}

static void
test_repeats(void **state)
{
	struct store		*s = open_rw();
	struct store_violation	 v;
	int64_t			 a, id;

	(void)state;
	a = add(s, mk(1010, "10.0.0.1", "TLS", 1000 * SEC), 300 * SEC, 1);
	assert_int_equal(add(s, mk(1010, "10.0.0.1", "TLS", 1200 * SEC),
	    300 * SEC, 0), a);
	/* Another application, rule or initiator is another record. */
	assert_int_not_equal(add(s, mk(1010, "10.0.0.1", "QUIC", 1200 * SEC),
	    300 * SEC, 1), a);
	assert_int_not_equal(add(s, mk(1011, "10.0.0.1", "TLS", 1200 * SEC),
	    300 * SEC, 1), a);
	assert_int_not_equal(add(s, mk(1010, "10.0.0.2", "TLS", 1200 * SEC),
	    300 * SEC, 1), a);
	/* Past the window from the record's last sight: a new record. */
	id = add(s, mk(1010, "10.0.0.1", "TLS", 1501 * SEC), 300 * SEC, 1);
	assert_int_not_equal(id, a);
	/* Long before the record, as a capture read late may be: a new one. */
	assert_int_not_equal(add(s, mk(1010, "10.0.0.1", "TLS", 100 * SEC),
	    300 * SEC, 1), id);
	/* Window 0: every flow its own record. */
	assert_int_not_equal(add(s, mk(1010, "10.0.0.1", "TLS", 1502 * SEC),
	    0, 1), id);
	assert_int_equal(store_violation_get(s, a, &v), 0);
	assert_int_equal(v.flows, 2);
	assert_int_equal(v.packets, 2);
	assert_int_equal(v.first_us, 1000 * SEC);
	assert_int_equal(v.last_us, 1200 * SEC);
	assert_string_equal(v.msg_zh, "违规外联");
	/*
	 * A flow's counts go to the record it was given, not to the newest
	 * of its key (id, made later with the same rule, ends and app).
	 */
	assert_int_equal(store_violation_count(s, a, 10, 5000, 1600 * SEC), 0);
	assert_int_equal(store_violation_get(s, a, &v), 0);
	assert_int_equal(v.packets, 12);
	assert_int_equal(v.bytes, 5200);
	assert_int_equal(v.last_us, 1600 * SEC);
	assert_int_equal(store_violation_get(s, id, &v), 0);
	assert_int_equal(v.packets, 1);
	store_close(s);
}

static void
test_review(void **state)
{
	struct store		*s = open_rw(), *ad = open_admin();
	struct store_violation	 v;
	int64_t			 a;

	(void)state;
	a = add(s, mk(1002, "172.16.0.1", "DNS", 1000 * SEC), 300 * SEC, 1);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, a, STORE_ACKNOWLEDGED, "", NULL, 1),
	    STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, a, STORE_RESOLVED, "sec", "", 1),
	    STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, a, STORE_NEW, "sec", NULL, 1),
	    STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, 999, STORE_ACKNOWLEDGED, "sec", NULL,
	    1), STORE_NOTFOUND);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, a, STORE_ACKNOWLEDGED, "sec", NULL,
	    5), 0);
	/* An acknowledged record still takes repeats; a resolved one not. */
	assert_int_equal(add(s, mk(1002, "172.16.0.1", "DNS", 1010 * SEC),
	    300 * SEC, 0), a);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, a, STORE_RESOLVED, "sec", "fixed",
	    6), 0);
	assert_int_not_equal(add(s, mk(1002, "172.16.0.1", "DNS", 1020 * SEC),
	    300 * SEC, 1), a);
	assert_int_equal(store_violation_get(s, a, &v), 0);
	assert_int_equal(v.state, STORE_RESOLVED);
	assert_string_equal(v.reviewed_by, "sec");
	assert_string_equal(v.comment, "fixed");
	assert_int_equal(v.reviewed_us, 6);
	assert_int_equal(store_state_parse("false-positive"),
	    STORE_FALSE_POSITIVE);
	assert_int_equal(store_state_parse("closed"), -1);
	/* The history is the administrators': in their store, not this. */
	{
		sqlite3		*db;
		sqlite3_stmt	*st;

		assert_int_equal(sqlite3_open(admin_path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT record,"
		    " old_state, new_state, who FROM reviews ORDER BY id", -1,
		    &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), a);
		assert_int_equal(sqlite3_column_int(st, 2), STORE_ACKNOWLEDGED);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 1), STORE_ACKNOWLEDGED);
		assert_int_equal(sqlite3_column_int(st, 2), STORE_RESOLVED);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		sqlite3_close(db);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db, "SELECT 1 FROM reviews",
		    NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	store_close(ad);
	store_close(s);
}

/* An event is reviewed by the rules of a violation, into one history. */
static void
test_event_review(void **state)
{
	struct store		*s = open_rw(), *ad = open_admin();
	struct store_event	 e;
	sqlite3			*db;
	sqlite3_stmt		*st;

	(void)state;
	memset(&e, 0, sizeof(e));
	strcpy(e.kind, "link-down");
	strcpy(e.device, "sw-nancheng");
	e.at_us = e.created_us = 100 * SEC;
	assert_int_equal(store_event_add(s, &e), 0);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id,
	    STORE_RESOLVED, "sys", NULL, 1), STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id,
	    STORE_NEW, "sys", NULL, 1), STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id + 1,
	    STORE_ACKNOWLEDGED, "sys", NULL, 1), STORE_NOTFOUND);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id,
	    STORE_ACKNOWLEDGED, "sys", "seen", 2), 0);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id,
	    STORE_ACKNOWLEDGED, "sys", NULL, 3), STORE_INVALID);
	assert_int_equal(store_review(s, ad, STORE_REVIEW_EVENT, e.id,
	    STORE_RESOLVED, "sys", "fibre spliced", 4), 0);
	assert_int_equal(sqlite3_open(admin_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT kind, record,"
	    " old_state, new_state, comment FROM reviews ORDER BY id", -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "event");
	assert_int_equal(sqlite3_column_int64(st, 1), e.id);
	assert_int_equal(sqlite3_column_int(st, 2), STORE_NEW);
	assert_int_equal(sqlite3_column_int(st, 3), STORE_ACKNOWLEDGED);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 2), STORE_ACKNOWLEDGED);
	assert_int_equal(sqlite3_column_int(st, 3), STORE_RESOLVED);
	assert_string_equal((const char *)sqlite3_column_text(st, 4),
	    "fibre spliced");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	store_close(ad);
	store_close(s);
}

static int
count_rows(void *arg, const struct store_violation *v)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static void
test_evidence_and_purge(void **state)
{
	struct store		*s = open_rw(), *ad = open_admin();
	struct store_filter	 f;
	int64_t			 a, b, removed;
	int			 i, n = 0;

	(void)state;
	a = add(s, mk(1010, "10.0.0.1", "TLS", 1000 * SEC), 0, 1);
	b = add(s, mk(1010, "10.0.0.2", "TLS", 1000 * SEC), 0, 1);
	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(store_evidence_add(s, a, i, 1, "pcap", 4, 4), 0);
	assert_int_equal(store_evidence_add(s, b, 0, 1, "pcap", 4, 4), 0);
	assert_int_equal(store_commit(s), 0);
	store_filter_init(&f);
	assert_int_equal(store_violations(s, &f, count_rows, &n), 0);
	assert_int_equal(n, 2);
	/* Records last updated before the time go, and their evidence. */
	assert_int_equal(store_review(s, ad, STORE_REVIEW_VIOLATION, b, STORE_ACKNOWLEDGED, "sec", NULL,
	    2000 * SEC), 0);
	assert_int_equal(store_purge(s, 1001 * SEC, &removed), 0);
	assert_int_equal(removed, 1);
	{
		sqlite3		*db;
		sqlite3_stmt	*st;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*)"
		    " FROM evidence", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		/* a had 4 (the bound), b 1: only b's is left. */
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	store_close(ad);
	store_close(s);
}

static void
test_schema_versions(void **state)
{
	struct store	*s;
	sqlite3		*db;
	char		 err[256];
	FILE		*fp;

	(void)state;
	/* A read-only open does not create. */
	assert_null(store_open(path, STORE_READONLY, err, sizeof(err)));
	store_close(open_rw());
	assert_non_null(s = store_open(path, STORE_READONLY, err, sizeof(err)));
	store_close(s);
	/* A new store has only what traffic makes. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "SELECT 1 FROM users", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "SELECT 1 FROM audit", NULL,
	    NULL, NULL), SQLITE_OK);
	/*
	 * A database of schema 1 (without the tables of 2 to 8) is
	 * migrated: events appear, and the administrators' tables that
	 * schemas 3 to 6 made there leave for the administrators' store at
	 * its first open, with their rows.
	 */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE events;"
	    "DROP TABLE exceptions;"
	    "CREATE TABLE reviews (id INTEGER PRIMARY KEY, violation"
	    " INTEGER NOT NULL, old_state INTEGER NOT NULL, new_state INTEGER"
	    " NOT NULL, who TEXT NOT NULL, at_us INTEGER NOT NULL, comment"
	    " TEXT NOT NULL);"
	    "INSERT INTO reviews VALUES (7, 3, 0, 1, 'sec', 5, 'seen');"
	    "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_non_null(s = store_open(path, STORE_CREATE, err, sizeof(err)));
	{
		struct store_event	 e;

		memset(&e, 0, sizeof(e));
		strcpy(e.kind, "link-down");
		assert_int_equal(store_event_add(s, &e), 0);
		assert_int_equal(e.id, 1);
	}
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO audit (at_us, actor,"
	    " role, address, action, object, detail, outcome, alg, prev, hash)"
	    " VALUES (1, 'a', 'sysadmin', 'console', 'login', '', '', 'ok',"
	    " 'SM3', '', '')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_non_null(s = open_admin());
	assert_int_equal(audit_log(s, "b", "sysadmin", "console", "login",
	    "", "ok", NULL), 0);
	{
		int64_t	 id;
		char	 hash[AUDIT_HASH_HEX + 1];
		sqlite3_stmt *st;

		assert_int_equal(audit_head(s, &id, hash), 0);
		assert_int_equal(id, 2);
		assert_int_equal(sqlite3_open(admin_path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, comment"
		    " FROM reviews", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 7);
		assert_string_equal((const char *)sqlite3_column_text(st, 1),
		    "seen");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "SELECT 1 FROM users", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "SELECT 1 FROM reviews", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* A newer program's database is left alone. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(path, STORE_CREATE, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
	/* Something that is not a database says so. */
	unlink(path);
	assert_non_null(fp = fopen(path, "w"));
	fputs("SQLite format 3? no: a text file, long enough to be read.\n"
	    "0123456789012345678901234567890123456789012345678901234567\n", fp);
	fclose(fp);
	assert_null(store_open(path, STORE_CREATE, err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

/*
 * Daemons started together each open the store first: as root, in the
 * state directory of the daemons' group, every one of them sees the
 * database, its -wal and its -shm of that group, and no half-made store
 * or its temporary name is left.
 */
static void
test_made_whole_by_many(void **state)
{
	struct stat	 sb;
	char		 name[200];
	int		 go[2], i, status, n = 8;
	pid_t		 kids[8];
	DIR		*d;
	struct dirent	*e;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(chown(dir, 0, 65534), 0);
	assert_int_equal(chmod(dir, 01770), 0);
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < n; i++) {
		char		 c, err[256];
		struct store	*s;
		int		 bad = 0;

		if ((kids[i] = fork()) != 0)
			continue;
		close(go[1]);
		(void)read(go[0], &c, 1);
		if ((s = store_open(path, STORE_CREATE, err, sizeof(err))) ==
		    NULL)
			_exit(10);
		if (store_begin(s) != 0 || store_commit(s) != 0)
			_exit(11);
		snprintf(name, sizeof(name), "%s-shm", path);
		bad |= stat(path, &sb) != 0 || sb.st_gid != 65534;
		bad |= stat(name, &sb) != 0 || sb.st_gid != 65534;
		snprintf(name, sizeof(name), "%s-wal", path);
		bad |= stat(name, &sb) != 0 || sb.st_gid != 65534;
		/* Held until all have looked. */
		sleep(1);
		store_close(s);
		_exit(bad ? 12 : 0);
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < n; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		assert_null(strstr(e->d_name, ".new-"));
	closedir(d);
}

static void
test_syslog_format(void **state)
{
	struct store_violation	 v = mk(1023, "10.36.17.5", "HTTP_Connect",
				    1000 * SEC + 42);
	char			 buf[SYSLOG_MSG_MAX], small[64];
	size_t			 n;

	(void)state;
	v.id = 7;
	strcpy(v.hostname, "a\"b]c\\d");
	n = syslog_out_format(buf, sizeof(buf), 20, "zw1", 99, &v);
	assert_int_equal(n, strlen(buf));
	assert_true(strncmp(buf, "<163>1 1970-01-01T00:16:40.000042Z zw1 "
	    "zonewatch 99 violation [zwViolation@", 74) == 0);
	assert_non_null(strstr(buf, " id=\"7\" rule=\"1023\" severity=\"high\""));
	assert_non_null(strstr(buf, " host=\"a\\\"b\\]c\\\\d\""));
	/* A line end, a byte that is not UTF-8, a cut character: '?'. */
	strcpy(v.hostname, "x\r\n\xff\xe5\xbb\xba.cn\xe5\xbb");
	syslog_out_format(buf, sizeof(buf), 20, "zw1", 99, &v);
	assert_non_null(strstr(buf, " host=\"x???\xe5\xbb\xba.cn??\""));
	assert_non_null(strstr(buf, "] \xef\xbb\xbf违规外联"));
	/* No hostname: the NILVALUE. */
	syslog_out_format(buf, sizeof(buf), 13, "", 1, &v);
	assert_true(strncmp(buf, "<107>1 ", 7) == 0);
	assert_non_null(strstr(buf, "Z - zonewatch 1 violation"));
	/* Truncated to the buffer, terminated. */
	n = syslog_out_format(small, sizeof(small), 20, "zw1", 99, &v);
	assert_true(n < sizeof(small));
	assert_int_equal(strlen(small), n);
}

/*
 * A receiver that is away is said once, not at every reconnection, and
 * once more when a message goes again.
 */
static void
test_syslog_said_once(void **state)
{
	struct store_violation	 v = mk(1023, "10.36.17.5", "HTTP_Connect",
				    1000 * SEC);
	struct conf_syslog	 c;
	struct sockaddr_in	 sin;
	struct syslog_out	*o;
	socklen_t		 len = sizeof(sin);
	char			 logpath[] = "/tmp/zw-syslog-log.XXXXXX";
	char			*log, *p, buf[4096];
	size_t			 loglen;
	const char		*why;
	int			 fd, saved, ls, cs, i, nwarn = 0;

	(void)state;
	/* A port that was free a moment ago: nobody listens there. */
	assert_true((ls = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sin, &len), 0);
	close(ls);
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "siem");
	strcpy(c.host, "127.0.0.1");
	snprintf(c.port, sizeof(c.port), "%u", ntohs(sin.sin_port));
	c.transport = SYSLOG_TCP;
	c.facility = 20;
	c.min_severity = SEV_INFO;

	assert_true((fd = mkstemp(logpath)) != -1);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	assert_non_null(o = syslog_out_new(&c));
	for (i = 0; i < 4; i++)
		assert_int_equal(syslog_out_send(o, &v, (int64_t)i * 11 * SEC),
		    -1);
	/* The receiver comes back. */
	assert_true((ls = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	i = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &i, sizeof(i));
	assert_int_equal(bind(ls, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(syslog_out_send(o, &v, 50 * SEC), 0);
	assert_int_equal(syslog_out_stats(o)->failed, 4);
	assert_int_equal(syslog_out_stats(o)->sent, 1);
	syslog_out_free(o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	assert_true((cs = accept(ls, NULL, NULL)) != -1);
	assert_true(read(cs, buf, sizeof(buf)) > 0);
	close(cs);
	close(ls);

	assert_int_equal(afile_read(logpath, 65536, &log, &loglen, &why), 0);
	unlink(logpath);
	for (p = log; (p = strstr(p, "syslog siem: 127.0.0.1 port")) != NULL;
	    p++)
		nwarn++;
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(log, "syslog siem: sending again"));
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_review, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_evidence_and_purge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_made_whole_by_many, setup,
		    teardown),
		cmocka_unit_test(test_syslog_format),
		cmocka_unit_test(test_syslog_said_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
