/*
 * libFuzzer harness for the in-place reader of classic pcap files: the
 * input is a whole file.  Whatever the bytes, each record handed over
 * lies inside the input and within libpcap's snap length, the walk only
 * moves forward, and it ends with the end of the input or an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture-map.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static volatile uint8_t	 sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture_map	 m;
	struct pcap_pkthdr	 h;
	const uint8_t		*frame;
	uint8_t			*copy;
	size_t			 last = 0;
	char			 err[256];
	int			 rv;

	/* A copy of exactly the input's size, so ASan sees any overrun. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (capture_map_init(&m, copy, size) == 0) {
		while ((rv = capture_map_next(&m, &h, &frame, err,
		    sizeof(err))) == 1) {
			if (frame < copy || h.caplen > 262144 ||
			    (size_t)(frame - copy) + h.caplen > size ||
			    m.off <= last || m.off > size)
				abort();
			last = m.off;
			/* Both ends are read, for ASan to check. */
			if (h.caplen > 0)
				sink = frame[0] ^ frame[h.caplen - 1];
		}
		if (rv == -1 && err[0] == '\0')
			abort();
		if (rv == 0 && m.off != size)
			abort();
	}
	free(copy);
	return 0;
}
