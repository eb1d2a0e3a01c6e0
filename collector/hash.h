/*
 * A seeded hash for fixed-size keys (flow keys, fragment keys).  The seed
 * is random per process so that a sender cannot aim many flows at one
 * bucket.  The multiply-and-fold step is that of wyhash (public domain).
 */
#ifndef ZW_HASH_H
#define ZW_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t	 r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
hash_bytes(const void *key, size_t len, uint64_t seed)
{
	const uint8_t	*p = key;
	uint64_t	 h = seed ^ 0xa0761d6478bd642fULL, w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = hash_mix(h ^ w, 0xe7037ed1a0b428dbULL);
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	return hash_mix(h ^ w ^ len, 0x8ebc6af09c88c6e3ULL);
}

uint64_t	hash_random_seed(void);

#endif
