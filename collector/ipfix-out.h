/*
 * IPFIX export of flow records (RFC 7011), the application by RFC 6759.
 */
#ifndef ZW_IPFIX_OUT_H
#define ZW_IPFIX_OUT_H

#include <stdint.h>

#include "flow-table.h"

struct dpi;
struct ipfix_out;

struct ipfix_out_stats {
	uint64_t	 messages;
	uint64_t	 records;
	uint64_t	 dropped;	/* records a send refused */
	uint64_t	 send_errors;
};

/* target: "udp:HOST:PORT" (the default) or "tcp:HOST:PORT". */
struct ipfix_out *ipfix_out_open(const char *target, uint32_t domain,
		    char *err, size_t errlen);
/* A flow's records, sent as the message fills. */
void		 ipfix_out_flow(struct ipfix_out *, const struct flow *,
		    struct dpi *);
/* Sends what waits (the pipeline's tick, once a second). */
void		 ipfix_out_flush(struct ipfix_out *);
const struct ipfix_out_stats *ipfix_out_stats(const struct ipfix_out *);
void		 ipfix_out_finish(struct ipfix_out *);
void		 ipfix_out_close(struct ipfix_out *);

#endif
