/*
 * Text for the formats people open: CSV for spreadsheets, JSON for
 * programs.  Every text that came off the wire or out of a file goes
 * through one of these before it is written.
 */
#include <string.h>

#include "escape.h"

/*
 * RFC 4180: a field with a comma, quote or line break is quoted and its
 * quotes doubled.  A field that a spreadsheet would take for a formula
 * (a hostile SNI such as "=cmd|...") gets a leading apostrophe: these
 * files are opened in Excel and WPS.  Output is truncated to fit.
 */
size_t
escape_csv(char *dst, size_t len, const char *src)
{
	size_t	 o = 0;
	int	 quote = strpbrk(src, ",\"\r\n") != NULL;

	if (len < 4) {
		if (len)
			dst[0] = '\0';
		return 0;
	}
	if (quote)
		dst[o++] = '"';
	/* A lone "-" (nothing known) is no formula. */
	if (strchr("=+-@\t", src[0]) != NULL && src[0] != '\0' &&
	    strcmp(src, "-") != 0)
		dst[o++] = '\'';
	for (; *src && o + 3 < len; src++) {
		if (*src == '"')
			dst[o++] = '"';
		dst[o++] = *src;
	}
	if (quote)
		dst[o++] = '"';
	dst[o] = '\0';
	return o;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629, section 4:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s)
{
	size_t	 n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The length of the well-formed UTF-8 character at s, or 0. */
size_t
escape_utf8_char(const char *s)
{
	return (unsigned char)*s < 0x80 ? *s != '\0' :
	    utf8_len((const unsigned char *)s);
}

/* Whether s is well-formed UTF-8 from end to end (RFC 3629). */
int
escape_utf8_valid(const char *s)
{
	size_t	 n;

	while ((n = escape_utf8_char(s)) > 0)
		s += n;
	return *s == '\0';
}

/*
 * JSON string body (RFC 8259, section 7).  Well-formed UTF-8 (Chinese
 * text of the configuration) is kept; control characters and bytes that
 * are not well-formed UTF-8 (names off the wire are not guaranteed to be)
 * are written as \u00XX, so the output is valid JSON whatever they hold.
 */
size_t
escape_json(char *dst, size_t len, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 o = 0, n;
	unsigned char	 ch;

	if (len == 0)
		return 0;
	for (; *src; src++) {
		ch = (unsigned char)*src;
		if (ch >= 0x80 && (n = utf8_len((const unsigned char *)src)) > 0) {
			if (o + n >= len)
				break;
			memcpy(dst + o, src, n);
			o += n;
			src += n - 1;
		} else if (ch == '"' || ch == '\\') {
			if (o + 2 >= len)
				break;
			dst[o++] = '\\';
			dst[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			if (o + 6 >= len)
				break;
			memcpy(dst + o, "\\u00", 4);
			dst[o + 4] = hex[ch >> 4];
			dst[o + 5] = hex[ch & 15];
			o += 6;
		} else {
			if (o + 1 >= len)
				break;
			dst[o++] = (char)ch;
		}
	}
	dst[o] = '\0';
	return o;
}

