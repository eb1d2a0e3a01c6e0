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
#include "flow-table.h"
#include "frag-table.h"

#define PIPELINE_MAX_OUTPUTS	4

struct flow_output;

/*
 * Where flow records go.  Several pipelines (workers) may share one set;
 * a record is written whole under the lock.
 */
struct pipeline_sinks {
	pthread_mutex_t		 lock;
	struct flow_output	*out[PIPELINE_MAX_OUTPUTS];
	int			 nout;
	int			 error;		/* a write failed */
};

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

struct ipfix_out_stats;
struct pipeline;
struct violation_store;
struct trend_writer;

void		 pipeline_conf_default(struct pipeline_conf *);
struct pipeline_sinks *pipeline_sinks_open(const struct pipeline_conf *);
int		 pipeline_sinks_close(struct pipeline_sinks *, int commit);
struct pipeline	*pipeline_new(const struct pipeline_conf *);
void		 pipeline_packet(void *, const struct decode_link *,
		    struct pkt *, uint64_t now_us);
/* The same, for a frame decode_packet() has read already (with r). */
void		 pipeline_decoded(struct pipeline *, const struct decode_link *,
		    struct pkt *, enum decode_reason r);
int		 pipeline_finish(struct pipeline *, int commit);
void		 pipeline_free(struct pipeline *);

const struct pipeline_stats *pipeline_stats(const struct pipeline *);
const struct flow_table_stats *pipeline_flow_stats(const struct pipeline *);
const struct frag_stats	*pipeline_frag_stats(const struct pipeline *);
const struct dpi_stats	*pipeline_dpi_stats(const struct pipeline *);
struct dpi	*pipeline_dpi(struct pipeline *);
struct policy	*pipeline_policy(struct pipeline *);	/* NULL: no rules */
const struct evidence_stats *pipeline_evidence_stats(const struct pipeline *);
const struct detect_stats *pipeline_detect_stats(const struct pipeline *);
uint64_t	 pipeline_now_us(const struct pipeline *);
/* NULL when flows are not exported. */
const struct ipfix_out_stats *pipeline_ipfix_stats(const struct pipeline *);
/* NULL when no trends are kept. */
const struct pipeline_rates *pipeline_rates(const struct pipeline *);
/* Bytes per application since start; ids up to *n. */
const uint64_t	*pipeline_app_bytes(const struct pipeline *, uint16_t *n);

#endif
