#ifndef ZW_TOTP_H
#define ZW_TOTP_H

#include <stdint.h>

#define TOTP_SECRET_LEN	32		/* base32 characters, 160 bits */

/* TOTP (RFC 6238): HMAC-SHA1, 30-second steps, 6 digits. */
int	 totp_secret_new(char out[TOTP_SECRET_LEN + 1]);
int	 totp_code(const char *secret, int64_t t, char out[7]);
/* Accepts the step of now and one either side (clock drift). */
int	 totp_check(const char *secret, const char *code, int64_t t);
/* The step (t / 30) the code is right for, or -1. */
int64_t	 totp_step_of(const char *secret, const char *code, int64_t t);

#endif
