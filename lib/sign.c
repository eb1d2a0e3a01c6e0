#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "afile.h"
#include "sign.h"

#define SIG_MAX		256

static void
ossl_error(char *err, size_t errlen, const char *what)
{
	unsigned long	 e = ERR_get_error();
	char		 buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s", what, e ? buf : "failed");
	ERR_clear_error();
}

static EVP_PKEY *
generate(void)
{
	EVP_PKEY	*k;

	/* SM2 first: the algorithm level protection asks of Chinese systems. */
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2")) != NULL)
		return k;
	ERR_clear_error();
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

EVP_PKEY *
sign_key(const char *path, int create, char *err, size_t errlen)
{
	EVP_PKEY	*k = NULL;
	FILE		*fp;
	char		*tmp = NULL;
	int		 fd;

	if ((fp = fopen(path, "r")) != NULL) {
		k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
		if (k == NULL)
			ossl_error(err, errlen, path);
		return k;
	}
	if (errno != ENOENT || !create) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((k = generate()) == NULL) {
		ossl_error(err, errlen, "key generation");
		return NULL;
	}
	/* Written private from the start, then put in place whole. */
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) == -1 ||
	    (fd = mkstemp(tmp)) == -1 || fchmod(fd, 0600) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL) ||
	    fflush(fp) == EOF || fsync(fileno(fp)) == -1) {
		fclose(fp);
		unlink(tmp);
		ossl_error(err, errlen, path);
		goto fail;
	}
	fclose(fp);
	if (link(tmp, path) == -1) {	/* never over another's key */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	unlink(tmp);
	free(tmp);
	afile_own_like_dir(path);
	return k;
fail:
	free(tmp);
	EVP_PKEY_free(k);
	return NULL;
}

const char *
sign_digest(EVP_PKEY *k)
{
	return EVP_PKEY_is_a(k, "SM2") ? "sm3" : "sha256";
}

const char *
sign_algorithm(EVP_PKEY *k)
{
	return EVP_PKEY_is_a(k, "SM2") ? "SM2" : "ECDSA P-256";
}

int
sign_public_pem(EVP_PKEY *k, FILE *fp)
{
	return PEM_write_PUBKEY(fp, k) ? 0 : -1;
}

/* Feeds the file to a DigestSign or DigestVerify context. */
static int
feed(EVP_MD_CTX *ctx, const char *file, int verify)
{
	unsigned char	 buf[65536];
	size_t		 n;
	FILE		*fp;
	int		 ok = 1;

	if ((fp = fopen(file, "rb")) == NULL)
		return -1;
	while (ok && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		ok = verify ? EVP_DigestVerifyUpdate(ctx, buf, n) :
		    EVP_DigestSignUpdate(ctx, buf, n);
	ok = ok && !ferror(fp);
	fclose(fp);
	return ok ? 0 : -1;
}

int
sign_file(EVP_PKEY *k, const char *file, const char *sigpath, char *err,
    size_t errlen)
{
	EVP_MD_CTX	*ctx;
	struct afile	*af;
	unsigned char	 sig[SIG_MAX];
	size_t		 len = sizeof(sig);
	int		 rv = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, sign_digest(k), NULL, NULL, k,
	    NULL) != 1) {
		ossl_error(err, errlen, "sign");
		goto out;
	}
	if (feed(ctx, file, 0) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (EVP_DigestSignFinal(ctx, sig, &len) != 1) {
		ossl_error(err, errlen, "sign");
		goto out;
	}
	if ((af = afile_open(sigpath)) == NULL ||
	    fwrite(sig, 1, len, afile_fp(af)) != len) {
		snprintf(err, errlen, "%s: %s", sigpath, strerror(errno));
		afile_abort(af);
		goto out;
	}
	if (afile_commit(af) == -1) {
		snprintf(err, errlen, "%s: %s", sigpath, strerror(errno));
		goto out;
	}
	rv = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rv;
}

int
sign_verify(EVP_PKEY *k, const char *file, const char *sigpath, char *err,
    size_t errlen)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 sig[SIG_MAX];
	size_t		 len;
	FILE		*fp;
	int		 rv = -1;

	if ((fp = fopen(sigpath, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", sigpath, strerror(errno));
		return -1;
	}
	len = fread(sig, 1, sizeof(sig), fp);
	fclose(fp);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(ctx, NULL, sign_digest(k), NULL, NULL, k,
	    NULL) != 1) {
		ossl_error(err, errlen, "verify");
		goto out;
	}
	if (feed(ctx, file, 1) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	rv = EVP_DigestVerifyFinal(ctx, sig, len) == 1 ? 1 : 0;
	ERR_clear_error();
out:
	EVP_MD_CTX_free(ctx);
	return rv;
}
