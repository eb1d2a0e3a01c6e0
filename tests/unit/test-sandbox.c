/*
 * The system-call filter: the calls it denies fail with EPERM, the
 * daemons' own calls go on working, and another ABI's system calls kill
 * the process.  Each check runs in a child, which the filter outlives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox.h"

#define ALL_WELL	42	/* not what /bin/true would exit with */

static int
filtered(void)
{
	char	 line[256];
	FILE	*fp;
	int	 mode = -1;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(fp);
	return mode == 2;
}

/* Each check that fails exits with its own number. */
static void
child(void)
{
	char		 err[256], prog[] = "/bin/true";
	char *const	 argv[] = { prog, NULL };
	struct timespec	 ts = { 0, 0 };
	pid_t		 pid;
	int		 fd, st;

	if (sandbox_apply(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		_exit(1);
	}
	if (filtered() != 1)
		_exit(2);
	errno = 0;
	if (execve(argv[0], argv, NULL) != -1 || errno != EPERM)
		_exit(3);
	/* Without the filter: EINVAL, and as root a new namespace. */
	if (clock_settime(CLOCK_MONOTONIC, &ts) != -1 || errno != EPERM)
		_exit(4);
	if (unshare(CLONE_NEWUTS) != -1 || errno != EPERM)
		_exit(5);
	if (mount("none", "/nonexistent-zonewatch", "tmpfs", 0, NULL) != -1 ||
	    errno != EPERM)
		_exit(6);
	/* What the daemons do stays allowed. */
	if ((fd = open("/dev/null", O_WRONLY)) == -1 || write(fd, "x", 1) != 1)
		_exit(7);
	close(fd);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		_exit(8);
	close(fd);
	if ((pid = fork()) == -1)
		_exit(9);
	if (pid == 0)
		_exit(ALL_WELL);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != ALL_WELL)
		_exit(10);
	_exit(ALL_WELL);
}

static int
run_child(void (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		fn();
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
test_denied_and_allowed(void **state)
{
	int	 st;

	(void)state;
	st = run_child(child);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), ALL_WELL);
}

/*
 * The units' SystemCallFilter=@system-service has no seccomp(2) and
 * answers EPERM: the filter must still be laid (libseccomp then uses
 * prctl(2)).  A daemon meets that filter from its first instruction, so
 * the check runs in a program started under it: this one, again.
 */
static void
child_in_unit(void)
{
	scmp_filter_ctx	 ctx;
	char		 self[] = "/proc/self/exe", mode[] = "in-unit";
	char *const	 argv[] = { self, mode, NULL };

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(seccomp),
	    0) != 0 || seccomp_load(ctx) != 0)
		_exit(11);
	execv(self, argv);
	_exit(12);
}

static void
test_under_the_units_filter(void **state)
{
	int	 st;

	(void)state;
	st = run_child(child_in_unit);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), ALL_WELL);
}

#if defined(__x86_64__)
/* getpid by the i386 ABI: a number the filter's table never sees. */
static void
child_i386(void)
{
	char	 err[256];
	long	 rv;

	if (sandbox_apply(err, sizeof(err)) != 0)
		_exit(1);
	__asm__ volatile ("int $0x80" : "=a"(rv) : "a"(20L) : "memory");
	_exit(rv > 0 ? ALL_WELL : 2);
}

static void
test_other_abi_is_killed(void **state)
{
	int	 st;

	(void)state;
	st = run_child(child_i386);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}
#endif

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_denied_and_allowed),
		cmocka_unit_test(test_under_the_units_filter),
#if defined(__x86_64__)
		cmocka_unit_test(test_other_abi_is_killed),
#endif
	};

	if (argc == 2 && strcmp(argv[1], "in-unit") == 0)
		child();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
