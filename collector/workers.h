/*
 * The engine: a pipeline per worker, on one core or several; one worker
 * is the same engine with no thread of its own.  Each owns a whole
 * pipeline: flow table, fragment table, nDPI state; the outputs are
 * shared (see pipeline.h).  Live, each reads its own socket of a fanout
 * group; one worker reads on the caller's thread (workers_wait()).  From
 * files, a dispatcher (the caller of workers_packet()) decodes each frame
 * and hashes its address pair symmetrically, so that both directions of
 * a flow, and every fragment of a datagram, reach the same worker; it
 * hands the frame to that worker's single-producer ring (decoded, by
 * pointer, when the file is read in place; else a copy), or straight to
 * its own pipeline when the share is its own, as it always is for one.
 */
#ifndef ZW_WORKERS_H
#define ZW_WORKERS_H

#include <stdint.h>

#include "capture.h"
#include "conf.h"
#include "pipeline.h"

#define WORKERS_MAX	CONF_WORKERS_MAX

struct workers;

struct workers_totals {
	unsigned int		 n;
	uint64_t		 packets[WORKERS_MAX];	/* of each worker */
	uint64_t		 ring_waits;	/* a ring was full */
	uint64_t		 handed;	/* live: passed on, by tunnel */
	uint64_t		 lost;		/* ... finding the ring full */
};

/*
 * The pipeline conf is used by each worker; the sinks are shared.  With
 * caps (n live captures in one fanout group), each worker reads its own
 * in its own thread; without, the caller dispatches with workers_packet().
 */
struct workers	*workers_start(const struct pipeline_conf *, unsigned int n,
		    struct capture **caps);
/*
 * Reading a file in place (capture_frames_stay()), frames go to workers
 * decoded, by pointer: the file must stay open until workers_drain().
 */
void		 workers_frames_stay(struct workers *, int);
size_t		 workers_lag_bytes(const struct workers *);
void		 workers_drain(struct workers *);
int		 workers_wait(struct workers *, uint64_t count,
		    void (*each)(void *), void *arg, char *err, size_t errlen);
void		 workers_counters(struct workers *, struct pipeline_counters *,
		    struct capture_stats *);
struct pipeline_sinks *workers_sinks(struct workers *);
struct pipeline	*workers_first(struct workers *);
/* A capture_fn: the arg is the struct workers. */
void		 workers_packet(void *, const struct decode_link *,
		    struct pkt *, uint64_t now_us);
/* Waits for every worker to end its flows; then the records close. */
int		 workers_finish(struct workers *, int commit);
void		 workers_totals(const struct workers *, struct workers_totals *);
void		 workers_free(struct workers *);
/* The cores available less one, at least one. */
unsigned int	 workers_default(void);

#endif
