/*
 * Flow record writers.  A record is first rendered into named fields (one
 * table, FLOW_FIELDS); each format is a row in the writers table that
 * knows only how to lay fields out.  Columns and their meaning follow the
 * per-flow reference of nDPI's reader, so results compare column by
 * column; bytes are wire lengths of the frames, link header included.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "escape.h"
#include "flow-output.h"
#include "log.h"

#define FIELD_MAX	256

/* name, numeric (no quotes in JSON) */
#define FLOW_FIELDS(X)				\
	X(L4PROTO,	"l4proto",		0)	\
	X(LOWER_IP,	"lower_ip",		0)	\
	X(LOWER_PORT,	"lower_port",		1)	\
	X(UPPER_IP,	"upper_ip",		0)	\
	X(UPPER_PORT,	"upper_port",		1)	\
	X(VLAN,		"vlan",			1)	\
	X(TUNNEL,	"tunnel",		0)	\
	X(NDPI_PROTO,	"ndpi_proto",		0)	\
	X(MASTER,	"master_proto",		0)	\
	X(APP,		"app_proto",		0)	\
	X(CATEGORY,	"category",		0)	\
	X(CONFIDENCE,	"confidence",		0)	\
	X(ENCRYPTED,	"encrypted",		1)	\
	X(L2U_PKTS,	"lower_to_upper_pkts",	1)	\
	X(L2U_BYTES,	"lower_to_upper_bytes",	1)	\
	X(U2L_PKTS,	"upper_to_lower_pkts",	1)	\
	X(U2L_BYTES,	"upper_to_lower_bytes",	1)	\
	X(PACKETS,	"packets",		1)	\
	X(BYTES,	"bytes",		1)	\
	X(SRC_IS_LOWER,	"src_is_lower",		1)	\
	X(HOSTNAME,	"hostname",		0)	\
	X(FIRST_SEEN,	"first_seen",		0)	\
	X(LAST_SEEN,	"last_seen",		0)	\
	X(END_REASON,	"end_reason",		0)	\
	X(LOWER_ZONE,	"lower_zone",		0)	\
	X(UPPER_ZONE,	"upper_zone",		0)	\
	X(LOWER_SITE,	"lower_site",		0)	\
	X(UPPER_SITE,	"upper_site",		0)

#define FIELD_ENUM(id, name, numeric)	F_##id,
enum { FLOW_FIELDS(FIELD_ENUM) NFIELDS };
#undef FIELD_ENUM

struct field_def {
	const char	*name;
	int		 numeric;
};

#define FIELD_ROW(id, name, numeric)	{ name, numeric },
static const struct field_def fields[NFIELDS] = { FLOW_FIELDS(FIELD_ROW) };
#undef FIELD_ROW

struct writer {
	const char	*name;
	void		(*header)(FILE *);
	void		(*row)(FILE *, char vals[][FIELD_MAX]);
};

struct flow_output {
	const struct writer	*w;
	FILE			*fp;
	struct afile		*af;		/* written whole, or not at all */
	char			*path;		/* NULL for stdout */
	int			 error;
};

/* The names nDPI's reader prints for IP protocols; others as a number. */
static const struct {
	uint8_t		 proto;
	const char	*name;
} l4names[] = {
	{ 1, "ICMP" }, { 2, "IGMP" }, { 6, "TCP" }, { 17, "UDP" },
	{ 58, "ICMPV6" }, { 112, "VRRP" }, { 132, "SCTP" },
};

static void
csv_header(FILE *fp)
{
	int	 i;

	for (i = 0; i < NFIELDS; i++)
		fprintf(fp, "%s%s", i ? "," : "", fields[i].name);
	fputc('\n', fp);
}

static void
csv_row(FILE *fp, char vals[][FIELD_MAX])
{
	char	 esc[FIELD_MAX * 2 + 4];
	int	 i;

	for (i = 0; i < NFIELDS; i++) {
		escape_csv(esc, sizeof(esc), vals[i]);
		fprintf(fp, "%s%s", i ? "," : "", esc);
	}
	fputc('\n', fp);
}

static void
json_header(FILE *fp)
{
	(void)fp;
}

static void
json_row(FILE *fp, char vals[][FIELD_MAX])
{
	char	 esc[FIELD_MAX * 6 + 4];
	int	 i;

	fputc('{', fp);
	for (i = 0; i < NFIELDS; i++) {
		if (fields[i].numeric) {
			/* An empty number (no VLAN) is JSON null. */
			fprintf(fp, "%s\"%s\":%s", i ? "," : "", fields[i].name,
			    vals[i][0] ? vals[i] : "null");
			continue;
		}
		escape_json(esc, sizeof(esc), vals[i]);
		fprintf(fp, "%s\"%s\":\"%s\"", i ? "," : "", fields[i].name, esc);
	}
	fputs("}\n", fp);
}

static const struct writer writers[] = {
	{ "csv",	csv_header,	csv_row },
	{ "json",	json_header,	json_row },
};

static const struct writer *
writer_lookup(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(writers[i].name, name) == 0)
			return &writers[i];
	return NULL;
}

int
flow_output_format_known(const char *format)
{
	return writer_lookup(format) != NULL;
}

void
flow_output_addr(const uint8_t *addr, int ipver, char *buf, size_t len)
{
	if (inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, addr, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

const char *
flow_output_l4name(uint8_t proto, char buf[FLOW_L4NAME_MAX])
{
	size_t	 i;

	for (i = 0; i < sizeof(l4names) / sizeof(l4names[0]); i++)
		if (l4names[i].proto == proto)
			return l4names[i].name;
	snprintf(buf, FLOW_L4NAME_MAX, "%u", proto);
	return buf;
}

static void
fmt_time(uint64_t us, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

static void
render(const struct flow *f, enum flow_end why, struct dpi *d,
    const struct zone_map *zm, char vals[][FIELD_MAX])
{
	static const char *const tunnels[] = { "", "GTP", "TZSP", "CAPWAP",
	    "VXLAN", "IPIP" };
	char		 name[FIELD_MAX];
	const char	*dot;
	size_t		 i;

	snprintf(vals[F_L4PROTO], FIELD_MAX, "%s",
	    flow_output_l4name(f->key.proto, name));
	flow_output_addr(f->key.lo, f->key.ipver, vals[F_LOWER_IP], FIELD_MAX);
	flow_output_addr(f->key.hi, f->key.ipver, vals[F_UPPER_IP], FIELD_MAX);
	snprintf(vals[F_LOWER_PORT], FIELD_MAX, "%u", f->key.lo_port);
	snprintf(vals[F_UPPER_PORT], FIELD_MAX, "%u", f->key.hi_port);
	if (f->key.vlan)
		snprintf(vals[F_VLAN], FIELD_MAX, "%u", f->key.vlan);
	else
		vals[F_VLAN][0] = '\0';
	snprintf(vals[F_TUNNEL], FIELD_MAX, "%s",
	    f->tunnel < sizeof(tunnels) / sizeof(tunnels[0]) ?
	    tunnels[f->tunnel] : "?");

	dpi_proto_name(d, &f->app, name, sizeof(name));
	snprintf(vals[F_NDPI_PROTO], FIELD_MAX, "%s", name);
	/* master_proto and app_proto as the reference splits them. */
	if ((dot = strchr(name, '.')) != NULL) {
		snprintf(vals[F_MASTER], FIELD_MAX, "%.*s", (int)(dot - name),
		    name);
		snprintf(vals[F_APP], FIELD_MAX, "%s", dot + 1);
	} else {
		vals[F_MASTER][0] = '\0';
		snprintf(vals[F_APP], FIELD_MAX, "%s", name);
	}
	snprintf(vals[F_CATEGORY], FIELD_MAX, "%s",
	    dpi_category_name(d, f->app.category));
	snprintf(vals[F_CONFIDENCE], FIELD_MAX, "%s",
	    dpi_confidence_name(f->app.confidence));
	snprintf(vals[F_ENCRYPTED], FIELD_MAX, "%d",
	    dpi_is_encrypted(d, &f->app) ? 1 : 0);
	snprintf(vals[F_L2U_PKTS], FIELD_MAX, "%" PRIu32, f->pkts[0]);
	snprintf(vals[F_L2U_BYTES], FIELD_MAX, "%" PRIu64, f->bytes[0]);
	snprintf(vals[F_U2L_PKTS], FIELD_MAX, "%" PRIu32, f->pkts[1]);
	snprintf(vals[F_U2L_BYTES], FIELD_MAX, "%" PRIu64, f->bytes[1]);
	snprintf(vals[F_PACKETS], FIELD_MAX, "%" PRIu64,
	    (uint64_t)f->pkts[0] + f->pkts[1]);
	snprintf(vals[F_BYTES], FIELD_MAX, "%" PRIu64, f->bytes[0] + f->bytes[1]);
	snprintf(vals[F_SRC_IS_LOWER], FIELD_MAX, "%d", f->src_is_lower);
	snprintf(vals[F_HOSTNAME], FIELD_MAX, "%s", f->app.host);
	fmt_time(f->first_us, vals[F_FIRST_SEEN], FIELD_MAX);
	fmt_time(f->last_us, vals[F_LAST_SEEN], FIELD_MAX);
	snprintf(vals[F_END_REASON], FIELD_MAX, "%s", flow_end_name(why));
	for (i = 0; i < 2; i++) {
		snprintf(vals[F_LOWER_ZONE + i], FIELD_MAX, "%s", zm ?
		    zone_map_zone_name(zm, f->zone[i]) : "");
		snprintf(vals[F_LOWER_SITE + i], FIELD_MAX, "%s", zm ?
		    zone_map_site_name(zm, f->site[i]) : "");
	}
}

struct flow_output *
flow_output_open(const char *path, const char *format, int atomic)
{
	struct flow_output	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->w = writer_lookup(format)) == NULL) {
		log_warnx("output: unknown format %s", format);
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
	} else if ((o->path = strdup(path)) == NULL) {
		goto fail;
	} else if (atomic) {
		if ((o->af = afile_open(path)) == NULL) {
			log_warn("output: %s", path);
			goto fail;
		}
		o->fp = afile_fp(o->af);
	} else if ((o->fp = fopen(path, "a")) == NULL) {
		log_warn("output: %s", path);
		goto fail;
	}
	o->w->header(o->fp);
	return o;
fail:
	free(o->path);
	free(o);
	return NULL;
}

void
flow_output_write(struct flow_output *o, const struct flow *f,
    enum flow_end why, struct dpi *d, const struct zone_map *zm)
{
	char	 vals[NFIELDS][FIELD_MAX];

	render(f, why, d, zm, vals);
	o->w->row(o->fp, vals);
}

int
flow_output_flush(struct flow_output *o)
{
	if (fflush(o->fp) == EOF || ferror(o->fp)) {
		if (!o->error)
			log_warn("output: %s", o->path ? o->path : "stdout");
		o->error = 1;
		return -1;
	}
	return 0;
}

/*
 * Returns -1 if any write failed (a full disk, say): the temporary file is
 * then removed and the previous file at path, if any, is left intact.
 */
int
flow_output_close(struct flow_output *o, int commit)
{
	int	 rv = 0;

	if (o == NULL)
		return 0;
	if (flow_output_flush(o) == -1)
		rv = -1;
	if (o->af != NULL) {
		if (rv == 0 && commit) {
			if (afile_commit(o->af) == -1) {
				log_warn("output: %s", o->path);
				rv = -1;
			}
		} else
			afile_abort(o->af);
	} else if (o->fp != stdout && fclose(o->fp) == EOF) {
		log_warn("output: %s", o->path);
		rv = -1;
	}
	free(o->path);
	free(o);
	return rv;
}
