/*
 * zwctl's commands.  Each takes its own arguments (after the command
 * name) and returns the exit status.
 */
#ifndef ZW_ZWCTL_H
#define ZW_ZWCTL_H

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
int		 zwctl_check(struct zwctl *, int, char **);
int		 zwctl_violations(struct zwctl *, int, char **);
int		 zwctl_events(struct zwctl *, int, char **);
int		 zwctl_trends(struct zwctl *, int, char **);

#endif
