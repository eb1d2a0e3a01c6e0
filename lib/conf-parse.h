/*
 * The generic half of the configuration reader: words, blocks, keyword
 * tables, includes and file:line errors.  conf.c supplies the tables.
 */
#ifndef ZW_CONF_PARSE_H
#define ZW_CONF_PARSE_H

#include <stddef.h>

#include "conf.h"

struct conf_parser;

struct conf_block;

struct conf_keyword {
	const char		*name;
	int			 nargs;		/* -1: any number */
	int			(*fn)(struct conf_parser *, int, char **);
	const struct conf_block	*block;		/* opens this block */
};

struct conf_block {
	const char			*name;
	const struct conf_keyword	*keywords;
};

struct conf_parser {
	struct conf			*conf;
	const struct conf_keyword	*top;
	int				 settings;	/* top takes them */
	const struct conf_block		*block;	/* open block, or NULL */
	void				*obj;	/* what the block fills */
	char				 obj_name[CONF_NAME_MAX];
	int				 block_line;
	const char			*file;
	int				 line;
	int				 depth;
	int				 failed;
	char				*err;
	size_t				 errlen;
};

void	 conf_error(struct conf_parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 conf_parse_file(struct conf_parser *, const char *path);
int	 conf_include_path(struct conf_parser *, const char *name, char *out,
	    size_t len);
void	*conf_list_add(void *v, size_t *n, size_t *cap, size_t size,
	    size_t max);
int	 conf_check(struct conf_parser *);

/* Helpers the keyword tables share. */
int	 conf_valid_name(struct conf_parser *, const char *what,
	    const char *name);
int	 conf_set_text(struct conf_parser *, char *dst, size_t len,
	    const char *src);
struct conf_where conf_here(struct conf_parser *);
int	 conf_number(struct conf_parser *, const char *what, const char *arg,
	    uint64_t min, uint64_t max, unsigned int *out);

/* conf-settings.c: a setting's value, checked and kept. */
int	 conf_setting_set(struct conf_parser *, const struct conf_setting *,
	    const char *arg);

/* conf-devices.c: switches, uplinks and the trend settings. */
extern const struct conf_block conf_device_block;
int	 conf_devices_device(struct conf_parser *, int, char **);
int	 conf_devices_uplink(struct conf_parser *, int, char **);
int	 conf_devices_check(struct conf_parser *);

/* conf-rules.c: a rule block, and a file of rules. */
extern const struct conf_block conf_rule_block;
int	 conf_rules_rule(struct conf_parser *, int, char **);
int	 conf_rules_file(struct conf_parser *, int, char **);

#define CONF_ADD(ps, list, max)						\
	conf_list_add(&(list).v, &(list).n, &(list).cap, sizeof(*(list).v), \
	    (max))

#endif
