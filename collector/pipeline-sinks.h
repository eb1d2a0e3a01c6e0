/*
 * What the pipelines share (see pipeline.h): the writes of pipeline.c to
 * the outputs, each under the sinks' lock, taken inside.
 */
#ifndef ZW_PIPELINE_SINKS_H
#define ZW_PIPELINE_SINKS_H

#include "accounting.h"
#include "pipeline.h"

struct store_violation;
struct zone_map;
struct policy;

/* What a pipeline's sinks take, fixed once they are open. */
#define SINKS_FLOWS		0x1	/* flow records: files, IPFIX */
#define SINKS_VIOLATIONS	0x2	/* the violations log */
#define SINKS_DETECT		0x4	/* detectors look at new flows */

unsigned int	pipeline_sinks_want(const struct pipeline_sinks *);
/* Each locks the sinks for the time of its write. */
void	pipeline_sinks_flow(struct pipeline_sinks *, const struct flow *,
	    enum flow_end, struct dpi *, const struct zone_map *);
void	pipeline_sinks_violation(struct pipeline_sinks *,
	    const struct store_violation *);
void	pipeline_sinks_detail(struct pipeline_sinks *, const struct flow *,
	    const struct conf_rule *, char *, size_t);
void	pipeline_sinks_detect_flow(struct pipeline_sinks *, struct policy *,
	    struct flow *, const struct pkt *);
/* Buffered records to the files and the exporter, on each tick. */
void	pipeline_sinks_flush(struct pipeline_sinks *);
/* A pipeline's counts of a step; written once all have given theirs. */
void	pipeline_sinks_step(struct pipeline_sinks *,
	    struct accounting_snapshot *);

#endif
