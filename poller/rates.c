/*
 * Counter arithmetic, RFC 2863 section 3.1.6: a counter's value means
 * nothing alone, only its increase between two readings, modulo its
 * width.  The agent's sysUpTime is the clock: it is read in the same
 * answer as the counters, so the poller's own delays do not bend rates.
 */
#include <math.h>
#include <string.h>

#include "rates.h"

#define MAX_BPS		4e11	/* 400 Gbit/s: no port here is faster */
#define SLACK		1.05	/* a little over the line rate is noise */
/*
 * The most frames a line carries: 64 bytes each with the preamble and
 * the gap, 84 bytes on the wire (IEEE 802.3).  Errors and discards are
 * counted per frame, so more than this is a counter that went back.
 */
#define MIN_FRAME_BITS	(84 * 8)

const char rates_no_octets[] = "no octet counters read: the agent has no "
    "32-bit ones, and SNMPv1 cannot read the 64-bit ones (use version 2c)";

int
rates_width(const struct if_row *r)
{
	return if_row_has(r, IF_COL_HC_IN) && if_row_has(r, IF_COL_HC_OUT) ?
	    64 : 32;
}

static double
delta(uint64_t prev, uint64_t cur, int width)
{
	if (width == 32)
		return (double)(uint32_t)((uint32_t)cur - (uint32_t)prev);
	return (double)(cur - prev);
}

static void
unknown(struct rates *out, const char *why)
{
	int	 i;

	for (i = 0; i < RATE_NVALUES; i++)
		out->v[i] = NAN;
	out->unknown = why;
}

void
rates_compute(const struct reading *p, const struct reading *c,
    struct rates *out)
{
	const struct if_row	*a = p->row, *b = c->row;
	double			 secs, local, max, speed;
	int			 w, i;

	memset(out, 0, sizeof(*out));
	if (a == NULL || b == NULL) {
		unknown(out, "first reading");
		return;
	}
	local = (double)(c->at_us - p->at_us) / 1e6;
	if (p->have_uptime && c->have_uptime) {
		if (c->uptime < p->uptime) {
			unknown(out, "agent restarted");
			return;
		}
		secs = (double)(c->uptime - p->uptime) / 100;
		/* An agent clock far off ours is not to be trusted. */
		if (local > 0 && (secs < local * 0.5 || secs > local * 2))
			secs = local;
	} else
		secs = local;
	out->seconds = secs;
	if (secs <= 0) {
		unknown(out, "no time between readings");
		return;
	}
	if (strcmp(a->name, b->name) != 0 || strcmp(a->descr, b->descr) != 0) {
		unknown(out, "another interface under this ifIndex");
		return;
	}
	if ((w = rates_width(b)) != rates_width(a)) {
		unknown(out, "counters changed width");
		return;
	}
	if (w == 64) {
		out->v[RATE_IN_BPS] = delta(a->in_octets, b->in_octets, 64) * 8 /
		    secs;
		out->v[RATE_OUT_BPS] = delta(a->out_octets, b->out_octets, 64) *
		    8 / secs;
	} else if (if_row_has(a, IF_COL_IN32) && if_row_has(b, IF_COL_IN32) &&
	    if_row_has(a, IF_COL_OUT32) && if_row_has(b, IF_COL_OUT32)) {
		out->v[RATE_IN_BPS] = delta(a->in32, b->in32, 32) * 8 / secs;
		out->v[RATE_OUT_BPS] = delta(a->out32, b->out32, 32) * 8 / secs;
	} else {
		/* SNMPv1 reads no Counter64 (RFC 3584, 4.2.2.1). */
		out->v[RATE_IN_BPS] = out->v[RATE_OUT_BPS] = NAN;
		out->unknown = rates_no_octets;
	}
	out->v[RATE_IN_ERR] = delta(a->in_err, b->in_err, 32) / secs;
	out->v[RATE_OUT_ERR] = delta(a->out_err, b->out_err, 32) / secs;
	out->v[RATE_IN_DISC] = delta(a->in_disc, b->in_disc, 32) / secs;
	out->v[RATE_OUT_DISC] = delta(a->out_disc, b->out_disc, 32) / secs;
	/* A counter reset without a restart shows as more than the line. */
	speed = (double)if_row_speed(b);
	max = speed > 0 ? speed * SLACK + 1e6 : MAX_BPS;
	for (i = RATE_IN_ERR; i <= RATE_OUT_DISC; i++)
		if (out->v[i] > max / MIN_FRAME_BITS)
			out->v[i] = NAN;
	if (out->v[RATE_IN_BPS] > max || out->v[RATE_OUT_BPS] > max)
		unknown(out, "more than the line can carry: a discontinuity");
}
