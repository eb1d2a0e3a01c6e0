#include <sys/prctl.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>

#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

int
privdrop(const char *user, char *err, size_t errlen)
{
	struct passwd	*pw;

	if (user != NULL && user[0] != '\0' && geteuid() == 0) {
		if ((pw = getpwnam(user)) == NULL) {
			snprintf(err, errlen, "user %s: no such user", user);
			return -1;
		}
		/* The groups first: setresuid() takes the right to change them. */
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
			snprintf(err, errlen, "user %s: %s", user,
			    strerror(errno));
			return -1;
		}
		if (pw->pw_uid != 0 && setuid(0) != -1)
			fatalx("privdrop: root regained after dropping it");
	} else if (geteuid() == 0)
		log_warnx("running as root: set user in the configuration");
	/* The bounding set needs CAP_SETPCAP to change: the sets we hold. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_BOTH) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "capabilities: %s", strerror(errno));
		return -1;
	}
	return sandbox_apply(err, errlen);
}
