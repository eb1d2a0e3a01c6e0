/*
 * Flow records, written when a flow ends (and at each active timeout) in
 * a machine-readable format chosen on the command line.
 */
#ifndef ZW_FLOW_OUTPUT_H
#define ZW_FLOW_OUTPUT_H

#include <stdio.h>

#include "dpi.h"
#include "flow-table.h"
#include "zone-map.h"

struct flow_output;

/*
 * format is "csv" or "json" (JSON lines).  path "-" is standard output.
 * With atomic set, records go to a temporary file renamed over path only
 * when flow_output_close() succeeds, so a reader never sees half a file.
 */
struct flow_output *flow_output_open(const char *path, const char *format,
		    int atomic);
int		 flow_output_format_known(const char *format);
void		 flow_output_write(struct flow_output *, const struct flow *,
		    enum flow_end, struct dpi *, const struct zone_map *);
int		 flow_output_flush(struct flow_output *);
int		 flow_output_close(struct flow_output *, int commit);

/* An address as text. */
void		 flow_output_addr(const uint8_t *addr, int ipver, char *buf,
		    size_t len);
/* TCP, UDP, ICMP ... as nDPI's reader names them; others as a number. */
#define FLOW_L4NAME_MAX	4
const char	*flow_output_l4name(uint8_t proto, char buf[FLOW_L4NAME_MAX]);

#endif
