/*
 * Cookies and URL-encoded forms, decoded into bounded pairs.
 */
#include <string.h>

#include "form.h"

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..len) into out (cap bytes with the terminator);
 * '+' is a space in forms (HTML, 4.10.21.7).  A NUL decoded is refused:
 * values are C strings from here on.
 */
static int
decode(const char *s, size_t len, char *out, size_t cap, int plus)
{
	size_t	 i, n = 0;
	int	 a, b, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((a = hex((unsigned char)s[i + 1])) < 0 ||
			    (b = hex((unsigned char)s[i + 2])) < 0)
				return -1;
			c = a * 16 + b;
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c == '\0' || n + 1 >= cap)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

static int
add(struct form *f, const char *name, size_t nlen, const char *value,
    size_t vlen, int plus)
{
	struct form_pair	*p;

	if (f->n == FORM_MAX_PAIRS)
		return -1;
	p = &f->v[f->n];
	if (decode(name, nlen, p->name, sizeof(p->name), plus) == -1 ||
	    decode(value, vlen, p->value, sizeof(p->value), plus) == -1)
		return -1;
	f->n++;
	return 0;
}

/* Splits on sep; each piece is name[=value], trimmed of blanks if trim. */
static int
split(struct form *f, const char *s, size_t len, char sep, int trim,
    int plus)
{
	const char	*end = s + len, *piece, *eq, *stop;

	f->n = 0;
	while (s < end) {
		piece = s;
		if ((stop = memchr(s, sep, (size_t)(end - s))) == NULL)
			stop = end;
		s = stop + 1;
		while (trim && piece < stop && (*piece == ' ' || *piece == '\t'))
			piece++;
		if (piece == stop)
			continue;
		if ((eq = memchr(piece, '=', (size_t)(stop - piece))) == NULL)
			eq = stop;
		if (add(f, piece, (size_t)(eq - piece), eq < stop ? eq + 1 :
		    stop, eq < stop ? (size_t)(stop - eq - 1) : 0, plus) == -1) {
			f->n = 0;
			return -1;
		}
	}
	return 0;
}

int
form_parse_urlencoded(struct form *f, const char *s, size_t len)
{
	return split(f, s, len, '&', 0, 1);
}

/* Cookie values are not percent-encoded by us, but may be by others. */
int
form_parse_cookies(struct form *f, const char *s, size_t len)
{
	return split(f, s, len, ';', 1, 0);
}

const char *
form_get(const struct form *f, const char *name)
{
	int	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return f->v[i].value;
	return NULL;
}
