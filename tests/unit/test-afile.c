/*
 * Files written whole (lib/afile.c): a regular file is replaced at once
 * and nothing is left beside it; a link to one keeps being a link; a name
 * that is not a regular file (/dev/stdout, a FIFO, a link to one) is
 * written in place and stays what it was.  As root, a link planted by
 * another account, as the last name or as a directory on the way, is
 * never followed: nothing outside is touched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

/* --status /dev/stdout through a link: /proc's links name no file. */
static void
test_link_to_a_pipe_in_place(void **state)
{
	struct stat	 sb;
	char		 fdlink[64], buf[64];
	int		 p[2];
	ssize_t		 n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	snprintf(fdlink, sizeof(fdlink), "/proc/self/fd/%d", p[1]);
	assert_int_equal(symlink(fdlink, at("out")), 0);
	assert_int_equal(put(at("out"), "{\"status\":2}\n"), 0);
	n = read(p[0], buf, sizeof(buf) - 1);
	assert_int_equal(n, 13);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"status\":2}\n");
	close(p[0]);
	close(p[1]);
	assert_int_equal(lstat(at("out"), &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(entries(), 1);
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

/* Runs fn(arg) as nobody (65534) in a child: what that account can do. */
static void
as_nobody(void (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (setgroups(0, NULL) == -1 || setresgid(65534, 65534, 65534)
		    == -1 || setresuid(65534, 65534, 65534) == -1)
			_exit(2);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
plant(void)
{
	if (symlink(at("outside/victim"), at("state/status.json")) == -1 ||
	    symlink(at("outside"), at("state/rrd")) == -1 ||
	    symlink(at("outside/victim"), at("state/report.sig")) == -1)
		_exit(3);
}

static void
test_planted_links_not_followed(void **state)
{
	struct stat	 sb;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	/* The daemon's directory, the daemon's links; root writes there. */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(mkdir(at("outside"), 0755), 0);
	assert_int_equal(put(at("outside/victim"), "root's own\n"), 0);
	assert_int_equal(mkdir(at("state"), 0755), 0);
	assert_int_equal(chown(at("state"), 65534, 65534), 0);
	as_nobody(plant);
	assert_null(afile_open(at("state/status.json")));
	assert_int_equal(errno, ELOOP);
	assert_null(afile_open(at("state/report.sig")));
	assert_int_equal(errno, ELOOP);
	assert_null(afile_open(at("state/rrd/site.rrd")));
	assert_int_equal(errno, ELOOP);
	assert_int_equal(afile_mkdirs(at("state/rrd/sub/site.rrd")), -1);
	assert_int_equal(errno, ELOOP);
	afile_own_like_dir(at("state/status.json"));
	assert_content(at("outside/victim"), "root's own\n");
	assert_int_equal(stat(at("outside/victim"), &sb), 0);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(stat(at("outside/sub"), &sb), -1);
	/* Root's own link, in root's directory, is still followed. */
	assert_int_equal(symlink(at("outside/victim"), at("mine")), 0);
	assert_int_equal(put(at("mine"), "changed\n"), 0);
	assert_content(at("outside/victim"), "changed\n");
	unlink(at("mine"));
	unlink(at("outside/victim"));
	rmdir(at("outside"));
	unlink(at("state/status.json"));
	unlink(at("state/rrd"));
	unlink(at("state/report.sig"));
	rmdir(at("state"));
}

/* A new file's mode is 0600 whatever the umask or the file it replaces. */
static void
test_mode_set_not_copied(void **state)
{
	struct stat	 sb;
	mode_t		 old = umask(0);

	(void)state;
	assert_int_equal(put(at("f"), "one\n"), 0);
	assert_int_equal(chmod(at("f"), 04755), 0);
	assert_int_equal(put(at("f"), "two\n"), 0);
	umask(old);
	assert_int_equal(stat(at("f"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
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
		cmocka_unit_test_setup_teardown(test_link_to_a_pipe_in_place,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_planted_links_not_followed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_set_not_copied, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
