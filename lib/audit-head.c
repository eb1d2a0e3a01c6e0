/*
 * The audit trail's head as the web UI publishes it beside the
 * administrators' store (admin/audit-head, mode 0640): read by the
 * daemons that send it out of the box (the collector to syslog, the
 * subagent to SNMP), which cannot open the store.  It is a copy for them
 * to pass on, checked by its form only; zwctl audit verify --anchor is
 * what checks a head against the trail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "audit.h"

int
audit_head_path(const char *admin_path, char *out, size_t len)
{
	return afile_beside(admin_path, "audit-head", out, len);
}

int
audit_head_read(const char *admin_path, int64_t *id,
    char hash[AUDIT_HASH_HEX + 1])
{
	char		 path[4096], h[AUDIT_HASH_HEX + 1], *buf;
	const char	*why;
	long long	 n;
	size_t		 len, i;

	*id = 0;
	hash[0] = '\0';
	if (audit_head_path(admin_path, path, sizeof(path)) == -1)
		return -1;
	if (afile_read(path, 128, &buf, &len, &why) == -1)
		return errno == ENOENT ? 0 : -1;
	if (sscanf(buf, "%lld %64s", &n, h) != 2 || n < 0 ||
	    strlen(h) != AUDIT_HASH_HEX) {
		free(buf);
		return -1;
	}
	free(buf);
	for (i = 0; i < AUDIT_HASH_HEX; i++)
		if (strchr("0123456789abcdef", h[i]) == NULL)
			return -1;
	*id = n;
	memcpy(hash, h, sizeof(h));
	return 0;
}
