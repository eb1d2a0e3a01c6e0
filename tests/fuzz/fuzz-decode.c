/*
 * libFuzzer harness for the decode stage.  The first byte picks the link
 * type; the rest is the frame.  Whatever the bytes, decode must return a
 * reason without reading outside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_NULL,
    DLT_LOOP, DLT_RAW, 228, 229, DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt		 p;
	uint8_t			*frame;
	enum decode_reason	 r;

	if (size < 1)
		return 0;
	/* A copy of exactly the frame's size, so ASan sees any overrun. */
	if ((frame = malloc(size - 1 ? size - 1 : 1)) == NULL)
		return 0;
	memcpy(frame, data + 1, size - 1);
	memset(&p, 0, sizeof(p));
	p.frame = frame;
	p.caplen = p.wirelen = (uint32_t)(size - 1);
	r = decode_packet(decode_link_lookup(dlts[data[0] %
	    (sizeof(dlts) / sizeof(dlts[0]))]), &p);
	if (r == DECODE_OK && p.l3 != NULL &&
	    (p.l3 < frame || p.l3 + p.l3len > frame + size - 1))
		abort();
	if ((unsigned)r >= DECODE_NREASONS || decode_reason_name(r) == NULL)
		abort();
	free(frame);
	return 0;
}
