/*
 * Detached signatures of exported reports with the appliance's own key:
 * SM2 with SM3 (GB/T 32918, GB/T 32905) where OpenSSL has them, else
 * ECDSA P-256 with SHA-256.  The signature is what "openssl dgst -sign"
 * writes, so an auditor verifies with the stock command line:
 *
 *	openssl dgst -sm3 -verify report-key.pub -signature R.pdf.sig R.pdf
 *
 * (-sha256 for an ECDSA key).
 */
#ifndef ZW_SIGN_H
#define ZW_SIGN_H

#include <stdio.h>

#include <openssl/evp.h>

/* Loads the private key; creates it (mode 0600) when absent. */
EVP_PKEY	*sign_key(const char *path, int create, char *err,
		    size_t errlen);
/* "sm3" or "sha256": the digest to name to openssl dgst. */
const char	*sign_digest(EVP_PKEY *);
/* "SM2" or "ECDSA P-256". */
const char	*sign_algorithm(EVP_PKEY *);
int		 sign_public_pem(EVP_PKEY *, FILE *);
/* Signs file into sigpath (written whole or not at all). */
int		 sign_file(EVP_PKEY *, const char *file, const char *sigpath,
		    char *err, size_t errlen);
/* 1 good, 0 bad, -1 could not tell (err set). */
int		 sign_verify(EVP_PKEY *, const char *file, const char *sigpath,
		    char *err, size_t errlen);

#endif
