/*
 * The wall clock in microseconds since the epoch, as every record of
 * the project stores time.  Not for measuring intervals: it jumps when
 * the clock is set; clock_mono_us() is for those.
 */
#ifndef ZW_CLOCK_H
#define ZW_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
clock_wall_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Microseconds of CLOCK_MONOTONIC: what comes first, how long since. */
static inline int64_t
clock_mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
