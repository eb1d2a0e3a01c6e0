/*
 * libFuzzer harness for the configuration reader.  The input is the text
 * of a configuration file (read through a memory file, as conf_load()
 * takes a path).  Whatever the text, the reader must load it or say what
 * is wrong, beginning with the file it is in: the input's, or one it
 * includes (an include of "1" beside /proc/self/fd/N reads the fuzzer's
 * own output, whose errors name that file).
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c;
	char		 path[64], err[CONF_ERR_MAX];
	int		 fd;

	if ((fd = memfd_create("zw-conf", 0)) == -1)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	c = conf_load(path, err, sizeof(err));
	/* Every error names its file, and every file is named whole. */
	if (c == NULL && (err[0] != '/' || strstr(err, ": ") == NULL))
		abort();
	conf_free(c);
	close(fd);
	return 0;
}
