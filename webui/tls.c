/*
 * TLS for the web UI: TLS 1.2 and 1.3 only, forward-secret AEAD suites
 * (RFC 7525 recommendations), no renegotiation, no compression.  A
 * self-signed certificate (EC P-256, ten years, for the host's name,
 * localhost and 127.0.0.1) is made at first start when none exists.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "afile.h"
#include "log.h"
#include "tls.h"

/* Written whole or not at all (lib/afile.c), with its mode from the start. */
static int
write_pem(const char *path, int mode, EVP_PKEY *key, X509 *cert)
{
	struct afile	*af;
	FILE		*fp;
	int		 ok;

	if ((af = afile_open(path)) == NULL)
		return -1;
	fp = afile_fp(af);
	ok = fchmod(fileno(fp), (mode_t)mode) == 0 && (key != NULL ?
	    PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_X509(fp, cert));
	if (!ok) {
		afile_abort(af);
		return -1;
	}
	if (afile_commit(af) == -1)
		return -1;
	/* Made by root before the drop: the web UI's account's, as its dir. */
	afile_own_like_dir(path);
	return 0;
}

static int
add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int
make_self_signed(const char *cert_path, const char *key_path)
{
	EVP_PKEY	*key;
	X509		*cert;
	X509_NAME	*name;
	char		 host[256], san[512];
	unsigned char	 serial[16];
	BIGNUM		*bn;
	int		 rv = -1;

	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "zonewatch");
	host[sizeof(host) - 1] = '\0';
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		return -1;
	if ((cert = X509_new()) == NULL)
		goto out;
	X509_set_version(cert, 2);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 366 * 86400);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)"zonewatch", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, -1, -1, 0);
	X509_set_issuer_name(cert, name);
	snprintf(san, sizeof(san), "DNS:%s,DNS:localhost,IP:127.0.0.1,"
	    "IP:::1", host);
	if (add_ext(cert, NID_subject_alt_name, san) == -1 ||
	    add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(cert, NID_ext_key_usage, "serverAuth") == -1 ||
	    !X509_sign(cert, key, EVP_sha256()))
		goto out;
	if (write_pem(key_path, 0600, key, NULL) == -1 ||
	    write_pem(cert_path, 0644, NULL, cert) == -1)
		goto out;
	log_info("made a self-signed certificate for %s: %s", host,
	    cert_path);
	rv = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rv;
}

SSL_CTX *
tls_context(const char *cert, const char *key, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	unsigned long	 e;

	if (access(cert, R_OK) == -1 && access(key, R_OK) == -1 &&
	    errno == ENOENT && make_self_signed(cert, key) == -1) {
		snprintf(err, errlen, "%s: cannot make a certificate", cert);
		return NULL;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx,
	    "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!SHA1") ||
	    !SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384"))
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_TICKET);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	return ctx;
fail:
	e = ERR_get_error();
	snprintf(err, errlen, "tls %s: %s", cert, e ?
	    ERR_error_string(e, NULL) : "cannot set up");
	SSL_CTX_free(ctx);
	return NULL;
}
