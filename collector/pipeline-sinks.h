/*
 * What the pipelines share (see pipeline.h): the inside of struct
 * pipeline_sinks, for pipeline.c, which writes through it under its lock.
 */
#ifndef ZW_PIPELINE_SINKS_H
#define ZW_PIPELINE_SINKS_H

#include <pthread.h>

#include "accounting.h"
#include "pipeline.h"

#define STEPS_PENDING	4	/* trend steps waiting for a slow worker */

struct step_pending {
	struct accounting_snapshot	*s;
	unsigned int			 given;	/* by so many pipelines */
};

struct pipeline_sinks {
	pthread_mutex_t		 lock;		/* everything below */
	struct flow_output	*out[PIPELINE_MAX_OUTPUTS];
	int			 nout;
	int			 error;		/* a write failed */
	struct violation_log	*violations;	/* NULL: none */
	struct ipfix_out	*ipfix;		/* NULL: no export */
	struct zone_map		*zones;		/* the detectors' */
	struct detect		*detect;	/* NULL: no detector rules */
	struct trend_writer	*trends;	/* NULL: no trends */
	struct pipeline_rates	 rates;		/* the last whole step */
	struct step_pending	 pending[STEPS_PENDING];	/* by time */
	uint64_t		 written_us;	/* the last step written */
	uint64_t		 late_steps;	/* given after it was written */
	int			 closed;
	unsigned int		 n;		/* pipelines sharing */
};

/* A pipeline's counts of a step; written once all have given theirs. */
void	pipeline_sinks_step(struct pipeline_sinks *,
	    struct accounting_snapshot *);

#endif
