/*
 * The configuration language: lines of words, blocks in braces.
 *
 *	# a comment
 *	include "sites.conf"
 *	retention-days 180
 *	zone internal {
 *		network 10.0.0.0/8
 *		vlan 100-199
 *	}
 *
 * A word is a run of characters other than blanks, braces, '#' and
 * quotes; a quoted string may hold anything but a line break, with \" and
 * \\ for a quote and a backslash.  Every keyword is a row in a table
 * (conf.c); a word not in the table is an error, with file and line.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "conf-parse.h"
#include "escape.h"
#include "parse.h"

#define MAX_FILE_SIZE	(4 * 1024 * 1024)
#define MAX_LINE	4096
#define MAX_WORDS	32
#define MAX_INCLUDE	8

void
conf_error(struct conf_parser *ps, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (ps->failed)
		return;
	ps->failed = 1;
	/* Line 0: the file itself, before any line was read. */
	n = ps->line > 0 ? snprintf(ps->err, ps->errlen, "%s:%d: ", ps->file,
	    ps->line) : snprintf(ps->err, ps->errlen, "%s: ", ps->file);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void *
conf_list_add(void *vp, size_t *n, size_t *cap, size_t size, size_t max)
{
	void	**v = vp, *nv;
	size_t	 ncap;

	if (*n >= max)
		return NULL;
	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 8;
		if ((nv = reallocarray(*v, ncap, size)) == NULL)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	memset((char *)*v + *n * size, 0, size);
	return (char *)*v + (*n)++ * size;
}

static char	 open_brace[] = "{", close_brace[] = "}";

/* Splits a line into words; returns the count, or -1 (error set). */
static int
split(struct conf_parser *ps, char *line, char **words)
{
	char	*r = line, *w;
	int	 n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r')
			r++;
		if (*r == '\0' || *r == '#')
			return n;
		if (n == MAX_WORDS) {
			conf_error(ps, "too many words on one line");
			return -1;
		}
		if (*r == '{' || *r == '}') {
			words[n++] = *r == '{' ? open_brace : close_brace;
			r++;
			continue;
		}
		words[n++] = w = r;
		if (*r == '"') {
			/* Unquote in place: w trails r. */
			words[n - 1] = w = ++r;
			for (;;) {
				if (*r == '\0') {
					conf_error(ps, "unterminated quoted string");
					return -1;
				}
				if (*r == '"')
					break;
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r++;
			}
			r++;
			if (*r != '\0' && *r != ' ' && *r != '\t' &&
			    *r != '\r' && *r != '#' && *r != '{' && *r != '}') {
				conf_error(ps, "a quoted string must stand alone");
				return -1;
			}
			*w = '\0';
			if (*r == ' ' || *r == '\t' || *r == '\r')
				r++;
			continue;
		}
		while (*r != '\0' && *r != ' ' && *r != '\t' && *r != '\r' &&
		    *r != '#' && *r != '{' && *r != '}' && *r != '"')
			r++;
		if (*r == '"') {
			conf_error(ps, "a quote in the middle of a word");
			return -1;
		}
		if (*r == ' ' || *r == '\t' || *r == '\r')
			*r++ = '\0';
		else if (*r == '#')
			*r = '\0';
		else if (*r == '{' || *r == '}') {
			/* A brace right after a word: end the word there. */
			if (n == MAX_WORDS) {
				conf_error(ps, "too many words on one line");
				return -1;
			}
			words[n++] = *r == '{' ? open_brace : close_brace;
			*r++ = '\0';
		}
	}
}

static const struct conf_keyword *
lookup(const struct conf_keyword *table, const char *word)
{
	for (; table->name != NULL; table++)
		if (strcmp(table->name, word) == 0)
			return table;
	return NULL;
}

static int
dispatch(struct conf_parser *ps, char **words, int n)
{
	const struct conf_keyword	*table, *kw;
	const struct conf_setting	*s;
	int				 opens;

	if (n == 1 && strcmp(words[0], "}") == 0) {
		if (ps->block == NULL) {
			conf_error(ps, "\"}\" without a block to close");
			return -1;
		}
		ps->block = NULL;
		ps->obj = NULL;
		return 0;
	}
	if (ps->block == NULL && ps->settings &&
	    (s = conf_setting_find(words[0])) != NULL) {
		if (n != 2) {
			conf_error(ps, "%s takes 1 value, not %d", s->name,
			    n - 1);
			return -1;
		}
		return conf_setting_set(ps, s, words[1]);
	}
	table = ps->block ? ps->block->keywords : ps->top;
	if ((kw = lookup(table, words[0])) == NULL) {
		if (ps->block)
			conf_error(ps, "unknown keyword \"%s\" in %s %s",
			    words[0], ps->block->name, ps->obj_name);
		else
			conf_error(ps, "unknown keyword \"%s\"", words[0]);
		return -1;
	}
	opens = n >= 2 && strcmp(words[n - 1], "{") == 0;
	if (kw->block != NULL && !opens) {
		conf_error(ps, "%s needs a name and a block: %s NAME { ... }",
		    kw->name, kw->name);
		return -1;
	}
	if (kw->block == NULL && opens) {
		conf_error(ps, "%s does not open a block", kw->name);
		return -1;
	}
	if (opens)
		n--;
	if (kw->nargs >= 0 && n - 1 != kw->nargs) {
		conf_error(ps, "%s takes %d value%s, not %d", kw->name,
		    kw->nargs, kw->nargs == 1 ? "" : "s", n - 1);
		return -1;
	}
	if (kw->fn(ps, n - 1, words + 1) == -1)
		return -1;
	if (kw->block != NULL) {
		ps->block = kw->block;
		ps->block_line = ps->line;
		snprintf(ps->obj_name, sizeof(ps->obj_name), "%s", words[1]);
	}
	return 0;
}

static const char *
intern(struct conf_parser *ps, const char *path)
{
	char	**slot, *copy;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	if ((slot = conf_list_add(&ps->conf->files.v, &ps->conf->files.n,
	    &ps->conf->files.cap, sizeof(char *), 256)) == NULL) {
		free(copy);
		return NULL;
	}
	*slot = copy;
	return copy;
}

/*
 * What is wrong with a file as a whole: where an include names it, or
 * the file alone if it is the one given.
 */
static void
file_error(struct conf_parser *ps, const char *path, const char *what)
{
	if (ps->line > 0)
		conf_error(ps, "%s: %s", path, what);
	else
		conf_error(ps, "%s", what);
}

int
conf_parse_file(struct conf_parser *ps, const char *path)
{
	const char	*saved_file = ps->file;
	int		 saved_line = ps->line;
	char		*buf = NULL, *line, *next, *nul, *words[MAX_WORDS];
	const char	*why;
	size_t		 len;
	int		 n, rv = -1;

	if (ps->depth >= MAX_INCLUDE) {
		conf_error(ps, "includes nested more than %d deep", MAX_INCLUDE);
		return -1;
	}
	if (afile_read(path, MAX_FILE_SIZE, &buf, &len, &why) == -1) {
		file_error(ps, path, errno == EFBIG ? "larger than 4 MB" : why);
		return -1;
	}
	if ((ps->file = intern(ps, path)) == NULL) {
		ps->file = saved_file;
		conf_error(ps, "out of memory");
		goto out;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		for (ps->line = 1, line = buf; line < nul; line++)
			ps->line += *line == '\n';
		conf_error(ps, "a NUL byte: not a text file");
		goto out;
	}
	ps->depth++;
	/* Windows editors begin a UTF-8 file with a byte-order mark. */
	line = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? buf + 3 : buf;
	for (ps->line = 1; line != NULL && !ps->failed;
	    line = next, ps->line++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) > MAX_LINE) {
			conf_error(ps, "line longer than %d bytes", MAX_LINE);
			break;
		}
		/* Names are shown in the web UI, reports and traps. */
		if (!escape_utf8_valid(line)) {
			conf_error(ps, "not UTF-8 (saved as GBK? save the "
			    "file as UTF-8)");
			break;
		}
		if ((n = split(ps, line, words)) <= 0)
			continue;
		dispatch(ps, words, n);
	}
	if (!ps->failed && ps->block != NULL) {
		ps->line = ps->block_line;
		conf_error(ps, "%s %s is not closed: \"}\" missing",
		    ps->block->name, ps->obj_name);
	}
	ps->depth--;
	rv = ps->failed ? -1 : 0;
out:
	ps->file = saved_file ? saved_file : ps->file;
	ps->line = saved_line;
	free(buf);
	return rv;
}

/* A path in an include is relative to the including file. */
int
conf_include_path(struct conf_parser *ps, const char *name, char *out,
    size_t len)
{
	char	*copy, *dir;
	int	 n;

	if (name[0] == '/')
		n = snprintf(out, len, "%s", name);
	else {
		if ((copy = strdup(ps->file)) == NULL)
			return -1;
		dir = dirname(copy);
		n = snprintf(out, len, "%s/%s", dir, name);
		free(copy);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A whole number within a range, or file:line and the range. */
int
conf_number(struct conf_parser *ps, const char *what, const char *arg,
    uint64_t min, uint64_t max, unsigned int *out)
{
	const char	*errstr;
	uint64_t	 v;

	if (parse_u64(arg, min, max, &v, &errstr) == -1) {
		conf_error(ps, "%s %s: from %llu to %llu", what, arg,
		    (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}
