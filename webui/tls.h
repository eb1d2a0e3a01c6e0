#ifndef ZW_TLS_H
#define ZW_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* The server's context; makes a self-signed pair when neither exists. */
SSL_CTX	*tls_context(const char *cert, const char *key, char *err,
	    size_t errlen);

#endif
