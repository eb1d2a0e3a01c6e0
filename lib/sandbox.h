/*
 * A system-call filter (seccomp) laid on a daemon once it has given up
 * root: the calls no zonewatch daemon makes, and that code taken over by
 * hostile input would want first, fail with EPERM.
 */
#ifndef ZW_SANDBOX_H
#define ZW_SANDBOX_H

#include <stddef.h>

/*
 * 0, or -1 with why in err.  Sets no-new-privileges, as seccomp needs.
 * Before any thread is started: the filter binds the calling thread and
 * those it starts from then on, not those already running.
 */
int	sandbox_apply(char *err, size_t errlen);

#endif
