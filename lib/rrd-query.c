/*
 * Reading trends back.  librrd picks the archive of 5-minute rows for
 * the range; the series of several files are added row by row, a row
 * unknown in any file being unknown in the sum.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>

#include "rrd-query.h"

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
rrd_query_percentile(double *v, size_t n, double pct)
{
	size_t	 rank;

	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = (size_t)ceil(pct / 100 * (double)n);
	return v[rank > 0 ? rank - 1 : 0];
}

static int
ds_index(char **names, unsigned long n, const char *want)
{
	unsigned long	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return (int)i;
	return -1;
}

int
rrd_query_files(const char *const *files, size_t nfiles, time_t start,
    time_t end, struct rrd_query *q, char *err, size_t errlen)
{
	double		*sum[2] = { NULL, NULL }, *vals[2] = { NULL, NULL };
	rrd_value_t	*data;
	char		**names;
	unsigned long	 step, nds, rows = 0, r, i;
	time_t		 s, e;
	size_t		 f, k, known = 0;
	int		 d, col[3], rv = -1;

	memset(q, 0, sizeof(*q));
	q->speed = NAN;
	for (f = 0; f < nfiles; f++) {
		s = start;
		e = end;
		step = RRD_QUERY_STEP;
		if (rrd_fetch_r(files[f], "AVERAGE", &s, &e, &step, &nds,
		    &names, &data) != 0) {
			snprintf(err, errlen, "%s: %s", files[f],
			    rrd_get_error());
			rrd_clear_error();
			goto out;
		}
		col[0] = ds_index(names, nds, "in");
		col[1] = ds_index(names, nds, "out");
		col[2] = ds_index(names, nds, "speed");
		if (f == 0) {
			rows = (unsigned long)(e - s) / step;
			q->start = s;
			q->end = e;
			for (d = 0; d < 2; d++)
				if ((sum[d] = calloc(rows + 1, sizeof(double))) ==
				    NULL || (vals[d] = calloc(rows + 1,
				    sizeof(double))) == NULL) {
					snprintf(err, errlen, "out of memory");
					goto free_fetch;
				}
		} else if ((unsigned long)(e - s) / step != rows) {
			snprintf(err, errlen, "%s: another step or range",
			    files[f]);
			goto free_fetch;
		}
		if (col[0] < 0 || col[1] < 0) {
			snprintf(err, errlen, "%s: no in and out", files[f]);
			goto free_fetch;
		}
		for (r = 0; r < rows; r++) {
			for (d = 0; d < 2; d++)
				sum[d][r] += data[r * nds + (unsigned long)col[d]];
			/* The speed of the first file, as last known. */
			if (f == 0 && col[2] >= 0 && !isnan(data[r * nds +
			    (unsigned long)col[2]]))
				q->speed = data[r * nds + (unsigned long)col[2]];
		}
		rv = 0;
free_fetch:
		for (i = 0; i < nds; i++)
			free(names[i]);
		free(names);
		free(data);
		if (rv != 0)
			goto out;
		rv = -1;
	}
	for (d = 0; d < 2; d++) {
		double	 total = 0;

		k = 0;
		q->peak[d] = NAN;
		for (r = 0; r < rows; r++)
			if (!isnan(sum[d][r])) {
				vals[d][k++] = sum[d][r];
				total += sum[d][r];
				if (isnan(q->peak[d]) || sum[d][r] > q->peak[d])
					q->peak[d] = sum[d][r];
			}
		q->mean[d] = k ? total / (double)k : NAN;
		q->sum[d] = total;
		q->known[d] = (unsigned int)k;
		q->p95[d] = rrd_query_percentile(vals[d], k, 95);
		known = k;
	}
	q->samples = (unsigned int)known;
	rv = 0;
out:
	for (d = 0; d < 2; d++) {
		free(sum[d]);
		free(vals[d]);
	}
	return rv;
}

int
rrd_query_mean(const char *file, const char *ds, time_t start, time_t end,
    double *mean, unsigned int *known, char *err, size_t errlen)
{
	rrd_value_t	*data;
	char		**names;
	unsigned long	 step = RRD_QUERY_STEP, nds, rows, r, i;
	double		 total = 0;
	int		 col;

	*mean = NAN;
	*known = 0;
	if (rrd_fetch_r(file, "AVERAGE", &start, &end, &step, &nds, &names,
	    &data) != 0) {
		snprintf(err, errlen, "%s: %s", file, rrd_get_error());
		rrd_clear_error();
		return -1;
	}
	col = ds_index(names, nds, ds);
	rows = (unsigned long)(end - start) / step;
	for (r = 0; col >= 0 && r < rows; r++)
		if (!isnan(data[r * nds + (unsigned long)col])) {
			total += data[r * nds + (unsigned long)col];
			(*known)++;
		}
	for (i = 0; i < nds; i++)
		free(names[i]);
	free(names);
	free(data);
	if (col < 0) {
		snprintf(err, errlen, "%s: no data source %s", file, ds);
		return -1;
	}
	if (*known > 0)
		*mean = total / *known;
	return 0;
}
