/*
 * Custom applications (signatures/protos.txt, nDPI's protocol file
 * format), checked line by line before nDPI is given them.
 */
#ifndef ZW_PROTOS_H
#define ZW_PROTOS_H

#include <stddef.h>

#define PROTOS_MAX_FILE		(1u << 20)
#define PROTOS_MAX_LINE		1024
#define PROTOS_MAX_NAME		31
/*
 * nDPI 4.2 makes room for 229 applications of its own beyond those it
 * knows; a name it already has (HTTP, Netflix) takes none, but which
 * names those are is nDPI's business: every name counts here.
 */
#define PROTOS_MAX_APPS		200

/*
 * The checked definitions of text (len bytes, not terminated), one a
 * line as nDPI reads them: in *out (malloc'd, *outlen bytes), or -1
 * with "path:line: why" in err.
 */
int	protos_parse(const char *text, size_t len, const char *path,
	    char **out, size_t *outlen, char *err, size_t errlen);
/* The same for a file. */
int	protos_read(const char *path, char **out, size_t *outlen, char *err,
	    size_t errlen);

#endif
