/*
 * Interface rows.  Walks return each column in ifIndex order, so rows
 * are mostly appended; a binary search finds the place otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "if-table.h"

#define IF_COL_NAME(id, name)	name,
static const char *const column_names[IF_NCOLUMNS] = {
	IF_COLUMNS(IF_COL_NAME)
};
#undef IF_COL_NAME

const char *
if_column_name(enum if_column c)
{
	return (unsigned)c < IF_NCOLUMNS ? column_names[c] : "?";
}

static size_t
lower_bound(const struct if_table *t, uint32_t index)
{
	size_t	 lo = 0, hi = t->n, mid;

	if (t->n > 0 && t->rows[t->n - 1].index < index)
		return t->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->rows[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct if_row *
if_table_find(const struct if_table *t, uint32_t index)
{
	size_t	 i = lower_bound(t, index);

	return i < t->n && t->rows[i].index == index ? &t->rows[i] : NULL;
}

struct if_row *
if_table_row(struct if_table *t, uint32_t index)
{
	struct if_row	*v;
	size_t		 i = lower_bound(t, index), cap;

	if (i < t->n && t->rows[i].index == index)
		return &t->rows[i];
	if (t->n >= IF_MAX_ROWS) {
		t->dropped++;
		return NULL;
	}
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((v = realloc(t->rows, cap * sizeof(*v))) == NULL)
			return NULL;
		t->rows = v;
		t->cap = cap;
	}
	memmove(&t->rows[i + 1], &t->rows[i], (t->n - i) * sizeof(*t->rows));
	memset(&t->rows[i], 0, sizeof(t->rows[i]));
	t->rows[i].index = index;
	t->n++;
	return &t->rows[i];
}

void
if_table_clear(struct if_table *t)
{
	t->n = 0;
	t->dropped = 0;
}

void
if_table_free(struct if_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

void
if_table_move(struct if_table *dst, struct if_table *src)
{
	if_table_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

int
if_row_has(const struct if_row *r, enum if_column c)
{
	return (r->have >> c) & 1;
}

uint64_t
if_row_speed(const struct if_row *r)
{
	if (if_row_has(r, IF_COL_HIGH_SPEED) && r->high_speed > 0)
		return (uint64_t)r->high_speed * 1000000;
	/* 4294967295 is "this or more" (RFC 2863): not a speed. */
	if (if_row_has(r, IF_COL_SPEED) && r->speed != UINT32_MAX)
		return r->speed;
	return 0;
}

const char *
if_row_label(const struct if_row *r, char *buf, size_t len)
{
	if (r->name[0] != '\0')
		return r->name;
	if (r->descr[0] != '\0')
		return r->descr;
	snprintf(buf, len, "if%u", r->index);
	return buf;
}
