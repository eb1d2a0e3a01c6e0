/*
 * Trends written to RRD files (RRDtool): one file per series, created at
 * the first update with the archives below, then one update per step.
 * Through rrdcached when one is configured (a local socket, or a central
 * server over TCP, which is how many appliances share one store), else
 * with librrd directly.
 *
 * Archives, AVERAGE and MAX of each: 1 step for 2 days, 5 minutes for 2
 * weeks, 30 minutes for 2 months, 2 hours for a year, a day for 5 years
 * (the step being 60 s by default, as MRTG and Cacti keep them).
 */
#ifndef ZW_RRD_OUT_H
#define ZW_RRD_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RRD_OUT_MAX_DS	8
/* A port's RRD is about 2 MB; 10,000 ports, 20 GB: the disk is guarded. */
#define RRD_OUT_MIN_FREE	(UINT64_C(512) << 20)

struct rrd_out_kind {
	const char	*name;				/* for messages */
	const char	*ds[RRD_OUT_MAX_DS];		/* GAUGE data sources */
	int		 nds;
};

struct rrd_out_stats {
	unsigned long	 created;
	unsigned long	 updates;
	unsigned long	 errors;
	unsigned long	 no_space;	/* files not created: disk nearly full */
};

struct rrd_out;

/* cached: "" for none, else rrdcached's address (unix:/path, host:port). */
struct rrd_out	*rrd_out_new(const char *dir, const char *cached,
		    unsigned int step, char *err, size_t errlen);
void		 rrd_out_free(struct rrd_out *);
/*
 * Under a remote rrdcached (a central one), this appliance's files go
 * below prefix/, so that many appliances share its base directory.
 */
void		 rrd_out_set_prefix(struct rrd_out *, const char *prefix);
/* New files are not created while fewer bytes would be left free. */
void		 rrd_out_set_min_free(struct rrd_out *, uint64_t bytes);
/*
 * values[i] for kind->ds[i]; NAN is unknown (a discontinuity is never
 * written as traffic).  name is relative to the directory: "if/sw1/Gi0_1".
 */
int		 rrd_out_update(struct rrd_out *, const struct rrd_out_kind *,
		    const char *name, time_t t, const double *values);
const struct rrd_out_stats *rrd_out_stats(const struct rrd_out *);
/* The file of a series, for queries. */
void		 rrd_out_path(const struct rrd_out *, const char *name,
		    char *buf, size_t len);
/* A name made safe as a file name: "GigabitEthernet0/0/1" -> "GigabitEthernet0_0_1". */
void		 rrd_out_safe_name(const char *in, char *out, size_t len);

#endif
