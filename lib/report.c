/*
 * The report model: tables of cells, grown as rows are added.  A failed
 * allocation marks the report failed instead of losing a cell silently.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "report.h"

static const char *const kind_names[REPORT_NKINDS] = {
	"network", "security", "audit"
};

static const char *const format_names[REPORT_NFORMATS] = {
	"csv", "json", "pdf"
};

static const char *const titles[REPORT_NKINDS][2] = {
	{ "网络运行报告", "Network report" },
	{ "安全违规报告", "Security report" },
	{ "审计报告", "Audit report" },
};

const char *
report_title(enum report_kind k, int en)
{
	return (unsigned)k < REPORT_NKINDS ? titles[k][en ? 1 : 0] : "?";
}

const char *
report_kind_name(enum report_kind k)
{
	return (unsigned)k < REPORT_NKINDS ? kind_names[k] : "?";
}

int
report_kind_parse(const char *s)
{
	int	 i;

	for (i = 0; i < REPORT_NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *
report_format_name(enum report_format f)
{
	return (unsigned)f < REPORT_NFORMATS ? format_names[f] : "?";
}

int
report_format_parse(const char *s)
{
	int	 i;

	for (i = 0; i < REPORT_NFORMATS; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

struct report *
report_new(enum report_kind kind, int64_t since_us, int64_t until_us)
{
	struct report	*r;
	struct timeval	 tv;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->kind = kind;
	r->since_us = since_us;
	r->until_us = until_us;
	gettimeofday(&tv, NULL);
	r->made_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	if (gethostname(r->host, sizeof(r->host)) == -1)
		strcpy(r->host, "zonewatch");
	r->host[sizeof(r->host) - 1] = '\0';
	return r;
}

void
report_free(struct report *r)
{
	size_t	 i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntables; i++) {
		struct report_table *t = &r->tables[i];

		for (k = 0; k < t->nrows * (size_t)t->ncols; k++)
			free(t->cells[k].text);
		free(t->cells);
		free(t->note);
		if (t->chart != NULL)
			unlink(t->chart);
		free(t->chart);
	}
	free(r->tables);
	if (r->tmpdir[0] != '\0')
		rmdir(r->tmpdir);
	free(r);
}

struct report_table *
report_table(struct report *r, const char *title_zh, const char *title_en,
    ...)
{
	struct report_table	*t;
	va_list			 ap;
	const char		*zh;

	if ((t = reallocarray(r->tables, r->ntables + 1,
	    sizeof(*t))) == NULL) {
		r->failed = 1;
		return NULL;
	}
	r->tables = t;
	t = &r->tables[r->ntables++];
	memset(t, 0, sizeof(*t));
	t->title_zh = title_zh;
	t->title_en = title_en;
	va_start(ap, title_en);
	while ((zh = va_arg(ap, const char *)) != NULL &&
	    t->ncols < REPORT_MAX_COLS) {
		t->cols[t->ncols].zh = zh;
		t->cols[t->ncols].en = va_arg(ap, const char *);
		t->ncols++;
	}
	va_end(ap);
	t->col = t->ncols;
	return t;
}

void
report_row(struct report_table *t)
{
	struct report_cell	*c;
	size_t			 cap;
	int			 i;

	if (t == NULL)
		return;
	if (t->nrows == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((c = reallocarray(t->cells, cap * (size_t)t->ncols,
		    sizeof(*c))) == NULL)
			return;		/* the row is not added */
		t->cells = c;
		t->cap = cap;
	}
	c = &t->cells[t->nrows * (size_t)t->ncols];
	for (i = 0; i < t->ncols; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].type = CELL_NONE;
	}
	t->nrows++;
	t->col = 0;
}

static struct report_cell *
next_cell(struct report_table *t)
{
	if (t == NULL || t->nrows == 0 || t->col >= t->ncols)
		return NULL;
	return &t->cells[(t->nrows - 1) * (size_t)t->ncols + (size_t)t->col++];
}

void
report_text(struct report_table *t, const char *s)
{
	struct report_cell	*c = next_cell(t);

	if (c == NULL)
		return;
	c->type = CELL_TEXT;
	c->text = strdup(s ? s : "");
}

void
report_int(struct report_table *t, int64_t v)
{
	struct report_cell	*c = next_cell(t);

	if (c == NULL)
		return;
	c->type = CELL_INT;
	c->i = v;
}

void
report_real(struct report_table *t, double v, int decimals)
{
	struct report_cell	*c = next_cell(t);

	if (c == NULL)
		return;
	c->type = isnan(v) ? CELL_NONE : CELL_REAL;
	c->r = v;
	c->decimals = decimals;
}

void
report_none(struct report_table *t)
{
	next_cell(t);
}

void
report_note(struct report_table *t, const char *fmt, ...)
{
	va_list	 ap;

	if (t == NULL)
		return;
	free(t->note);
	va_start(ap, fmt);
	if (vasprintf(&t->note, fmt, ap) == -1)
		t->note = NULL;
	va_end(ap);
}

const char *
report_cell_text(const struct report_cell *c, char *buf, size_t len)
{
	switch (c->type) {
	case CELL_TEXT:
		return c->text ? c->text : "";
	case CELL_INT:
		snprintf(buf, len, "%lld", (long long)c->i);
		return buf;
	case CELL_REAL:
		snprintf(buf, len, "%.*f", c->decimals, c->r);
		return buf;
	default:
		return "";
	}
}
