/*
 * libFuzzer harness for the whole per-packet path: decode, fragments, the
 * flow table (small, so that eviction runs), nDPI, and, with the demo
 * configuration when it is found (run from the top of the tree), zones,
 * sites, the policy and the detectors.  The input is a
 * series of frames, each preceded by a two-byte length and a one-byte
 * time step.  The pipeline is made once (nDPI takes a while to start);
 * every input ends all its flows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "conf.h"
#include "log.h"
#include "pipeline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pipeline_conf	 conf;
	static struct pipeline		*pl;
	const struct decode_link	*link = decode_link_lookup(DLT_EN10MB);
	struct pkt			 p;
	uint64_t			 ts = 1000000;
	size_t				 off = 0, len;
	uint8_t				*frame;

	if (pl == NULL) {
		log_init("fuzz-pipeline", LOG_TO_STDERR);
		pipeline_conf_default(&conf);
		conf.flows.max_flows = 8;
		conf.detect_hosts = 16;
		{
			char	 err[CONF_ERR_MAX];

			conf.conf = conf_load("conf/zonewatch.conf", err,
			    sizeof(err));
		}
		if ((pl = pipeline_new(&conf)) == NULL)
			abort();
	}
	while (size - off >= 3) {
		len = (size_t)data[off] << 8 | data[off + 1];
		ts += (uint64_t)data[off + 2] * 1000000;
		off += 3;
		if (len > size - off)
			len = size - off;
		if ((frame = malloc(len ? len : 1)) == NULL)
			break;
		memcpy(frame, data + off, len);
		memset(&p, 0, sizeof(p));
		p.ts_us = ts;
		p.frame = frame;
		p.caplen = p.wirelen = (uint32_t)len;
		pipeline_packet(pl, link, &p, ts);
		free(frame);
		off += len;
	}
	pipeline_finish(pl, 0);
	return 0;
}
