/*
 * Time-based one-time passwords (RFC 6238), the administrators' second
 * factor: HMAC-SHA1 (RFC 4226) over 30-second steps, 6 digits, secrets
 * in base32 (RFC 4648) as authenticator apps take them.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
totp_secret_new(char out[TOTP_SECRET_LEN + 1])
{
	unsigned char	 r[TOTP_SECRET_LEN];
	int		 i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	for (i = 0; i < TOTP_SECRET_LEN; i++)
		out[i] = b32[r[i] & 31];
	out[TOTP_SECRET_LEN] = '\0';
	return 0;
}

/* RFC 4648 base32, without padding; -1 on a character not of it. */
static int
b32_decode(const char *s, unsigned char *out, size_t len)
{
	unsigned int	 buf = 0;
	size_t		 n = 0;
	int		 bits = 0;
	const char	*p;

	for (; *s != '\0' && *s != '='; s++) {
		if ((p = strchr(b32, toupper((unsigned char)*s))) == NULL)
			return -1;
		buf = (buf << 5) | (unsigned int)(p - b32);
		if ((bits += 5) >= 8) {
			if (n == len)
				return -1;
			out[n++] = (unsigned char)(buf >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)n;
}

int
totp_code(const char *secret, int64_t t, char out[7])
{
	unsigned char	 key[64], msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0, off;
	uint64_t	 counter = (uint64_t)(t / 30);
	uint32_t	 v;
	int		 klen, i;

	if ((klen = b32_decode(secret, key, sizeof(key))) <= 0)
		return -1;
	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (HMAC(EVP_sha1(), key, klen, msg, sizeof(msg), mac, &maclen) ==
	    NULL || maclen < 20)
		return -1;
	/* RFC 4226, 5.3: dynamic truncation. */
	off = mac[maclen - 1] & 0x0f;
	v = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	snprintf(out, 7, "%06u", v % 1000000);
	return 0;
}

int64_t
totp_step_of(const char *secret, const char *code, int64_t t)
{
	char	 want[7];
	int64_t	 step = -1;
	int	 d;

	if (strlen(code) != 6)
		return -1;
	/* All three are computed, so that the time tells nothing. */
	for (d = -1; d <= 1; d++)
		if (totp_code(secret, t + d * 30, want) == 0 &&
		    CRYPTO_memcmp(want, code, 6) == 0)
			step = (t + d * 30) / 30;
	return step;
}

int
totp_check(const char *secret, const char *code, int64_t t)
{
	return totp_step_of(secret, code, t) >= 0;
}
