/*
 * A single-producer, single-consumer byte ring of records: the frames
 * the dispatcher hands to a worker (collector/workers.c), and the frames
 * one worker passes on to another.  Records are contiguous: one that
 * does not fit before the end leaves a wrap marker and starts again at
 * the beginning.  The shared positions are published in batches: a cache
 * line moving between cores per packet would cost more than the packet.
 *
 * The producer's calls are inline: they run for every frame.
 */
#ifndef ZW_RING_H
#define ZW_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

#define RING_FRAME_MAX		262144	/* libpcap's MAXIMUM_SNAPLEN */
#define RING_PUBLISH_EVERY	32

enum rec_kind { REC_PACKET, REC_DECODED, REC_TICK, REC_WRAP };

/* len and kind first: a wrap marker may be all that fits at the end. */
struct rec {
	uint32_t		 len;		/* header and frame, aligned */
	uint32_t		 kind;
	uint32_t		 caplen;
	uint32_t		 wirelen;
	uint64_t		 ts_us;		/* or the tick's time */
	const struct decode_link *link;
};

struct ring {
	_Alignas(64) _Atomic uint64_t	 head;	/* written by the producer */
	_Alignas(64) _Atomic uint64_t	 tail;	/* by the consumer */
	_Alignas(64) uint8_t		*buf;	/* read by both, set once */
	size_t				 size;	/* a power of two */
	/* The producer's own, on a line the consumer never reads. */
	_Alignas(64) uint64_t		 whead;	/* written, not yet published */
	uint64_t			 seen_tail;
	unsigned int			 unpublished;
	uint64_t			 waits;	/* the producer found it full */
};

/* Spin briefly, then yield, then sleep: an idle thread costs nothing. */
void	ring_backoff(unsigned int *spins);

static inline size_t
ring_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static inline void
ring_publish(struct ring *r)
{
	atomic_store_explicit(&r->head, r->whead, memory_order_release);
	r->unpublished = 0;
}

/*
 * Room for len bytes contiguous; the tail end is skipped if too short.
 * Without wait, NULL when there is none now.
 */
static inline uint8_t *
ring_room(struct ring *r, size_t len, int wait)
{
	uint64_t	 head = r->whead;
	size_t		 off = head & (r->size - 1);
	size_t		 skip = r->size - off < len ? r->size - off : 0;
	unsigned int	 spins = 0;
	int		 waited = 0;

	if (r->size - (head - r->seen_tail) < len + skip) {
		/* The consumer may be waiting for what is not yet published. */
		ring_publish(r);
		while (r->size - (head - (r->seen_tail =
		    atomic_load_explicit(&r->tail, memory_order_acquire))) <
		    len + skip) {
			if (!wait)
				return NULL;
			waited = 1;
			ring_backoff(&spins);
		}
	}
	r->waits += waited;
	if (skip > 0) {
		struct rec	*m = (struct rec *)(r->buf + off);

		m->len = (uint32_t)skip;
		m->kind = REC_WRAP;
		r->whead = head + skip;
		off = 0;
	}
	return r->buf + off;
}

static inline uint8_t *
ring_room_wait(struct ring *r, size_t len)
{
	return ring_room(r, len, 1);
}

static inline void
ring_commit(struct ring *r, size_t len)
{
	r->whead += len;
	if (++r->unpublished >= RING_PUBLISH_EVERY)
		ring_publish(r);
}

/* A copy of the frame as the next record; -1 if full and not to wait. */
static inline int
ring_put_frame(struct ring *r, const struct decode_link *link,
    const struct pkt *p, int wait)
{
	struct rec	*m;
	uint32_t	 caplen = p->caplen < RING_FRAME_MAX ? p->caplen :
			    RING_FRAME_MAX;
	size_t		 len = sizeof(*m) + ring_align8(caplen);

	if ((m = (struct rec *)ring_room(r, len, wait)) == NULL)
		return -1;
	m->len = (uint32_t)len;
	m->kind = REC_PACKET;
	m->caplen = caplen;
	m->wirelen = p->wirelen;
	m->ts_us = p->ts_us;
	m->link = link;
	memcpy(m + 1, p->frame, caplen);
	ring_commit(r, len);
	return 0;
}

#endif
