#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse.h"

int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    const char **errstr)
{
	unsigned long long	 v;
	char			*end;

	*errstr = NULL;
	/*
	 * Digits only: strtoull() would skip any white space first (a tab,
	 * a carriage return) and take a minus sign after it.
	 */
	if (s == NULL || *s < '0' || *s > '9') {
		*errstr = "invalid";
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_double(const char *s, double min, double max, double *out,
    const char **errstr)
{
	double		 v;
	const char	*d;
	char		*end;

	*errstr = NULL;
	/*
	 * A decimal number: strtod() would also skip white space first, and
	 * take "inf", "nan" and hexadecimal.
	 */
	if (s == NULL || strpbrk(s, "xX") != NULL) {
		*errstr = "invalid";
		return -1;
	}
	d = s + (*s == '-' || *s == '+');
	d += *d == '.';
	if (*d < '0' || *d > '9') {
		*errstr = "invalid";
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || v != v) {
		*errstr = "invalid";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

uint64_t
parse_option(const char *name, const char *arg, uint64_t min, uint64_t max)
{
	const char	*errstr;
	uint64_t	 v;

	if (parse_u64(arg, min, max, &v, &errstr) == -1)
		fatalx("%s %s: %s (%llu to %llu)", name, arg, errstr,
		    (unsigned long long)min, (unsigned long long)max);
	return v;
}
