/*
 * Per-process hash seed from the kernel's random source.
 */
#include <sys/random.h>

#include <time.h>
#include <unistd.h>

#include "hash.h"

uint64_t
hash_random_seed(void)
{
	uint64_t	 seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	/* Early boot without entropy: still different per process. */
	return (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
}
