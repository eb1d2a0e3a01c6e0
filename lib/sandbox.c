/*
 * A deny-list, not an allow-list.  The daemons run nDPI, net-snmp,
 * OpenSSL, SQLite, librrd and libevent, whose system calls change with
 * their versions: an allow-list would stop the appliance after an
 * upgrade of any of them.  Started by systemd, the units' own
 * SystemCallFilter=@system-service is the allow-list; this filter holds
 * also where there is no systemd, and inside it.
 *
 * The calls of another ABI on the same machine (i386's int 0x80, x32)
 * kill the process: libseccomp's default for a foreign architecture, so
 * the list cannot be walked around with another syscall number.
 *
 * ptrace(2) and process_vm_readv(2) are left to the kernel's own rule
 * (the same user, and Yama): the sanitizer builds' leak checker stops the
 * process's threads with ptrace at exit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <seccomp.h>

#include "sandbox.h"

static const char *const denied[] = {
	/* No daemon starts another program (the poller forks, not execs). */
	"execve", "execveat",
	/* Namespaces, mounts and the root: for escaping the unit's view. */
	"unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
	"open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
	"mount_setattr",
	/* The kernel itself. */
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "reboot", "swapon", "swapoff", "acct",
	"quotactl", "syslog", "iopl", "ioperm", "vhangup",
	/* What local privilege escalations are usually built from. */
	"bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key",
	"request_key", "open_by_handle_at", "name_to_handle_at",
	/* io_uring does its work out of the filter's sight. */
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	/* The clock: the audit trail and the evidence are stamped with it. */
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"sethostname", "setdomainname",
};

int
sandbox_apply(char *err, size_t errlen)
{
	scmp_filter_ctx	 ctx;
	const char	*what = "loading the filter";
	size_t		 i;
	int		 nr, rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		snprintf(err, errlen, "seccomp: cannot make a filter");
		return -1;
	}
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		/* A call this architecture lacks has nothing to deny. */
		if ((nr = seccomp_syscall_resolve_name(denied[i])) ==
		    __NR_SCMP_ERROR)
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr,
		    0)) != 0) {
			what = denied[i];
			break;
		}
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "seccomp: %s: %s", what, strerror(-rc));
		return -1;
	}
	return 0;
}
