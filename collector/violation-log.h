/*
 * Violations as JSON lines, one per rule that fired on a flow: the event
 * stream a SIEM or the violations store reads.
 */
#ifndef ZW_VIOLATION_LOG_H
#define ZW_VIOLATION_LOG_H

#include "conf.h"
#include "dpi.h"
#include "flow-table.h"
#include "store.h"
#include "zone-map.h"

struct violation_log;

struct violation_log *violation_log_open(const char *path);
/* The record of a rule that fired on a flow, as the store keeps it. */
void		 violation_log_record(struct store_violation *,
		    const struct flow *, const struct conf_rule *, struct dpi *,
		    const struct zone_map *);
void		 violation_log_write(struct violation_log *,
		    const struct store_violation *);
int		 violation_log_flush(struct violation_log *);
int		 violation_log_close(struct violation_log *);

#endif
