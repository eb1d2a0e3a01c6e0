/*
 * Violations as JSON lines, one per rule that fired on a flow: the event
 * stream a SIEM or the violations store reads.
 */
#ifndef ZW_VIOLATION_LOG_H
#define ZW_VIOLATION_LOG_H

#include "conf.h"
#include "dpi.h"
#include "flow-table.h"
#include "zone-map.h"

struct violation_log;

struct violation_log *violation_log_open(const char *path);
void		 violation_log_write(struct violation_log *, const struct flow *,
		    const struct conf_rule *, struct dpi *,
		    const struct zone_map *);
int		 violation_log_flush(struct violation_log *);
int		 violation_log_close(struct violation_log *);

#endif
