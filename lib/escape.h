/*
 * Escaping of untrusted text for CSV (RFC 4180) and JSON (RFC 8259).
 * Both truncate to fit and always terminate the output.
 */
#ifndef ZW_ESCAPE_H
#define ZW_ESCAPE_H

#include <stddef.h>

size_t	escape_csv(char *dst, size_t len, const char *src);
size_t	escape_json(char *dst, size_t len, const char *src);
size_t	escape_utf8_char(const char *s);
int	escape_utf8_valid(const char *s);

#endif
