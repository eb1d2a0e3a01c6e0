/*
 * The collector pipeline: decode -> fragments -> flow table -> DPI, and
 * the flow records at the end of each flow.  pipeline_packet() is the
 * capture callback; everything per packet happens under it.
 */
#ifndef ZW_PIPELINE_H
#define ZW_PIPELINE_H

#include <pthread.h>
#include <stdint.h>

#include "capture.h"
#include "conf.h"
#include "decode.h"
#include "dpi.h"
#include "evidence.h"
#include "flow-table.h"
#include "frag-table.h"

#define PIPELINE_MAX_OUTPUTS	4
/* The pipeline's clock: how often a tick closes steps and ages flows. */
#define PIPELINE_TICK_US	1000000

/*
 * What pipelines share: the flow records, the violations log, the IPFIX
 * exporter, the stateful detectors (a host's flows are spread over
 * workers by address pair) and the trend steps, which are summed over
 * the pipelines before they are written.  Opaque; locked inside.
 */
struct pipeline_sinks;

struct pipeline_conf {
	const struct conf	*conf;		/* zones and sites, or NULL */
	struct flow_table_conf	 flows;
	struct dpi_conf		 dpi;
	int			 no_dpi;	/* measure the rest alone */
	struct {
		const char	*path;
		const char	*format;
	}			 outputs[PIPELINE_MAX_OUTPUTS];
	int			 noutputs;
	int			 atomic_outputs;
	struct pipeline_sinks	*sinks;		/* shared; or NULL: own */
	unsigned int		 nsharing;	/* pipelines on the sinks */
	const char		*violations;	/* JSON lines, or NULL */
	struct violation_store	*store;		/* or NULL */
	struct trend_writer	*trends;	/* or NULL */
	unsigned int		 step_s;	/* of the trends */
	size_t			 evidence_ring;	/* bytes */
	uint32_t		 detect_hosts;
};

struct pipeline_stats {
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 decoded;	/* attributed to a flow */
	uint64_t	 dropped;	/* not attributed, any reason */
	uint64_t	 malformed;	/* of which malformed */
	uint64_t	 reasons[DECODE_NREASONS];
	uint64_t	 records_lost;	/* out of memory: a flow's record */
	uint64_t	 evidence_lost;	/* out of memory: a pcap's copy */
};

/* The traffic of the last whole step, per site and zone pair. */
struct pipeline_rates {
	const struct conf	*conf;		/* the names */
	uint64_t		 step_end_us;	/* 0: no step yet */
	unsigned int		 step_s;
	size_t			 nsites;
	size_t			 nzones;	/* with "unknown" */
	uint64_t		*site_bytes[2];	/* in, out; of the area */
	uint64_t		*zone_bytes;	/* [sender * nzones + receiver] */
	uint64_t		*zone_total;	/* the same, every step so far */
};

/*
 * A pipeline's counters, copied at a moment: a worker copies its own at
 * each tick, and the status sums the copies of all workers.
 */
struct pipeline_counters {
	struct pipeline_stats	 pkt;
	struct flow_table_stats	 flows;
	struct frag_stats	 frags;
	struct dpi_stats	 dpi;
	struct evidence_stats	 evidence;
	int			 evidence_kept;
	uint16_t		 napps;
	uint64_t		*app_bytes;	/* [napps + 1] */
	size_t			 nrules;
	uint64_t		*rule_hits;	/* [nrules] */
};

struct ipfix_out_stats;
struct pipeline;
struct violation_store;
struct trend_writer;

void		 pipeline_conf_default(struct pipeline_conf *);
/* For n pipelines; a trend step is written once all n have given it. */
struct pipeline_sinks *pipeline_sinks_open(const struct pipeline_conf *,
		    unsigned int n);
/* Ends every pending trend step; commits the records if asked to. */
int		 pipeline_sinks_close(struct pipeline_sinks *, int commit);
void		 pipeline_sinks_free(struct pipeline_sinks *);
/* Held while reading the shared figures (rates, detectors, IPFIX). */
void		 pipeline_sinks_lock(struct pipeline_sinks *);
void		 pipeline_sinks_unlock(struct pipeline_sinks *);
struct pipeline_sinks *pipeline_sinks_of(struct pipeline *);
const struct pipeline_rates *pipeline_sinks_rates(struct pipeline_sinks *);
const struct ipfix_out_stats *pipeline_sinks_ipfix(struct pipeline_sinks *);
const struct detect_stats *pipeline_sinks_detect(struct pipeline_sinks *);
struct pipeline	*pipeline_new(const struct pipeline_conf *);
void		 pipeline_packet(void *, const struct decode_link *,
		    struct pkt *, uint64_t now_us);
/* The same, for a frame decode_packet() has read already (with r). */
void		 pipeline_decoded(struct pipeline *, const struct decode_link *,
		    struct pkt *, enum decode_reason r);
int		 pipeline_finish(struct pipeline *, int commit);
/* Sized for the pipeline; then take and add copy and sum. */
int		 pipeline_counters_init(struct pipeline_counters *,
		    const struct pipeline *);
void		 pipeline_counters_take(const struct pipeline *,
		    struct pipeline_counters *);
void		 pipeline_counters_add(struct pipeline_counters *,
		    const struct pipeline_counters *);
void		 pipeline_counters_clear(struct pipeline_counters *);
void		 pipeline_counters_free(struct pipeline_counters *);
void		 pipeline_free(struct pipeline *);

const struct pipeline_stats *pipeline_stats(const struct pipeline *);
struct dpi	*pipeline_dpi(struct pipeline *);
struct policy	*pipeline_policy(struct pipeline *);	/* NULL: no rules */

#endif
