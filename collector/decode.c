/*
 * Entry to the decode stage and the names of its reasons.
 */
#include "decode.h"

struct reason_row {
	const char	*name;
	int		 malformed;
};

#define DECODE_ROW(id, name, malformed)	{ name, malformed },
static const struct reason_row reasons[DECODE_NREASONS] = {
	DECODE_REASONS(DECODE_ROW)
};
#undef DECODE_ROW

/*
 * Decodes p->frame (p->caplen bytes) with the link layer given.  The
 * capture fields of p are kept; every decoded field is reset first so
 * that nothing of a previous packet survives.
 */
enum decode_reason
decode_packet(const struct decode_link *link, struct pkt *p)
{
	struct cursor	 c;
	uint64_t	 ts = p->ts_us;
	const uint8_t	*frame = p->frame;
	uint32_t	 caplen = p->caplen, wirelen = p->wirelen;

	memset(p, 0, sizeof(*p));
	p->ts_us = ts;
	p->frame = frame;
	p->caplen = caplen;
	p->wirelen = wirelen;
	if (link == NULL)
		return DECODE_LINK_UNSUPPORTED;
	c = cursor_make(frame, caplen);
	return link->decode(&c, p);
}

const char *
decode_reason_name(enum decode_reason r)
{
	if ((unsigned)r >= DECODE_NREASONS)
		return "invalid";
	return reasons[r].name;
}

int
decode_reason_malformed(enum decode_reason r)
{
	if ((unsigned)r >= DECODE_NREASONS)
		return 1;
	return reasons[r].malformed;
}
