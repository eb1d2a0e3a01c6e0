/*
 * Status snapshot and console views.  The snapshot is written to a
 * temporary file and renamed, so a reader (web UI, SNMP subagent) always
 * sees a whole one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "escape.h"
#include "flow-output.h"
#include "ipfix-out.h"
#include "log.h"
#include "policy.h"
#include "detect.h"
#include "evidence.h"
#include "status.h"

#define TOP_APPS	8

struct app_row {
	uint16_t	 id;
	uint64_t	 bytes;
};

static int
app_cmp(const void *a, const void *b)
{
	const struct app_row *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

/* The n applications with the most bytes; returns how many there are. */
static int
top_apps(const struct pipeline_counters *c, const uint64_t *since,
    struct app_row *rows, int n)
{
	const uint64_t	*bytes = c->app_bytes;
	struct app_row	*all;
	uint16_t	 napps = c->napps, i;
	int		 k = 0;

	if ((all = calloc((size_t)napps + 1, sizeof(*all))) == NULL)
		return 0;
	for (i = 0; i <= napps; i++) {
		uint64_t b = bytes[i] - (since ? since[i] : 0);

		if (b > 0) {
			all[k].id = i;
			all[k++].bytes = b;
		}
	}
	qsort(all, (size_t)k, sizeof(*all), app_cmp);
	if (k > n)
		k = n;
	memcpy(rows, all, (size_t)k * sizeof(*rows));
	free(all);
	return k;
}

/* The store, the evidence ring and the detectors, when there are. */
static void
status_json_violations(FILE *fp, const struct status_view *v)
{
	const struct evidence_stats	*es = v->c->evidence_kept ?
					    &v->c->evidence : NULL;
	const struct detect_stats	*ds = pipeline_sinks_detect(v->sinks);
	const struct violation_store_stats *st = v->store;

	if (st != NULL) {
		fprintf(fp, ",\n\"store\":{\"queued\":%" PRIu64 ",\"created\":%"
		    PRIu64 ",\"repeated\":%" PRIu64 ",\"evidence\":%" PRIu64
		    ",\"dropped\":%" PRIu64 ",\"commit_failures\":%" PRIu64
		    ",\"pending\":%" PRIu64 ",\"purged\":%" PRIu64
		    ",\"excepted\":%" PRIu64 ",\"syslog_sent\":%" PRIu64 ",\"syslog_failed\":%" PRIu64
		    ",\"records_lost\":%" PRIu64 ",\"evidence_lost\":%" PRIu64
		    ",\"failing\":%s,\"disk_full\":%s}", st->queued,
		    st->created, st->repeated, st->evidence, st->dropped,
		    st->commit_failures, st->pending, st->purged,
		    st->excepted, st->syslog_sent, st->syslog_failed,
		    v->c->pkt.records_lost, v->c->pkt.evidence_lost,
		    st->failing ? "true" : "false", st->full ? "true" : "false");
	}
	if (es != NULL)
		fprintf(fp, ",\n\"evidence\":{\"recorded\":%" PRIu64
		    ",\"taken\":%" PRIu64 ",\"lost\":%" PRIu64 "}",
		    es->recorded, es->taken, es->lost);
	if (ds != NULL)
		fprintf(fp, ",\n\"detectors\":{\"hosts\":%" PRIu64
		    ",\"hosts_evicted\":%" PRIu64 ",\"fired\":%" PRIu64 "}",
		    ds->hosts, ds->hosts_evicted, ds->fired);
}

/*
 * Each site's area and each zone pair in the last whole step; sites
 * without traffic too, so that a reader sees every site.
 */
static void
status_json_traffic(FILE *fp, const struct pipeline_rates *r)
{
	const struct conf	*c = r->conf;
	double			 per = r->step_s ? 8.0 / r->step_s : 0;
	size_t			 i, a, b;
	int			 first = 1;

	fprintf(fp, ",\n\"step\":{\"end\":%" PRIu64 ",\"seconds\":%u},"
	    "\n\"sites\":[", r->step_end_us / 1000000, r->step_s);
	for (i = 0; i < r->nsites; i++)
		fprintf(fp, "%s\n{\"name\":\"%s\",\"in_bps\":%.0f,"
		    "\"out_bps\":%.0f,\"bandwidth_bps\":%" PRIu64 "}",
		    i ? "," : "", c->sites.v[i].name,
		    (double)r->site_bytes[0][i] * per,
		    (double)r->site_bytes[1][i] * per,
		    c->sites.v[i].bandwidth_bps);
	fprintf(fp, "],\n\"zone_pairs\":[");
	for (a = 0; a < r->nzones; a++)
		for (b = 0; b < r->nzones; b++) {
			i = a * r->nzones + b;
			if (r->zone_total[i] == 0)
				continue;
			fprintf(fp, "%s\n{\"from\":\"%s\",\"to\":\"%s\","
			    "\"bytes\":%" PRIu64 ",\"bps\":%.0f}",
			    first ? "" : ",",
			    a < c->zones.n ? c->zones.v[a].name : "unknown",
			    b < c->zones.n ? c->zones.v[b].name : "unknown",
			    r->zone_total[i], (double)r->zone_bytes[i] * per);
			first = 0;
		}
	fprintf(fp, "]");
}

/* One writer, the collector's reporting: said once, not every interval. */
static int	 failing;

/*
 * The snapshot as JSON, in memory: built while the caller holds the
 * sinks' lock, so that it is one moment's; written after, without it
 * (status_write), since writing syncs the disk and every worker takes
 * that lock for each new flow.  NULL out of memory.
 */
char *
status_json(const struct status_view *v, size_t *len)
{
	const struct pipeline_stats	*ps = &v->c->pkt;
	const struct flow_table_stats	*fs = &v->c->flows;
	const struct frag_stats		*gs = &v->c->frags;
	const struct dpi_stats		*ds = &v->c->dpi;
	const struct pipeline_rates	*rates;
	const struct ipfix_out_stats	*xs;
	struct app_row			 top[TOP_APPS];
	FILE				*fp;
	char				*buf = NULL;
	int				 i, n, first = 1;

	if ((fp = open_memstream(&buf, len)) == NULL)
		return NULL;
	fprintf(fp, "{\"time\":%" PRIu64 ",\"uptime\":%" PRIu64 ",\n",
	    v->wall_us / 1000000, (v->wall_us - v->started_us) / 1000000);
	fprintf(fp, "\"capture\":{\"received\":%" PRIu64 ",\"bytes\":%" PRIu64
	    ",\"kernel_drops\":%" PRIu64 ",\"iface_drops\":%" PRIu64
	    ",\"handover_drops\":%" PRIu64 "},\n", v->cap.received,
	    v->cap.bytes, v->cap.kernel_drops, v->cap.iface_drops,
	    v->cap.handover_drops);
	fprintf(fp, "\"decode\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
	    ",\"decoded\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"malformed\":%"
	    PRIu64 ",\"reasons\":{", ps->packets, ps->bytes, ps->decoded,
	    ps->dropped, ps->malformed);
	for (i = 1; i < DECODE_NREASONS; i++) {
		fprintf(fp, "%s\"%s\":%" PRIu64, first ? "" : ",",
		    decode_reason_name((enum decode_reason)i), ps->reasons[i]);
		first = 0;
	}
	fprintf(fp, "}},\n\"flows\":{\"created\":%" PRIu64 ",\"active\":%"
	    PRIu64 ",\"max_active\":%" PRIu64 ",\"ended\":{", fs->created,
	    fs->active, fs->max_active);
	for (i = 0; i < FLOW_END_NREASONS; i++)
		fprintf(fp, "%s\"%s\":%" PRIu64, i ? "," : "",
		    flow_end_name((enum flow_end)i), fs->ended[i]);
	fprintf(fp, "}},\n\"fragments\":{\"first\":%" PRIu64 ",\"matched\":%"
	    PRIu64 ",\"unmatched\":%" PRIu64 ",\"replaced\":%" PRIu64 "},\n",
	    gs->first, gs->matched, gs->unmatched, gs->replaced);
	fprintf(fp, "\"dpi\":{\"packets\":%" PRIu64 ",\"detected\":%" PRIu64
	    ",\"guessed\":%" PRIu64 ",\"unknown\":%" PRIu64 ",\"active\":%"
	    PRIu64 ",\"alloc_failed\":%" PRIu64 "},\n\"top_apps\":[",
	    ds->packets, ds->flows_detected, ds->flows_guessed,
	    ds->flows_unknown, ds->active, ds->alloc_failed);
	n = top_apps(v->c, NULL, top, TOP_APPS);
	for (i = 0; i < n; i++) {
		char	 name[256];

		/* Custom protocol names come from a file: escape them. */
		escape_json(name, sizeof(name), dpi_app_name(v->dpi,
		    top[i].id));
		fprintf(fp, "%s{\"app\":\"%s\",\"bytes\":%" PRIu64 "}",
		    i ? "," : "", name, top[i].bytes);
	}
	fprintf(fp, "],\n\"rules\":[");
	if (v->policy != NULL)
		for (i = 0; i < (int)v->c->nrules; i++) {
			const struct conf_rule	*r;

			/* The hits are those summed, not this policy's. */
			r = policy_rule(v->policy, (size_t)i, NULL);
			fprintf(fp, "%s{\"id\":%" PRIu32 ",\"severity\":\"%s\","
			    "\"hits\":%" PRIu64 "}", i ? "," : "", r->id,
			    conf_severity_name(r->severity), v->c->rule_hits[i]);
		}
	fprintf(fp, "]");
	if ((rates = pipeline_sinks_rates(v->sinks)) != NULL)
		status_json_traffic(fp, rates);
	if ((xs = pipeline_sinks_ipfix(v->sinks)) != NULL)
		fprintf(fp, ",\n\"ipfix\":{\"messages\":%" PRIu64 ",\"records\":%"
		    PRIu64 ",\"dropped\":%" PRIu64 "}", xs->messages,
		    xs->records, xs->dropped);
	status_json_violations(fp, v);
	fprintf(fp, "}\n");
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
status_write(const char *path, const char *json, size_t len)
{
	struct afile	*af;

	/* Readers see the last snapshot whole, or the one before. */
	if (json == NULL) {
		log_warn_once(&failing, "status: %s: out of memory", path);
		return -1;
	}
	if ((af = afile_open(path)) == NULL) {
		log_warn_once(&failing, "status: %s", path);
		return -1;
	}
	/* The web UI and the subagent, other accounts of the group, read it. */
	afile_mode(af, 0640);
	fwrite(json, 1, len, afile_fp(af));
	if (afile_commit(af) == -1) {
		log_warn_once(&failing, "status: %s", path);
		return -1;
	}
	log_info_ended(&failing, "status: %s: written again", path);
	return 0;
}

static double
rate(uint64_t now, uint64_t before, double secs)
{
	return secs > 0 ? (double)(now - before) / secs : 0;
}

void
status_print_console(FILE *fp, const struct status_view *v,
    const struct status_view *prev)
{
	const struct pipeline_stats	*ps = &v->c->pkt;
	const struct flow_table_stats	*fs = &v->c->flows;
	struct app_row			 top[TOP_APPS];
	double				 secs;
	int				 i, n;

	secs = (double)(v->wall_us - prev->wall_us) / 1e6;
	fprintf(fp, "\n[%" PRIu64 "s] %.0f pkt/s  %.2f Mbit/s  flows %" PRIu64
	    " active, %" PRIu64 " total  malformed %" PRIu64 "  not IP %"
	    PRIu64 "\n", (v->wall_us - v->started_us) / 1000000,
	    rate(v->packets, prev->packets, secs),
	    rate(v->bytes, prev->bytes, secs) * 8 / 1e6,
	    fs->active, fs->created, ps->malformed,
	    ps->reasons[DECODE_NON_IP] + ps->reasons[DECODE_PPP_NON_IP]);
	n = top_apps(v->c, NULL, top, TOP_APPS);
	for (i = 0; i < n; i++)
		fprintf(fp, "  %-24s %12.2f MB\n", dpi_app_name(v->dpi, top[i].id),
		    (double)top[i].bytes / 1e6);
	fflush(fp);
}

void
status_print_totals(FILE *fp, const struct pipeline_stats *ps,
    const struct flow_table_stats *fs, const struct dpi_stats *ds,
    double elapsed_s)
{
	int	 i;

	fprintf(fp, "packets %" PRIu64 ", bytes %" PRIu64 ", decoded %" PRIu64
	    ", dropped %" PRIu64 " (malformed %" PRIu64 ")\n", ps->packets,
	    ps->bytes, ps->decoded, ps->dropped, ps->malformed);
	for (i = 1; i < DECODE_NREASONS; i++)
		if (ps->reasons[i])
			fprintf(fp, "  %-28s %" PRIu64 "\n",
			    decode_reason_name((enum decode_reason)i),
			    ps->reasons[i]);
	fprintf(fp, "flows %" PRIu64 " (max active %" PRIu64 ")", fs->created,
	    fs->max_active);
	for (i = 0; i < FLOW_END_NREASONS; i++)
		if (fs->ended[i])
			fprintf(fp, ", %s %" PRIu64,
			    flow_end_name((enum flow_end)i), fs->ended[i]);
	fprintf(fp, "\ndpi: detected %" PRIu64 ", guessed %" PRIu64
	    ", unknown %" PRIu64 "\n", ds->flows_detected, ds->flows_guessed,
	    ds->flows_unknown);
	if (elapsed_s > 0)
		fprintf(fp, "time %.3f s, %.0f packets/s, %.1f ns/packet\n",
		    elapsed_s, (double)ps->packets / elapsed_s,
		    ps->packets ? elapsed_s * 1e9 / (double)ps->packets : 0);
}
