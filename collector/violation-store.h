/*
 * The collector's side of the event store: a writer thread that takes
 * violations from capture through a bounded queue, commits them once a
 * second, sends them on to syslog, and purges what retention has
 * expired.  Capture never waits on the disk.  When a commit fails (a
 * full disk) the events stay queued and the commit is tried again each
 * second; past the queue's bound new events are dropped, and counted.
 * Reading files, which has no deadline, capture waits for room instead.
 */
#ifndef ZW_VIOLATION_STORE_H
#define ZW_VIOLATION_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

#define VSTORE_QUEUE_DEFAULT	16384

struct violation_store_conf {
	const char		*path;
	const struct conf	*conf;		/* retention, dedupe, syslog */
	size_t			 queue_max;
	int64_t			 purge_every_us;
	int			 wait_when_full;	/* files: lose nothing */
};

struct violation_store_stats {
	uint64_t	 queued;	/* events taken from capture */
	uint64_t	 created;	/* records */
	uint64_t	 repeated;	/* repeats folded into a record */
	uint64_t	 evidence;	/* pcaps stored */
	uint64_t	 excepted;	/* records an exception kept away */
	uint64_t	 dropped;	/* events lost: the queue was full */
	uint64_t	 commit_failures;
	uint64_t	 pending;	/* events waiting now */
	uint64_t	 purged;	/* records removed by retention */
	uint64_t	 syslog_sent;
	uint64_t	 syslog_failed;
	int		 failing;	/* the last commit failed */
	int		 full;		/* ... because the disk is full */
};

struct violation_store;

struct violation_store *violation_store_start(
		    const struct violation_store_conf *, char *err,
		    size_t errlen);
/*
 * Commits what is queued and stops, its last figures into last (if not
 * NULL); -1 if anything was lost.
 */
int		 violation_store_stop(struct violation_store *,
		    struct violation_store_stats *last);

/*
 * From capture.  These copy what they need and never block on I/O.
 * A record is opened when its rule fires; opening returns the reference
 * by which its flow's name, counts and evidence reach that record, and
 * no other (NULL: out of memory,
 * counted); the flow releases it when it ends.
 */
struct violation_ref;
struct violation_ref *violation_store_open(struct violation_store *,
		    const struct store_violation *);
void		 violation_store_release(struct violation_ref *);
/* The application nDPI named, for a record opened before it had. */
void		 violation_store_name(struct violation_store *,
		    struct violation_ref *, const char *app,
		    const char *category, const char *hostname);
void		 violation_store_count(struct violation_store *,
		    struct violation_ref *, int64_t packets, int64_t bytes,
		    int64_t last_us);
/* Takes the pcap (malloc'd) whatever happens. */
void		 violation_store_evidence(struct violation_store *,
		    struct violation_ref *, int64_t first_us, uint8_t *pcap,
		    size_t len, unsigned int packets);

void		 violation_store_stats(struct violation_store *,
		    struct violation_store_stats *);

#endif
