/*
 * zwctl status and version: the appliance as a whole.  Backup and
 * restore are in backup.c.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "afile.h"
#include "audit.h"
#include "log.h"
#include "store.h"
#include "zwctl.h"

const char *const zwctl_daemons[] = {
	"zw-collector", "zw-poller", "zw-webui", "zw-agentx", NULL
};

long
zwctl_running(const char *name, uid_t *uid)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[64], comm[64], line[256];
	FILE		*fp;
	long		 pid = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (pid == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/comm", de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), fp) != NULL &&
		    strncmp(comm, name, strlen(name)) == 0 &&
		    comm[strlen(name)] == '\n')
			pid = strtol(de->d_name, NULL, 10);
		fclose(fp);
	}
	closedir(d);
	*uid = 0;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (pid != 0 && (fp = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "Uid:", 4) == 0)
				*uid = (uid_t)strtoul(line + 4, NULL, 10);
		fclose(fp);
	}
	return pid;
}

/*
 * A process, not this one, that has the file open: its pid and name in
 * comm, or 0.  By the file itself (device and inode, through
 * /proc/PID/fd), not by a process's name: a collector of another
 * appliance, or of a test, reading its own store is not this one's.
 */
long
zwctl_holder(const char *path, char *comm, size_t commlen)
{
	struct dirent	*de, *fe;
	struct stat	 want, sb;
	DIR		*d, *fds;
	char		 fdpath[64 + NAME_MAX + 2], dir[64];
	FILE		*fp;
	long		 pid = 0, self = (long)getpid();

	if (stat(path, &want) == -1 || (d = opendir("/proc")) == NULL)
		return 0;
	while (pid == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    strtol(de->d_name, NULL, 10) == self)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%.16s/fd", de->d_name);
		if ((fds = opendir(dir)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			snprintf(fdpath, sizeof(fdpath), "%s/%s", dir,
			    fe->d_name);
			if (fe->d_name[0] != '.' && stat(fdpath, &sb) == 0 &&
			    sb.st_dev == want.st_dev &&
			    sb.st_ino == want.st_ino) {
				pid = strtol(de->d_name, NULL, 10);
				break;
			}
		}
		closedir(fds);
	}
	closedir(d);
	comm[0] = '\0';
	snprintf(dir, sizeof(dir), "/proc/%ld/comm", pid);
	if (pid != 0 && (fp = fopen(dir, "r")) != NULL) {
		if (fgets(comm, (int)commlen, fp) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	return pid;
}

static const char *
age(const char *path, char *buf, size_t len)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1)
		return "none";
	snprintf(buf, len, "%lld s old", (long long)(time(NULL) - sb.st_mtime));
	return buf;
}

/* Whether something accepts TCP connections at "host:port". */
static int
listening(const char *addr)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	int		 fd, ok = 0;

	snprintf(host, sizeof(host), "%s", addr);
	if ((port = strrchr(host, ':')) == NULL)
		return 0;
	*port++ = '\0';
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0)
		strcpy(host, "127.0.0.1");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return 0;
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) != -1) {
		ok = connect(fd, res->ai_addr, res->ai_addrlen) == 0;
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

int
zwctl_status(struct zwctl *ctx, int argc, char **argv)
{
	struct conf	*c;
	char		 buf[64], admin[PATH_MAX];
	const char	*const *d;
	long		 pid;
	uid_t		 uid;
	int		 down = 0;

	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	for (d = zwctl_daemons; *d != NULL; d++) {
		if ((pid = zwctl_running(*d, &uid)) != 0)
			printf("%-13s running, pid %ld, uid %u\n", *d, pid,
			    (unsigned)uid);
		else {
			printf("%-13s not running\n", *d);
			down++;
		}
	}
	printf("%-13s %s (%s)\n", "status", c->status_path,
	    age(c->status_path, buf, sizeof(buf)));
	printf("%-13s %s (%s)\n", "poller", c->poller_status_path,
	    age(c->poller_status_path, buf, sizeof(buf)));
	printf("%-13s %s %s\n", "web UI", c->webui_listen,
	    listening(c->webui_listen) ? "listening" : "not listening");
	printf("%-13s %s (%s)\n", "store", c->store_path,
	    age(c->store_path, buf, sizeof(buf)));
	if (conf_admin_path(c, NULL, admin, sizeof(admin)) == 0)
		printf("%-13s %s (%s)\n", "admin store", admin,
		    age(admin, buf, sizeof(buf)));
	return down ? ZWCTL_FAILED : 0;
}

int
zwctl_version(struct zwctl *ctx, int argc, char **argv)
{
	printf("zonewatch %s, store schema %d, administrators' store schema "
	    "%d, enterprise %d\n", ZW_VERSION, STORE_SCHEMA_VERSION,
	    STORE_ADMIN_SCHEMA_VERSION, ZW_ENTERPRISE);
	return 0;
}
