/*
 * The flow table: bidirectional flows keyed by VLAN, both addresses, both
 * ports and the IP protocol.  The key is stored in canonical order (the
 * numerically lower address and port first), so both directions of a
 * conversation find the same flow.
 *
 * Flows live in a pool allocated once; a full table evicts its least
 * recently seen flow.  Nothing is allocated per packet.  Every way a flow
 * ends (idle, active timeout, FIN or RST, eviction, end of input) goes
 * through one callback, which writes the record.
 */
#ifndef ZW_FLOW_TABLE_H
#define ZW_FLOW_TABLE_H

#include <stdint.h>

#include "decode.h"

#define FLOW_HOST_MAX	80	/* as nDPI's host_server_name */

#define FLOW_END_REASONS(X)		\
	X(IDLE,		"idle")		\
	X(ACTIVE,	"active")	\
	X(FIN,		"fin")		\
	X(RST,		"rst")		\
	X(EVICTED,	"evicted")	\
	X(EOF,		"eof")

#define FLOW_END_ENUM(id, name)	FLOW_END_##id,
enum flow_end {
	FLOW_END_REASONS(FLOW_END_ENUM)
	FLOW_END_NREASONS
};
#undef FLOW_END_ENUM

/* Direction of a packet: from the lower endpoint, or from the upper. */
#define FLOW_DIR_LO2HI	0
#define FLOW_DIR_HI2LO	1

struct flow_key {
	uint8_t		 lo[16];
	uint8_t		 hi[16];
	uint16_t	 lo_port;
	uint16_t	 hi_port;
	uint16_t	 vlan;
	uint8_t		 proto;
	uint8_t		 ipver;
};

/* What classification found; filled by the DPI stage. */
struct flow_app {
	uint16_t	 master;
	uint16_t	 app;
	uint16_t	 category;
	uint8_t		 confidence;
	uint8_t		 done;		/* detection finished */
	char		 host[FLOW_HOST_MAX];
};

struct flow {
	struct flow_key	 key;
	uint64_t	 first_us;	/* first packet of this record */
	uint64_t	 last_us;
	uint64_t	 moved_us;	/* last move in its timeout list */
	uint64_t	 bytes[2];	/* by FLOW_DIR_*, captured frame bytes */
	uint32_t	 pkts[2];
	uint32_t	 hnext;		/* hash chain or free list, index + 1 */
	uint32_t	 prev;		/* timeout list, index + 1 */
	uint32_t	 next;
	uint32_t	 npkts_total;	/* all records, for DPI limits */
	void		*dpi;		/* detection state, owned by dpi.c */
	struct flow_records *records;	/* its stored violations: pipeline.c */
	struct flow_app	 app;
	uint64_t	 fired;		/* rules that fired, one bit each */
	uint64_t	 reported;	/* of those, sent to the outputs */
	uint64_t	 ev_last;	/* evidence ring: newest record + 1 */
	uint16_t	 site[2];	/* lower, upper: set at the first packet */
	uint16_t	 exit;		/* declared exit crossed, or none */
	uint8_t		 zone[2];
	uint8_t		 policy_done;	/* checked after classification */
	uint8_t		 list;		/* which timeout list */
	uint8_t		 src_is_lower;	/* first packet came from lo */
	uint8_t		 began_lower;	/* lo began it (flow_began_lower) */
	uint8_t		 tcp_seen;	/* FIN per direction, RST */
	uint8_t		 tunnel;
	uint8_t		 ev_count;	/* packets in the evidence ring */
};

struct flow_table_conf {
	uint32_t	 max_flows;
	uint64_t	 idle_tcp_us;
	uint64_t	 idle_other_us;
	uint64_t	 closed_us;	/* linger after FIN both ways or RST */
	uint64_t	 active_us;	/* 0: no interim records */
};

struct flow_table_stats {
	uint64_t	 created;
	uint64_t	 ended[FLOW_END_NREASONS];
	uint64_t	 active;
	uint64_t	 max_active;
};

typedef void (*flow_end_fn)(struct flow *, enum flow_end, void *);

struct flow_table;

void		 flow_table_conf_default(struct flow_table_conf *);
struct flow_table *flow_table_new(const struct flow_table_conf *,
		    flow_end_fn, void *);
void		 flow_table_free(struct flow_table *);
struct flow	*flow_table_packet(struct flow_table *, const struct pkt *,
		    int *dir);
void		 flow_table_expire(struct flow_table *, uint64_t now_us);
void		 flow_table_flush(struct flow_table *, enum flow_end);
const struct flow_table_stats *flow_table_stats(const struct flow_table *);
const char	*flow_end_name(enum flow_end);
void		 flow_key_of(const struct pkt *, struct flow_key *, int *dir);

#endif
