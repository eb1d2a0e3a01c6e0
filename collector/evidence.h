/*
 * Evidence: the first packets of a flow, kept until the policy knows
 * whether the flow violates a rule, then handed over as a small pcap.
 *
 * Packets go into one ring of bounded size; each record points back to
 * the previous record of its flow, so a flow holds only the offset of
 * its newest record.  A record the ring has since overwritten is lost,
 * and counted: the ring's size bounds memory however many flows there
 * are, and only flows still undecided, or already violating, write.
 */
#ifndef ZW_EVIDENCE_H
#define ZW_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow-table.h"

#define EVIDENCE_SNAP		2048	/* bytes kept of each frame */
#define EVIDENCE_RING_DEFAULT	(32u << 20)

struct evidence_stats {
	uint64_t	 recorded;	/* packets written to the ring */
	uint64_t	 taken;		/* pcaps handed over */
	uint64_t	 lost;		/* packets overwritten before taken */
};

struct evidence;

struct evidence	*evidence_new(size_t ring_bytes, unsigned int packets);
void		 evidence_free(struct evidence *);
/* Records the packet if the flow has fewer than the packets wanted. */
void		 evidence_packet(struct evidence *, struct flow *,
		    const struct pkt *, int dlt);
int		 evidence_full(const struct evidence *, const struct flow *);
/*
 * The flow's packets as a pcap file in memory (to free), or NULL if
 * none is left; recording stops for the flow.
 */
uint8_t		*evidence_take(struct evidence *, struct flow *, size_t *len,
		    unsigned int *npackets);
const struct evidence_stats *evidence_stats(const struct evidence *);

#endif
