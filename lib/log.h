/*
 * One logging vocabulary for every zonewatch process.
 *
 * Before a daemon detaches, messages go to stderr; afterwards to syslog
 * (journald picks them up).  fatal() and fatalx() are for start-up errors
 * and broken invariants only: per-packet, per-request and per-poll failures
 * are counted and the daemon carries on.
 */
#ifndef ZW_LOG_H
#define ZW_LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR	1
#define LOG_TO_SYSLOG	0

void	log_init(const char *procname, int to_stderr);
void	log_setverbose(int level);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * A failure that comes back at every interval (a file that cannot be
 * written, a receiver away) is said once, with errno, and once more when
 * it ends; *failing remembers which.
 */
void	log_warn_once(int *failing, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_info_ended(int *failing, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
