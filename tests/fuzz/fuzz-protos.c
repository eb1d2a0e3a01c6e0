/*
 * libFuzzer harness for the custom protocols checker (collector/protos.c).
 * Whatever the text, it is refused with file:line, or what it gives nDPI
 * is definitions alone, one a line, which the checker takes again
 * unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protos.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*out, *again, err[512];
	size_t	 len, len2;

	if (protos_parse((const char *)data, size, "p.txt", &out, &len, err,
	    sizeof(err)) == -1) {
		if (strncmp(err, "p.txt:", 6) != 0)
			abort();
		return 0;
	}
	if (len > 0 && (out[len - 1] != '\n' || memchr(out, '\r', len) !=
	    NULL || memchr(out, ' ', len) != NULL || memchr(out, '#', len) !=
	    NULL))
		abort();
	if (protos_parse(out, len, "q.txt", &again, &len2, err,
	    sizeof(err)) == -1 || len2 != len || memcmp(out, again, len) != 0)
		abort();
	free(again);
	free(out);
	return 0;
}
