/*
 * The evidence ring.  Offsets are absolute byte counts since start (they
 * never wrap in 64 bits); a record at offset o is intact while the head
 * is at most one ring size past it.  A record never straddles the end:
 * the head skips to the start instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "evidence.h"

#define EV_TAKEN	0xff	/* ev_count once the flow's pcap is made */

struct record {
	uint64_t	 prev;		/* offset + 1 of the flow's previous */
	uint64_t	 ts_us;
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int32_t		 dlt;		/* a flow's records share one */
	uint32_t	 pad;
};

struct evidence {
	uint8_t			*ring;
	size_t			 size;
	uint64_t		 head;
	unsigned int		 packets;
	struct evidence_stats	 stats;
};

struct evidence *
evidence_new(size_t ring_bytes, unsigned int packets)
{
	struct evidence	*ev;

	if (ring_bytes < 2 * (sizeof(struct record) + EVIDENCE_SNAP))
		ring_bytes = 2 * (sizeof(struct record) + EVIDENCE_SNAP);
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return NULL;
	if ((ev->ring = malloc(ring_bytes)) == NULL) {
		free(ev);
		return NULL;
	}
	ev->size = ring_bytes & ~(size_t)7;
	ev->packets = packets < EV_TAKEN ? packets : EV_TAKEN - 1;
	return ev;
}

void
evidence_free(struct evidence *ev)
{
	if (ev == NULL)
		return;
	free(ev->ring);
	free(ev);
}

static int
intact(const struct evidence *ev, uint64_t off)
{
	return ev->head - off <= ev->size;
}

int
evidence_full(const struct evidence *ev, const struct flow *f)
{
	return f->ev_count == ev->packets;
}

void
evidence_packet(struct evidence *ev, struct flow *f, const struct pkt *p,
    int dlt)
{
	struct record	 r;
	size_t		 cap, len, pos;

	if (f->ev_count >= ev->packets)
		return;
	cap = p->caplen < EVIDENCE_SNAP ? p->caplen : EVIDENCE_SNAP;
	len = (sizeof(r) + cap + 7) & ~(size_t)7;
	pos = ev->head % ev->size;
	if (pos + len > ev->size)
		ev->head += ev->size - pos;
	r.prev = f->ev_last;
	r.ts_us = p->ts_us;
	r.caplen = (uint32_t)cap;
	r.wirelen = p->wirelen;
	r.dlt = dlt;
	r.pad = 0;
	pos = ev->head % ev->size;
	memcpy(ev->ring + pos, &r, sizeof(r));
	memcpy(ev->ring + pos + sizeof(r), p->frame, cap);
	f->ev_last = ev->head + 1;
	f->ev_count++;
	ev->head += len;
	ev->stats.recorded++;
}

/* libpcap writes the file, so the link type is mapped as it should be. */
static uint8_t *
write_pcap(struct evidence *ev, const uint64_t *offs, size_t n, size_t *lenp)
{
	struct pcap_pkthdr	 h;
	struct record		 r;
	pcap_t			*dead;
	pcap_dumper_t		*d;
	FILE			*fp;
	char			*buf = NULL;
	size_t			 len = 0, i;

	memcpy(&r, ev->ring + offs[n - 1] % ev->size, sizeof(r));
	if ((dead = pcap_open_dead(r.dlt, EVIDENCE_SNAP)) == NULL)
		return NULL;
	if ((fp = open_memstream(&buf, &len)) == NULL) {
		pcap_close(dead);
		return NULL;
	}
	if ((d = pcap_dump_fopen(dead, fp)) == NULL) {
		fclose(fp);
		free(buf);
		pcap_close(dead);
		return NULL;
	}
	for (i = n; i-- > 0; ) {
		memcpy(&r, ev->ring + offs[i] % ev->size, sizeof(r));
		h.ts.tv_sec = (time_t)(r.ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(r.ts_us % 1000000);
		h.caplen = r.caplen;
		h.len = r.wirelen;
		pcap_dump((u_char *)d, &h, ev->ring + offs[i] % ev->size +
		    sizeof(r));
	}
	pcap_dump_close(d);
	pcap_close(dead);
	*lenp = len;
	return (uint8_t *)buf;
}

uint8_t *
evidence_take(struct evidence *ev, struct flow *f, size_t *lenp,
    unsigned int *npackets)
{
	uint64_t		 offs[EV_TAKEN], off;
	struct record		 r;
	uint8_t			*out;
	size_t			 n = 0;

	if (f->ev_count == EV_TAKEN)
		return NULL;
	/* Newest to oldest; older records are further back in the ring. */
	for (off = f->ev_last; off != 0 && n < f->ev_count; off = r.prev) {
		if (!intact(ev, off - 1))
			break;
		memcpy(&r, ev->ring + (off - 1) % ev->size, sizeof(r));
		offs[n++] = off - 1;
	}
	ev->stats.lost += f->ev_count - n;
	f->ev_count = EV_TAKEN;
	f->ev_last = 0;
	if (n == 0 || (out = write_pcap(ev, offs, n, lenp)) == NULL)
		return NULL;
	ev->stats.taken++;
	*npackets = (unsigned int)n;
	return out;
}

const struct evidence_stats *
evidence_stats(const struct evidence *ev)
{
	return &ev->stats;
}
