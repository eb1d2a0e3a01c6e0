/*
 * zwctl status, version, backup and restore: the appliance as a whole.
 *
 * A backup is a directory: the store copied with SQLite's online backup
 * (a consistent snapshot while the collector writes), the configuration
 * files, the RRDs (each read under the lock librrd takes to write it),
 * the report key and the web UI's certificate, and a MANIFEST naming
 * where each came from.  Restore puts them back where the manifest says,
 * once the daemons are stopped.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
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

static const char *const daemons[] = {
	"zw-collector", "zw-poller", "zw-webui", "zw-agentx", NULL
};

/* The pid of a running program of that name, or 0. */
static long
running(const char *name, uid_t *uid)
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
	char		 buf[64];
	const char	*const *d;
	long		 pid;
	uid_t		 uid;
	int		 down = 0;

	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	for (d = daemons; *d != NULL; d++) {
		if ((pid = running(*d, &uid)) != 0)
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
	return down ? ZWCTL_FAILED : 0;
}

int
zwctl_version(struct zwctl *ctx, int argc, char **argv)
{
	printf("zonewatch %s, store schema %d, enterprise %d\n", ZW_VERSION,
	    STORE_SCHEMA_VERSION, ZW_ENTERPRISE);
	return 0;
}

/* Backup and restore ------------------------------------------------------ */

/* A file copied whole, written beside its name and renamed. */
static int
copy_file(const char *from, const char *to, int lock)
{
	char		 tmp[PATH_MAX + 8], buf[65536];
	ssize_t		 n;
	struct stat	 sb;
	struct flock	 fl;
	int		 in, out, rv = -1;

	if ((in = open(from, O_RDONLY)) == -1)
		return -1;
	/* librrd takes a write lock on a file it updates: wait for it. */
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	if ((lock && fcntl(in, F_SETLKW, &fl) == -1) || fstat(in, &sb) == -1) {
		close(in);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, sb.st_mode &
	    07777)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n == 0 && fsync(out) == 0 && close(out) == 0 &&
	    rename(tmp, to) == 0)
		rv = 0;
	else {
		close(out);
		unlink(tmp);
	}
	close(in);
	return rv;
}

/* SQLite's online backup: a consistent copy while others write. */
static int
copy_db(const char *from, const char *to)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	int		 rc = SQLITE_ERROR;

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_open(to, &dst) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(src, 5000);
	sqlite3_busy_timeout(dst, 5000);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		goto out;
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK ||
	    rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		if (rc != SQLITE_OK)
			sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = sqlite3_errcode(dst);
out:
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		log_warnx("%s -> %s: %s", from, to, dst ? sqlite3_errmsg(dst) :
		    "cannot open");
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : -1;
}

struct manifest {
	FILE	*fp;
	char	 dir[PATH_MAX];
	int	 n, failed;
};

/* Copies an original into the backup as name, and notes where it was. */
static void
keep(struct manifest *m, const char *kind, const char *original,
    const char *name, int lock)
{
	char	 to[PATH_MAX * 2];

	if (access(original, R_OK) == -1)
		return;
	snprintf(to, sizeof(to), "%s/%s", m->dir, name);
	if (strchr(name, '/') != NULL)
		(void)afile_mkdirs(to);
	if (copy_file(original, to, lock) == -1) {
		log_warn("%s", original);
		m->failed++;
		return;
	}
	fprintf(m->fp, "%s\t%s\t%s\n", kind, name, original);
	m->n++;
}

static void
keep_tree(struct manifest *m, const char *top, const char *rel)
{
	char		 path[PATH_MAX], name[PATH_MAX];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" :
		    "", de->d_name) >= (int)sizeof(name) || snprintf(path,
		    sizeof(path), "%s/%s", top, name) >= (int)sizeof(path) ||
		    stat(path, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode))
			keep_tree(m, top, name);
		else if (S_ISREG(sb.st_mode) && strstr(name, ".tmp") == NULL) {
			char as[PATH_MAX + 8];

			snprintf(as, sizeof(as), "rrd/%s", name);
			keep(m, "rrd", path, as, 1);
		}
	}
	closedir(d);
}

int
zwctl_backup(struct zwctl *ctx, int argc, char **argv)
{
	struct manifest	 m;
	struct conf	*c;
	struct store	*s;
	char		 path[PATH_MAX + 16], name[PATH_MAX];
	size_t		 i;

	if (argc != 1) {
		fprintf(stderr, "usage: zwctl backup DIR\n");
		return ZWCTL_USAGE;
	}
	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	memset(&m, 0, sizeof(m));
	snprintf(m.dir, sizeof(m.dir), "%s", argv[0]);
	if (mkdir(m.dir, 0700) == -1) {
		log_warn("%s (a backup goes into a new directory)", m.dir);
		return ZWCTL_FAILED;
	}
	snprintf(path, sizeof(path), "%s/MANIFEST", m.dir);
	if ((m.fp = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return ZWCTL_FAILED;
	}
	fprintf(m.fp, "# zonewatch %s backup, %lld\n", ZW_VERSION,
	    (long long)time(NULL));
	snprintf(path, sizeof(path), "%s/events.db", m.dir);
	if (access(c->store_path, R_OK) == 0) {
		if (copy_db(c->store_path, path) == 0) {
			fprintf(m.fp, "store\tevents.db\t%s\n", c->store_path);
			m.n++;
		} else
			m.failed++;
	}
	for (i = 0; i < c->files.n; i++) {
		snprintf(name, sizeof(name), "etc/%zu-%s", i,
		    strrchr(c->files.v[i], '/') ? strrchr(c->files.v[i], '/')
		    + 1 : c->files.v[i]);
		keep(&m, "config", c->files.v[i], name, 0);
	}
	keep(&m, "key", c->report_key, "keys/report-key.pem", 0);
	keep(&m, "key", c->webui_cert, "keys/webui.crt", 0);
	keep(&m, "key", c->webui_key, "keys/webui.key", 0);
	keep_tree(&m, c->rrd_dir, "");
	fclose(m.fp);
	if ((s = zwctl_store(ctx, 0)) != NULL) {
		audit_log(s, getlogin() ? getlogin() : "root", "sysadmin",
		    "console", "backup", m.dir, m.failed ? "failed" : "ok",
		    "%d files", m.n);
		store_close(s);
	}
	printf("%d files backed up into %s%s\n", m.n, m.dir, m.failed ?
	    ", some failed" : "");
	return m.failed ? ZWCTL_FAILED : 0;
}

int
zwctl_restore(struct zwctl *ctx, int argc, char **argv)
{
	const char *const *d;
	struct store	*s;
	char		 line[PATH_MAX * 3], from[PATH_MAX * 2], *kind, *name;
	char		 *original, *save;
	FILE		*fp;
	uid_t		 uid;
	int		 n = 0, failed = 0, force = argc == 2 &&
			    strcmp(argv[1], "--force") == 0;

	if (argc != 1 && !force) {
		fprintf(stderr, "usage: zwctl restore DIR [--force]\n");
		return ZWCTL_USAGE;
	}
	for (d = daemons; *d != NULL && !force; d++)
		if (running(*d, &uid) != 0) {
			log_warnx("%s is running: stop the appliance first "
			    "(systemctl stop 'zonewatch-*')", *d);
			return ZWCTL_FAILED;
		}
	snprintf(from, sizeof(from), "%s/MANIFEST", argv[0]);
	if ((fp = fopen(from, "r")) == NULL) {
		log_warn("%s", from);
		return ZWCTL_FAILED;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (kind = strtok_r(line, "\t", &save)) ==
		    NULL || (name = strtok_r(NULL, "\t", &save)) == NULL ||
		    (original = strtok_r(NULL, "\t", &save)) == NULL ||
		    strstr(name, "..") != NULL)
			continue;
		snprintf(from, sizeof(from), "%s/%s", argv[0], name);
		if (strcmp(kind, "store") == 0) {
			/* Into the store in place, in one transaction. */
			if (copy_db(from, original) == -1)
				failed++;
			else
				n++;
			continue;
		}
		if (strchr(original, '/') != NULL)
			(void)afile_mkdirs(original);
		if (copy_file(from, original, 0) == -1) {
			log_warn("%s", original);
			failed++;
		} else
			n++;
	}
	fclose(fp);
	if ((s = zwctl_store(ctx, 0)) != NULL) {
		audit_log(s, getlogin() ? getlogin() : "root", "sysadmin",
		    "console", "restore", argv[0], failed ? "failed" : "ok",
		    "%d files", n);
		store_close(s);
	}
	printf("%d files restored from %s%s\n", n, argv[0], failed ?
	    ", some failed" : "");
	return failed ? ZWCTL_FAILED : 0;
}
