/*
 * zwctl's commands.  Each takes its own arguments (after the command
 * name) and returns the exit status.
 */
#ifndef ZW_ZWCTL_H
#define ZW_ZWCTL_H

#include <sys/types.h>

#include "conf.h"
#include "store.h"

#define ZWCTL_FAILED	1
#define ZWCTL_USAGE	2
#define ZWCTL_NOTFOUND	3

struct zwctl {
	const char	*config;
	int		 config_given;
	const char	*store;		/* -s, else the configuration's */
	struct conf	*conf;
};

struct zwctl_command {
	const char	*name;
	int		(*fn)(struct zwctl *, int, char **);
	const char	*help;
};

struct conf	*zwctl_conf(struct zwctl *, int required);
struct store	*zwctl_store(struct zwctl *, int flags);
/* The administrators' store (accounts, audit trail, reviews). */
struct store	*zwctl_admin(struct zwctl *);
/* zwctl violations|events review: argv from "review" on. */
int		 zwctl_review(struct zwctl *, enum store_review, int argc,
		    char **argv);
/* Audits the console's action (as zwctl_actor(actor)); 0 or -1. */
int		 zwctl_record(struct zwctl *, const char *actor,
		    const char *role, const char *action, const char *object,
		    int ok, const char *fmt, ...)
		    __attribute__((format(printf, 7, 8)));
int		 zwctl_check(struct zwctl *, int, char **);
int		 zwctl_violations(struct zwctl *, int, char **);
int		 zwctl_events(struct zwctl *, int, char **);
int		 zwctl_exceptions(struct zwctl *, int, char **);
int		 zwctl_trends(struct zwctl *, int, char **);
int		 zwctl_audit(struct zwctl *, int, char **);
int		 zwctl_report(struct zwctl *, int, char **);
int		 zwctl_user(struct zwctl *, int, char **);
int		 zwctl_status(struct zwctl *, int, char **);
int		 zwctl_version(struct zwctl *, int, char **);
int		 zwctl_settings(struct zwctl *, int, char **);
int		 zwctl_backup(struct zwctl *, int, char **);
int		 zwctl_restore(struct zwctl *, int, char **);
/* The daemons, and the pid of a running program of that name, or 0. */
extern const char *const zwctl_daemons[];
long		 zwctl_running(const char *name, uid_t *uid);
/* A process that has path open, its name in comm; 0 if none. */
long		 zwctl_holder(const char *path, char *comm, size_t commlen);
/* Who acts at the console: the login name, else "root". */
const char	*zwctl_actor(const char *given);
/* The store, made if it does not exist yet (the first user). */
struct store	*zwctl_store_create(struct zwctl *);

int		 zwctl_subcommand(struct zwctl *,
		    const struct zwctl_command *, const char *command,
		    const char *footer, int argc, char **argv);
/* "2026-11-22", "2026-11-22 08:30[:00]" (local time), or "@seconds". */
int		 zwctl_parse_time(const char *, int64_t *us);
int		 zwctl_parse_until(const char *, int64_t *us);	/* a day: all of it */
int		 zwctl_bad(const char *opt, const char *arg, const char *what);
/* Local time; RFC 3339 with iso; empty for 0 (never set). */
const char	*zwctl_fmt_time(int64_t us, char *buf, size_t len, int iso);

#endif
