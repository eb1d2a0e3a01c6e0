/*
 * The collector's trends: a thread that turns each step's accounting
 * snapshot into RRD updates, one file per site that has seen traffic
 * ("site/NAME"), per pair of zones ("zone/A-B"), and per application
 * category a site uses ("cat/SITE/CATEGORY", bounded per site).  Capture hands a
 * snapshot over and goes on; if the writer falls behind by more than a
 * few steps, the oldest is dropped and counted.
 */
#ifndef ZW_TREND_WRITER_H
#define ZW_TREND_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "accounting.h"
#include "conf.h"

struct trend_writer_stats {
	uint64_t	 steps;		/* snapshots written */
	uint64_t	 dropped;	/* snapshots lost to a slow writer */
	uint64_t	 updates;	/* RRD updates */
	uint64_t	 errors;
};

struct trend_writer;

/* wait_when_full: a file's reader waits for the writer, live never does. */
struct trend_writer *trend_writer_start(const struct conf *, const char *dir,
		    unsigned int step, int wait_when_full, char *err,
		    size_t errlen);
/* Names of the application categories, by id, for the file names. */
void		 trend_writer_names(struct trend_writer *,
		    const char *(*name)(void *, uint16_t), void *arg);
/* Takes the snapshot, whatever happens. */
void		 trend_writer_put(struct trend_writer *,
		    struct accounting_snapshot *);
void		 trend_writer_stop(struct trend_writer *);
void		 trend_writer_stats(struct trend_writer *,
		    struct trend_writer_stats *);

#endif
