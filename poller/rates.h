/*
 * Rates from two readings of an interface's counters.  A counter that
 * went round (32 or 64 bits) is counted once round; a reading after the
 * agent restarted (sysUpTime went back), of an interface that changed
 * under its ifIndex, or a rate the link cannot carry is a discontinuity:
 * unknown, never traffic.
 */
#ifndef ZW_RATES_H
#define ZW_RATES_H

#include <stdint.h>

#include "if-table.h"

struct reading {
	const struct if_row	*row;
	uint32_t		 uptime;	/* centiseconds */
	int			 have_uptime;
	uint64_t		 at_us;		/* local, monotonic */
};

#define RATE_NVALUES	6

enum rate_value {
	RATE_IN_BPS,
	RATE_OUT_BPS,
	RATE_IN_ERR,		/* per second */
	RATE_OUT_ERR,
	RATE_IN_DISC,
	RATE_OUT_DISC
};

struct rates {
	double		 v[RATE_NVALUES];	/* NAN: unknown */
	double		 seconds;
	const char	*unknown;		/* why, or NULL */
};

void	rates_compute(const struct reading *prev, const struct reading *cur,
	    struct rates *);
/* The counter's width a row is read with: 64 (ifXTable) or 32. */
int	rates_width(const struct if_row *);

/* Why a port has no octet rates when its agent gave no octet counters. */
extern const char rates_no_octets[];

#endif
