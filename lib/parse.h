/*
 * Strict number parsing for command lines and configuration, in the
 * manner of OpenBSD's strtonum(3): the whole string, within a range.
 */
#ifndef ZW_PARSE_H
#define ZW_PARSE_H

#include <stdint.h>

int	parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
	    const char **errstr);
int	parse_double(const char *s, double min, double max, double *out,
	    const char **errstr);
/*
 * A number given to a program's option: the number, or the program ends
 * with "name arg: why (min to max)", as every program of the project
 * says it (a mistake at start-up, so fatal).
 */
uint64_t parse_option(const char *name, const char *arg, uint64_t min,
	    uint64_t max);

#endif
