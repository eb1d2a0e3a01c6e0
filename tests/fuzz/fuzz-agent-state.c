/*
 * libFuzzer harness for what the SNMP subagent reads: the input is taken
 * as the collector's status snapshot and as the poller's, through a
 * memory file.  Whatever the bytes, the reader fills the state or says
 * why not, and the MIB rows built from it stay within their types.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-state.h"
#include "conf.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct conf *
demo(void)
{
	static struct conf	*c;
	char			 err[CONF_ERR_MAX];

	if (c == NULL) {
		log_init("fuzz", LOG_TO_STDERR);
		log_setverbose(-1);
		if ((c = conf_load("conf/zonewatch.conf", err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "%s (run from the top)\n", err);
			abort();
		}
	}
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_state	*st;
	char			 path[64];
	size_t			 i;
	int			 fd;

	if ((st = agent_state_new(demo())) == NULL)
		return 0;
	if ((fd = memfd_create("zw-status", 0)) == -1 ||
	    write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	st->now = 1767225600;
	agent_state_read_status(st, path);
	agent_state_read_poller(st, path);
	if (st->nreasons > AGENT_MAX_REASONS || st->npairs >
	    (demo()->zones.n + 1) * (demo()->zones.n + 1) ||
	    st->devices_up > st->devices)
		abort();
	for (i = 0; i < st->npairs; i++)
		if (st->pairs[i].from < 0 || (size_t)st->pairs[i].from >
		    demo()->zones.n || st->pairs[i].to < 0 ||
		    (size_t)st->pairs[i].to > demo()->zones.n)
			abort();
out:
	if (fd != -1)
		close(fd);
	agent_state_free(st);
	return 0;
}
