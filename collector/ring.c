/*
 * The ring's slow path (collector/ring.h): waiting for room or for
 * records without burning a core.
 */
#include <sched.h>
#include <time.h>

#include "ring.h"

void
ring_backoff(unsigned int *spins)
{
	struct timespec	 ts = { 0, 50000 };

	if (++*spins < 64)
		return;
	if (*spins < 1024)
		sched_yield();
	else
		nanosleep(&ts, NULL);
}
