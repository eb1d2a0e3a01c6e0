/*
 * Giving up privileges once what needs them is open: the user of the
 * configuration (setgroups, setresgid, setresuid), every capability
 * (libcap-ng: the permitted, effective, inheritable and ambient sets),
 * no regaining them (PR_SET_NO_NEW_PRIVS), and a system-call filter
 * (lib/sandbox.c).  Under systemd the unit starts the process as its
 * user with only CAP_NET_RAW; started as root without systemd, the
 * process does the same itself.
 */
#ifndef ZW_PRIVDROP_H
#define ZW_PRIVDROP_H

#include <stddef.h>

/* user NULL or "": stay who we are, but without capabilities. */
int	privdrop(const char *user, char *err, size_t errlen);

#endif
