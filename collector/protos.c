/*
 * Custom applications, in the format of nDPI's protocol file (the one
 * ndpiReader -p reads), one definition a line:
 *
 *	host:"gov.cn"@GovCN			a name ending in gov.cn
 *	tcp:8443,udp:5000-5010@Portal		by port or range of ports
 *	ip:59.52.0.0/16@JiangxiNet		by IPv4 address or network
 *
 * nDPI 4.2's own reader skips a line it does not understand with a
 * message on stdout and no line number; keeps a carriage return (a file
 * saved on Windows) in the application's name, which no rule then
 * names; drops a last line without a newline; replaces characters of a
 * name with '_'; takes an address it cannot parse as whatever its stack
 * held; and reads before its buffer on an empty host name or a NUL
 * byte.  So every line is checked here, with file:line for what is
 * wrong, and nDPI is given only the checked definitions, written out
 * again one a line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "afile.h"
#include "parse.h"
#include "protos.h"

#define HOST_MAX	253		/* RFC 1035, 2.3.4, as text */

struct parser {
	const char	*path;
	unsigned int	 line;
	char		*err;
	size_t		 errlen;
	char		*out;
	size_t		 outlen;
	char		 names[PROTOS_MAX_APPS][PROTOS_MAX_NAME + 1];
	size_t		 nnames;
};

static int
fail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct parser *ps, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->path, ps->line);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* What a message may echo of a line: printable ASCII, shortened. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 4 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0' && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

static int
in_set(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static int
host_rule(struct parser *ps, char *v)
{
	char	 b[48];
	size_t	 n = strlen(v);

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return fail(ps, "host:%s: the name goes in double quotes, "
		    "host:\"example.gov.cn\"", shown(v, b, sizeof(b)));
	v[n - 1] = '\0';
	v++;
	if (*v == '\0')
		return fail(ps, "host:\"\": an empty name");
	if (n - 2 > HOST_MAX)
		return fail(ps, "host:\"%s\": longer than %d characters",
		    shown(v, b, sizeof(b)), HOST_MAX);
	if (!in_set(v, ".-_"))
		return fail(ps, "host:\"%s\": letters, digits, '.', '-' and "
		    "'_' only (a Chinese name in its xn-- form)",
		    shown(v, b, sizeof(b)));
	return 0;
}

static int
port_rule(struct parser *ps, const char *proto, char *v)
{
	uint64_t	 lo, hi;
	const char	*errstr;
	char		*dash, b[48];

	if ((dash = strchr(v, '-')) != NULL)
		*dash++ = '\0';
	if (parse_u64(v, 1, 65535, &lo, &errstr) == -1 || (dash != NULL &&
	    parse_u64(dash, 1, 65535, &hi, &errstr) == -1)) {
		if (dash != NULL)
			dash[-1] = '-';
		return fail(ps, "%s:%s: a port (1 to 65535) or a range of "
		    "ports (%s:5000-5010)", proto, shown(v, b, sizeof(b)),
		    proto);
	}
	if (dash != NULL && hi < lo)
		return fail(ps, "%s:%llu-%llu: the range ends before it begins",
		    proto, (unsigned long long)lo, (unsigned long long)hi);
	if (dash != NULL)
		dash[-1] = '-';
	return 0;
}

static int
ip_rule(struct parser *ps, char *v)
{
	struct in_addr	 a;
	uint64_t	 bits;
	const char	*errstr;
	char		*slash, b[48];
	int		 ok;

	if ((slash = strchr(v, '/')) != NULL)
		*slash++ = '\0';
	ok = inet_pton(AF_INET, v, &a) == 1 && (slash == NULL ||
	    parse_u64(slash, 0, 32, &bits, &errstr) == 0);
	if (slash != NULL)
		slash[-1] = '/';
	if (!ok)
		return fail(ps, "ip:%s: an IPv4 address or network "
		    "(ip:59.52.0.0/16; nDPI 4.2 takes no IPv6 here)",
		    shown(v, b, sizeof(b)));
	return 0;
}

/* Each definition, before the '@', by its kind. */
static const struct kind {
	const char	*prefix;
	int		(*check)(struct parser *, char *);
	const char	*proto;		/* for port_rule */
} kinds[] = {
	{ "host:",	host_rule,	NULL },
	{ "ip:",	ip_rule,	NULL },
	{ "tcp:",	NULL,		"tcp" },
	{ "udp:",	NULL,		"udp" },
};

static int
element(struct parser *ps, char *e)
{
	char	 b[48];
	size_t	 i, n;

	if (*e == '\0')
		return fail(ps, "an empty definition (two commas, or a comma "
		    "before '@')");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i].prefix);
		if (strncmp(e, kinds[i].prefix, n) != 0)
			continue;
		return kinds[i].check != NULL ? kinds[i].check(ps, e + n) :
		    port_rule(ps, kinds[i].proto, e + n);
	}
	return fail(ps, "%s: not host:\"...\", tcp:, udp: or ip:",
	    shown(e, b, sizeof(b)));
}

static int
name(struct parser *ps, const char *s)
{
	char	 b[48];
	size_t	 i;

	if (*s == '\0')
		return fail(ps, "no application name after '@'");
	if (strlen(s) > PROTOS_MAX_NAME || !in_set(s, "_-"))
		return fail(ps, "@%s: an application name is up to %d "
		    "letters, digits, '_' and '-' (rules name it so)",
		    shown(s, b, sizeof(b)), PROTOS_MAX_NAME);
	/* nDPI compares names without case. */
	for (i = 0; i < ps->nnames; i++)
		if (strcasecmp(ps->names[i], s) == 0)
			return 0;
	if (ps->nnames == PROTOS_MAX_APPS)
		return fail(ps, "more than %d applications", PROTOS_MAX_APPS);
	strcpy(ps->names[ps->nnames++], s);
	return 0;
}

/* One line, without its newline, trimmed, not a comment. */
static int
definition(struct parser *ps, char *s)
{
	char	 copy[PROTOS_MAX_LINE + 1], *at, *rest, *e;
	size_t	 n = strlen(s);

	if (strpbrk(s, " \t") != NULL)
		return fail(ps, "a space inside a definition (a comment is "
		    "a line of its own, beginning with '#')");
	if ((at = strrchr(s, '@')) == NULL)
		return fail(ps, "no '@' and application name: "
		    "host:\"example.gov.cn\"@Example");
	memcpy(copy, s, n + 1);
	at = copy + (at - s);
	*at = '\0';
	if (name(ps, at + 1) == -1)
		return -1;
	rest = copy;
	while ((e = strsep(&rest, ",")) != NULL)
		if (element(ps, e) == -1)
			return -1;
	memcpy(ps->out + ps->outlen, s, n);
	ps->outlen += n;
	ps->out[ps->outlen++] = '\n';
	return 0;
}

int
protos_parse(const char *text, size_t len, const char *path, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	struct parser	*ps;
	char		 line[PROTOS_MAX_LINE + 1], *s, *end;
	const char	*p = text, *nl, *stop = text + len;
	size_t		 n;
	int		 rv = 0;

	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (ps->out = malloc(len + 1)) == NULL) {
		free(ps);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	ps->path = path;
	ps->err = err;
	ps->errlen = errlen;
	/* Windows editors begin a UTF-8 file with a byte-order mark. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < stop && rv == 0; p = nl + 1) {
		ps->line++;
		if ((nl = memchr(p, '\n', (size_t)(stop - p))) == NULL)
			nl = stop;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > PROTOS_MAX_LINE) {
			rv = fail(ps, "line longer than %d bytes",
			    PROTOS_MAX_LINE);
			break;
		}
		if (memchr(p, '\0', n) != NULL) {
			rv = fail(ps, "a NUL byte: not a text file");
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		for (end = s + strlen(s); end > s && (end[-1] == ' ' ||
		    end[-1] == '\t' || end[-1] == '\r'); end--)
			;
		*end = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		rv = definition(ps, s);
	}
	if (rv == 0) {
		*out = ps->out;
		*outlen = ps->outlen;
	} else
		free(ps->out);
	free(ps);
	return rv;
}

int
protos_read(const char *path, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	const char	*why;
	char		*buf;
	size_t		 len;
	int		 rv;

	if (afile_read(path, PROTOS_MAX_FILE, &buf, &len, &why) == -1) {
		if (errno == EFBIG)
			snprintf(err, errlen, "%s: larger than %u bytes", path,
			    PROTOS_MAX_FILE);
		else
			snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	rv = protos_parse(buf, len, path, out, outlen, err, errlen);
	free(buf);
	return rv;
}
