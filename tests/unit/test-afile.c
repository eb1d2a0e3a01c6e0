/*
 * Files written whole (lib/afile.c): a regular file is replaced at once
 * and nothing is left beside it; a link to one keeps being a link; a name
 * that is not a regular file (/dev/stdout, a FIFO, a link to one) is
 * written in place and stays what it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

static char	 dir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/zw-afile-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char		 p[PATH_MAX * 2];
	struct dirent	*e;
	DIR		*d;

	(void)state;
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	return rmdir(dir);
}

static const char *
at(const char *name)
{
	static char	 p[4][PATH_MAX + 64];
	static int	 k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static int
put(const char *path, const char *text)
{
	struct afile	*a;

	if ((a = afile_open(path)) == NULL)
		return -1;
	fputs(text, afile_fp(a));
	return afile_commit(a);
}

static void
assert_content(const char *path, const char *text)
{
	char	*buf;
	size_t	 len;
	const char *why;

	assert_int_equal(afile_read(path, 4096, &buf, &len, &why), 0);
	assert_string_equal(buf, text);
	free(buf);
}

static int
entries(void)
{
	struct dirent	*e;
	DIR		*d;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_regular_file(void **state)
{
	struct afile	*a;

	(void)state;
	assert_int_equal(put(at("f"), "one\n"), 0);
	assert_content(at("f"), "one\n");
	assert_int_equal(put(at("f"), "two\n"), 0);
	assert_content(at("f"), "two\n");
	/* Given up: the old content stays, and no temporary file. */
	assert_non_null(a = afile_open(at("f")));
	fputs("three\n", afile_fp(a));
	afile_abort(a);
	assert_content(at("f"), "two\n");
	assert_int_equal(entries(), 1);
}

static void
test_link_to_a_file(void **state)
{
	struct stat	 sb;

	(void)state;
	assert_int_equal(put(at("target"), "old\n"), 0);
	assert_int_equal(symlink(at("target"), at("link")), 0);
	assert_int_equal(put(at("link"), "new\n"), 0);
	assert_int_equal(lstat(at("link"), &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_content(at("target"), "new\n");
	assert_int_equal(entries(), 2);
}

static void
test_fifo_in_place(void **state)
{
	struct stat	 sb;
	char		 buf[64];
	ssize_t		 n;
	int		 rd;

	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_int_equal(symlink(at("fifo"), at("out")), 0);
	/* Nobody reads: refused at once, not a wait. */
	assert_null(afile_open(at("out")));
	assert_int_equal(errno, ENXIO);
	assert_true((rd = open(at("fifo"), O_RDONLY | O_NONBLOCK)) != -1);
	assert_int_equal(put(at("out"), "{\"status\":1}\n"), 0);
	n = read(rd, buf, sizeof(buf) - 1);
	assert_int_equal(n, 13);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"status\":1}\n");
	close(rd);
	assert_int_equal(lstat(at("out"), &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(stat(at("out"), &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	assert_int_equal(entries(), 2);
}

static void
test_refused(void **state)
{
	struct stat	 sb;

	(void)state;
	assert_int_equal(mkdir(at("d"), 0700), 0);
	assert_null(afile_open(at("d")));
	assert_int_equal(errno, EISDIR);
	rmdir(at("d"));
	/* A link to nothing stays a link. */
	assert_int_equal(symlink(at("nowhere"), at("dangling")), 0);
	assert_null(afile_open(at("dangling")));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat(at("dangling"), &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(entries(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_link_to_a_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fifo_in_place, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
