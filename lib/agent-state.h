/*
 * What the subagent knows of the appliance, read from what the other
 * processes publish: the collector's status snapshot and the poller's
 * (JSON files replaced whole by rename), the event store (SQLite, read
 * beside its writer), and the site RRDs for the 95th percentiles.
 * Nothing here waits on another process: a missing or broken file
 * leaves its figures at zero and its age at AGENT_AGE_NONE.
 */
#ifndef ZW_AGENT_STATE_H
#define ZW_AGENT_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "store.h"

#define AGENT_AGE_NONE		UINT32_MAX
#define AGENT_MAX_REASONS	64
#define AGENT_REASON_MAX	64
/* A status file larger than this is not read (the poller's is ~3 MB). */
#define AGENT_MAX_FILE		(64u << 20)

struct agent_site {
	uint64_t	 in_bps;
	uint64_t	 out_bps;
	uint64_t	 p95_in;		/* since midnight */
	uint64_t	 p95_out;
	unsigned int	 p95_known;		/* AGENT_P95_*: not before 5 min */
};
#define AGENT_P95_IN	0x1
#define AGENT_P95_OUT	0x2

struct agent_zone_pair {
	int		 from, to;		/* zone indexes; unknown last */
	uint64_t	 octets;
	uint64_t	 bps;
};

struct agent_state {
	const struct conf	*conf;		/* names, sites, zones */
	time_t			 now;

	/* The collector's snapshot. */
	int			 have_status;
	uint64_t		 status_time;	/* when it was written */
	uint64_t		 collector_uptime;	/* seconds */
	uint64_t		 packets, octets, drops, malformed;
	uint64_t		 flows_active, flows_created, flows_evicted;
	size_t			 nreasons;
	char			 reason[AGENT_MAX_REASONS][AGENT_REASON_MAX];
	uint64_t		 reason_packets[AGENT_MAX_REASONS];
	struct agent_site	*sites;		/* conf->sites.n */
	struct agent_zone_pair	*pairs;
	size_t			 npairs;
	/* Its IPFIX exporter, when one is configured. */
	int			 have_ipfix;
	uint64_t		 ipfix_records, ipfix_dropped;

	/* The poller's. */
	int			 have_poller;
	uint64_t		 poll_time;
	uint64_t		 devices, devices_up, poll_ms;

	/* The store. */
	int			 have_store;
	int64_t			 counts[SEV_NLEVELS][STORE_NSTATES];
	uint64_t		 violations;
	int64_t			 newest_id;
	uint64_t		 store_free, store_used_pct;
	uint64_t		 oldest_age;	/* seconds */
	int64_t			 audit_seq;	/* the audit trail's head */
	char			 audit_hash[65];
};

struct agent_state *agent_state_new(const struct conf *);
void		 agent_state_free(struct agent_state *);
/* dst takes src's figures (both of one configuration). */
void		 agent_state_copy(struct agent_state *dst,
		    const struct agent_state *src);
/* 0, or -1 with the reason logged (once per change of reason). */
int		 agent_state_read_status(struct agent_state *, const char *path);
int		 agent_state_read_poller(struct agent_state *, const char *path);
int		 agent_state_read_store(struct agent_state *, struct store *,
		    const char *store_path);
/*
 * The 95th percentiles of at most n sites, taking up where the last
 * call stopped: bounded work per call, every site in turn.
 */
void		 agent_state_p95(struct agent_state *, const char *rrd_dir,
		    size_t n);
/* Seconds since t, or AGENT_AGE_NONE. */
uint64_t	 agent_state_age(const struct agent_state *, int have,
		    uint64_t t);

#endif
