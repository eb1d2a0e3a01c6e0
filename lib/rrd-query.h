/*
 * The figures people ask of a trend, over a range: mean, peak and the
 * 95th percentile of the 5-minute averages (nearest rank, as transit is
 * billed), in and out, for one RRD or the sum of several (a site with
 * two uplinks).
 */
#ifndef ZW_RRD_QUERY_H
#define ZW_RRD_QUERY_H

#include <stddef.h>
#include <time.h>

#define RRD_QUERY_STEP	300	/* the 5-minute averages */

struct rrd_query {
	time_t		 start, end;
	unsigned int	 samples;	/* 5-minute averages known */
	double		 mean[2];	/* in, out: bit/s */
	double		 peak[2];	/* largest 5-minute average */
	double		 p95[2];
	double		 speed;		/* last known, bit/s; NAN if none */
	double		 sum[2];	/* of the known averages: bytes = sum * 300 / 8 */
	unsigned int	 known[2];	/* averages known, in and out */
};

int	rrd_query_files(const char *const *files, size_t n, time_t start,
	    time_t end, struct rrd_query *, char *err, size_t errlen);
double	rrd_query_percentile(double *v, size_t n, double pct);
/* The mean of one data source's 5-minute averages, and how many were known. */
int	rrd_query_mean(const char *file, const char *ds, time_t start,
	    time_t end, double *mean, unsigned int *known, char *err,
	    size_t errlen);

#endif
