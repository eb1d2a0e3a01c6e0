/*
 * RRD files.  A new file is created under a temporary name and renamed,
 * so a crash never leaves half a file under the real name.  Updates of
 * a step that is not after the file's last are refused by librrd; that
 * is counted, not fatal (a clock that steps back).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "afile.h"
#include "log.h"
#include "rrd-out.h"

struct rrd_out {
	char			 dir[PATH_MAX];
	int			 cached;	/* through rrdcached */
	int			 remote;	/* ... over TCP: relative names */
	unsigned int		 step;
	uint64_t		 min_free;	/* bytes left after a creation */
	char			 prefix[64];	/* remote: this appliance's */
	int			 refusing;	/* logged once until room */
	struct rrd_out_stats	 stats;
};

/* Steps per row and rows of each archive, for a 60-second step. */
static const struct {
	unsigned int	 seconds;	/* one row */
	unsigned int	 keep;		/* seconds kept */
} archives[] = {
	{ 60,		2 * 86400 },
	{ 300,		14 * 86400 },
	{ 1800,		62 * 86400 },
	{ 7200,		366 * 86400 },
	{ 86400,	5 * 366 * 86400 },
};

struct rrd_out *
rrd_out_new(const char *dir, const char *cached, unsigned int step,
    char *err, size_t errlen)
{
	struct rrd_out	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "rrd: out of memory");
		return NULL;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	r->step = step ? step : 60;
	r->min_free = RRD_OUT_MIN_FREE;
	if (cached != NULL && cached[0] != '\0') {
		/* librrd keeps one connection for the process. */
		r->cached = 1;
		/*
		 * A local daemon is given absolute paths, which librrd
		 * resolves here; a remote one names files below its own
		 * base directory (rrdcached -b), so relative names.
		 */
		r->remote = strncmp(cached, "unix:", 5) != 0 && cached[0] != '/';
		if (rrdc_connect(cached) != 0) {
			snprintf(err, errlen, "rrdcached %s: %s", cached,
			    rrd_get_error());
			rrd_clear_error();
			rrd_out_free(r);
			return NULL;
		}
	}
	if (!r->remote && mkdir(dir, 0750) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "rrd-dir %s: %s", dir, strerror(errno));
		rrd_out_free(r);
		return NULL;
	}
	return r;
}

void
rrd_out_free(struct rrd_out *r)
{
	if (r == NULL)
		return;
	if (r->cached)
		rrdc_disconnect();
	free(r);
}

void
rrd_out_safe_name(const char *in, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < len; i++)
		out[i] = (in[i] >= 'a' && in[i] <= 'z') ||
		    (in[i] >= 'A' && in[i] <= 'Z') ||
		    (in[i] >= '0' && in[i] <= '9') || in[i] == '-' ||
		    in[i] == '.' ? in[i] : '_';
	if (len > 0)
		out[i] = '\0';
	if (len > 1 && (i == 0 || out[0] == '.'))
		out[0] = '_';
}

void
rrd_out_path(const struct rrd_out *r, const char *name, char *buf,
    size_t len)
{
	int	 n;

	if (r->remote && r->prefix[0] != '\0')
		n = snprintf(buf, len, "%s/%s.rrd", r->prefix, name);
	else if (r->remote)
		n = snprintf(buf, len, "%s.rrd", name);
	else
		n = snprintf(buf, len, "%s/%s.rrd", r->dir, name);
	if (n < 0 || (size_t)n >= len)
		snprintf(buf, len, "/nonexistent/too-long.rrd");
}

/*
 * An RRD has its whole size from the start and never grows, so the disk
 * is guarded here only: a file is not created if it would leave less
 * than min_free on the file system.  Existing files go on being updated
 * (that takes no space), and the refusal is logged once and counted.
 * Through a remote rrdcached the disk is the server's, not ours.
 */
static int
room_for(struct rrd_out *r, const struct rrd_out_kind *k)
{
	struct statvfs	 sv;
	uint64_t	 need = 4096, avail;
	size_t		 a;

	if (r->remote || statvfs(r->dir, &sv) == -1)
		return 1;	/* creation itself reports what is wrong */
	for (a = 0; a < sizeof(archives) / sizeof(archives[0]); a++) {
		unsigned int per = archives[a].seconds / r->step;

		per = per ? per : 1;
		need += 2 * (uint64_t)k->nds * 8 *
		    (archives[a].keep / (per * r->step));
	}
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= need + r->min_free) {
		if (r->refusing)
			log_info("rrd: %s has room again; creating files",
			    r->dir);
		r->refusing = 0;
		return 1;
	}
	if (!r->refusing)
		log_warnx("rrd: %s: %llu MB free, a new %s file takes %llu "
		    "and %llu must stay free: no new files until there is "
		    "room", r->dir, (unsigned long long)(avail >> 20), k->name,
		    (unsigned long long)(need >> 20),
		    (unsigned long long)(r->min_free >> 20));
	r->refusing = 1;
	r->stats.no_space++;
	return 0;
}

static int
create(struct rrd_out *r, const struct rrd_out_kind *k, const char *path,
    time_t t)
{
	char		 defs[RRD_OUT_MAX_DS + 2 * 5][64], tmp[PATH_MAX];
	const char	*argv[RRD_OUT_MAX_DS + 2 * 5];
	size_t		 a;
	int		 i, n = 0, rv;

	for (i = 0; i < k->nds; i++) {
		/* Two steps without a value make it unknown. */
		snprintf(defs[n], sizeof(defs[n]), "DS:%s:GAUGE:%u:0:U",
		    k->ds[i], 2 * r->step);
		argv[n] = defs[n];
		n++;
	}
	for (a = 0; a < sizeof(archives) / sizeof(archives[0]); a++) {
		unsigned int per = archives[a].seconds / r->step;

		if (per == 0)
			per = 1;
		snprintf(defs[n], sizeof(defs[n]), "RRA:AVERAGE:0.5:%u:%u", per,
		    archives[a].keep / (per * r->step));
		argv[n] = defs[n];
		n++;
		snprintf(defs[n], sizeof(defs[n]), "RRA:MAX:0.5:%u:%u", per,
		    archives[a].keep / (per * r->step));
		argv[n] = defs[n];
		n++;
	}
	if (!room_for(r, k))
		return -2;
	if (r->cached) {
		if (!r->remote && afile_mkdirs(path) == -1)
			return -1;
		rv = rrdc_create(path, r->step, t - 1, 1, n, argv);
	}
	else {
		if (afile_mkdirs(path) == -1)
			return -1;
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		rv = rrd_create_r(tmp, r->step, t - 1, n, argv);
		if (rv == 0 && rename(tmp, path) == -1) {
			unlink(tmp);
			return -1;
		}
	}
	if (rv == 0)
		r->stats.created++;
	return rv;
}

int
rrd_out_update(struct rrd_out *r, const struct rrd_out_kind *k,
    const char *name, time_t t, const double *values)
{
	char		 path[PATH_MAX], upd[64 + RRD_OUT_MAX_DS * 24];
	const char	*argv[1] = { upd };
	struct stat	 st;
	size_t		 n;
	int		 i, rv;

	rrd_out_path(r, name, path, sizeof(path));
	n = (size_t)snprintf(upd, sizeof(upd), "%lld", (long long)t);
	for (i = 0; i < k->nds && n < sizeof(upd); i++)
		n += (size_t)(isnan(values[i]) ? snprintf(upd + n,
		    sizeof(upd) - n, ":U") : snprintf(upd + n, sizeof(upd) - n,
		    ":%.6f", values[i]));
	if (r->cached) {
		rv = rrdc_update(path, 1, argv);
		if (rv != 0 && (rv = create(r, k, path, t)) == 0)
			rv = rrdc_update(path, 1, argv);
		else if (rv == -2) {
			rrd_clear_error();
			r->stats.errors++;
			return -1;
		}
	} else {
		if (stat(path, &st) == -1 && (rv = create(r, k, path, t)) != 0) {
			if (rv == -1)
				log_warnx("rrd: %s: cannot create: %s", path,
				    rrd_get_error());
			rrd_clear_error();
			r->stats.errors++;
			return -1;
		}
		rv = rrd_update_r(path, NULL, 1, argv);
	}
	if (rv != 0) {
		if (r->stats.errors++ < 10)
			log_warnx("rrd: %s: %s", path, rrd_get_error());
		rrd_clear_error();
		return -1;
	}
	r->stats.updates++;
	return 0;
}

void
rrd_out_set_prefix(struct rrd_out *r, const char *prefix)
{
	rrd_out_safe_name(prefix ? prefix : "", r->prefix, sizeof(r->prefix));
	if (prefix == NULL || prefix[0] == '\0')
		r->prefix[0] = '\0';
}

void
rrd_out_set_min_free(struct rrd_out *r, uint64_t bytes)
{
	r->min_free = bytes;
}

const struct rrd_out_stats *
rrd_out_stats(const struct rrd_out *r)
{
	return &r->stats;
}
