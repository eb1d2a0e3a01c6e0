/*
 * What the web UI parses of a request itself (libevent parses the HTTP):
 * cookies (RFC 6265, 5.2), and URL-encoded query strings and form bodies
 * (application/x-www-form-urlencoded), into a bounded list of decoded
 * pairs.  Input is (ptr, len), never trusted to be terminated; names and
 * values longer than their caps, and more pairs than FORM_MAX_PAIRS, are
 * refused, not cut.
 */
#ifndef ZW_FORM_H
#define ZW_FORM_H

#include <stddef.h>

#define FORM_MAX_PAIRS	32
#define FORM_NAME_MAX	32
#define FORM_VALUE_MAX	2048

struct form_pair {
	char	 name[FORM_NAME_MAX + 1];
	char	 value[FORM_VALUE_MAX + 1];
};

struct form {
	struct form_pair	 v[FORM_MAX_PAIRS];
	int			 n;
};

/* 0, or -1 for malformed or oversized input (the form is then empty). */
int		 form_parse_urlencoded(struct form *, const char *, size_t);
int		 form_parse_cookies(struct form *, const char *, size_t);
/* The value of the first pair of that name, or NULL. */
const char	*form_get(const struct form *, const char *name);

#endif
