/*
 * Live state of the collector for people and for the other processes:
 * a JSON snapshot file, replaced atomically, and a console summary.
 */
#ifndef ZW_STATUS_H
#define ZW_STATUS_H

#include <stdio.h>

#include "capture.h"
#include "pipeline.h"
#include "violation-store.h"

/* The caller holds the sinks' lock while the view is written out. */
struct status_view {
	const struct pipeline_counters *c;	/* summed over the workers */
	struct dpi		*dpi;		/* for the names */
	struct policy		*policy;	/* or NULL */
	struct pipeline_sinks	*sinks;
	const struct violation_store_stats *store; /* or NULL */
	struct capture_stats	 cap;
	uint64_t		 packets;	/* pipeline totals at wall_us */
	uint64_t		 bytes;
	uint64_t		 started_us;
	uint64_t		 wall_us;
};

/* The snapshot as JSON (to free), taken under the sinks' lock; NULL. */
char	*status_json(const struct status_view *, size_t *len);
/* Written whole or not at all, without the lock: json NULL says why. */
int	status_write(const char *path, const char *json, size_t len);
void	status_print_console(FILE *, const struct status_view *,
	    const struct status_view *prev);
void	status_print_totals(FILE *, const struct pipeline_stats *,
	    const struct flow_table_stats *, const struct dpi_stats *,
	    double elapsed_s);

#endif
