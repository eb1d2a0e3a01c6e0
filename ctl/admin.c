/*
 * zwctl status, version, backup and restore: the appliance as a whole.
 *
 * A backup is a directory: the store copied with SQLite's online backup
 * (a consistent snapshot while the collector writes), the configuration
 * files, the RRDs (each read under the lock librrd takes to write it),
 * the report key and the web UI's certificate, and a MANIFEST naming
 * where each came from.  Restore puts them back, once the daemons are
 * stopped.  A backup may have lain anywhere: the manifest is read whole
 * and checked before anything is written, and it chooses no place
 * outside the appliance's own.  A configuration file goes back where it
 * was if the configuration names it or it is in the configuration's
 * directory; the store, keys and RRDs go where the configuration, as
 * restored, puts them.
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

/*
 * What a backup holds, a row each: its kind in the manifest, its name
 * in the backup (a prefix for a tree), and the configuration's setting
 * that names its place (none for the configuration files themselves).
 */
static const struct {
	const char	*kind;
	const char	*name;
	int		 tree;		/* name is a directory's prefix */
	ssize_t		 place;		/* offsetof struct conf; -1: none */
} holds[] = {
	{ "config",	"etc/",			1, -1 },
	{ "store",	"events.db",		0, offsetof(struct conf, store_path) },
	{ "key",	"keys/report-key.pem",	0, offsetof(struct conf, report_key) },
	{ "key",	"keys/webui.crt",	0, offsetof(struct conf, webui_cert) },
	{ "key",	"keys/webui.key",	0, offsetof(struct conf, webui_key) },
	{ "rrd",	"rrd/",			1, offsetof(struct conf, rrd_dir) },
};
#define NHOLDS		(sizeof(holds) / sizeof(holds[0]))

/* The setting of row k in the configuration c. */
static const char *
held_place(const struct conf *c, size_t k)
{
	return (const char *)c + holds[k].place;
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
	if (c->protos_path[0] != '\0')
		keep(&m, "config", c->protos_path, "etc/protos.txt", 0);
	for (i = 0; i < NHOLDS; i++)
		if (strcmp(holds[i].kind, "key") == 0)
			keep(&m, "key", held_place(c, i), holds[i].name, 0);
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

#define RESTORE_MAX	100000		/* files in one backup */

struct restore_item {
	size_t	 hold;		/* its row of holds[] */
	char	*name;
	char	*original;
	int	 line;
};

static void
restore_free(struct restore_item *v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].name);
		free(v[i].original);
	}
	free(v);
}

/* A relative path without "." or ".." components, or an empty one. */
static int
plain_relative(const char *p)
{
	const char	*c = p;
	size_t		 len;

	if (*p == '\0' || *p == '/')
		return 0;
	for (;;) {
		len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (c[len] == '\0')
			return 1;
		c += len + 1;
	}
}

/* The line's three fields, checked; NULL if good, else why not. */
static const char *
restore_parse(char *line, const char *dir, struct restore_item *it)
{
	char		 src[PATH_MAX * 2], *f[3], *p = line;
	struct stat	 sb;
	size_t		 i, k;

	for (i = 0; i < 3; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	if (i != 2)
		return "not three fields separated by tabs";
	for (k = 0; k < NHOLDS; k++)
		if (strcmp(f[0], holds[k].kind) == 0 && (holds[k].tree ?
		    strncmp(f[1], holds[k].name, strlen(holds[k].name)) == 0 :
		    strcmp(f[1], holds[k].name) == 0))
			break;
	if (k == NHOLDS)
		return "an unknown kind, or a name not of its kind";
	if (!plain_relative(f[1]))
		return "the name is not a plain relative path";
	if (f[2][0] != '/')
		return "the original is not an absolute path";
	if (strlen(f[1]) >= PATH_MAX || strlen(f[2]) >= PATH_MAX)
		return "a field too long";
	snprintf(src, sizeof(src), "%s/%s", dir, f[1]);
	if (lstat(src, &sb) == -1 || !S_ISREG(sb.st_mode))
		return "the backup has no such file";
	it->hold = k;
	if ((it->name = strdup(f[1])) == NULL ||
	    (it->original = strdup(f[2])) == NULL) {
		free(it->name);
		return "out of memory";
	}
	return NULL;
}

/*
 * The manifest, whole; NULL after saying file:line what is wrong with
 * it, or that it cannot be read.
 */
static struct restore_item *
restore_read(const char *dir, size_t *n)
{
	struct restore_item	*v = NULL, *nv;
	char			 path[PATH_MAX * 2], line[PATH_MAX * 3];
	const char		*why = NULL;
	size_t			 cap = 0, len;
	int			 lineno = 0;
	FILE			*fp;

	*n = 0;
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	while (why == NULL && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(fp)) {
			why = "a line too long";
			break;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (*n == RESTORE_MAX) {
			why = "too many files";
			break;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				why = "out of memory";
				break;
			}
			v = nv;
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		v[*n].line = lineno;
		if ((why = restore_parse(line, dir, &v[*n])) == NULL)
			(*n)++;
	}
	if (why == NULL && ferror(fp))
		why = strerror(errno);
	fclose(fp);
	if (why != NULL) {
		log_warnx("%s:%d: %s", path, lineno, why);
		restore_free(v, *n);
		return NULL;
	}
	return v;
}

/* Whether path's directory is dir or below it, both resolved. */
static int
in_directory(const char *path, const char *dir)
{
	char	 pd[PATH_MAX], rp[PATH_MAX], rd[PATH_MAX], *slash;
	size_t	 len;

	snprintf(pd, sizeof(pd), "%s", path);
	if ((slash = strrchr(pd, '/')) == NULL)
		return 0;
	*slash = '\0';
	if (realpath(pd[0] ? pd : "/", rp) == NULL ||
	    realpath(dir, rd) == NULL)
		return 0;
	len = strlen(rd);
	return strncmp(rp, rd, len) == 0 && (rp[len] == '\0' ||
	    rp[len] == '/' || len == 1);
}

/* A configuration file's place: one the configuration names or beside it. */
static int
config_place(struct zwctl *ctx, const struct conf *c, const char *original)
{
	char	 dir[PATH_MAX], *slash;
	size_t	 i;

	for (i = 0; c != NULL && i < c->files.n; i++)
		if (strcmp(c->files.v[i], original) == 0)
			return 1;
	if (c != NULL && strcmp(c->protos_path, original) == 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s", ctx->config);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		*slash = '\0';
	return in_directory(original, dir[0] ? dir : "/");
}

/* Where the item goes, by the configuration as restored; NULL if nowhere. */
static const char *
restore_place(const struct conf *c, const struct restore_item *it,
    char *buf, size_t len)
{
	const char	*place;

	if (holds[it->hold].place < 0 ||
	    *(place = held_place(c, it->hold)) == '\0')
		return NULL;
	if (!holds[it->hold].tree)
		return place;
	if (snprintf(buf, len, "%s/%s", place, it->name +
	    strlen(holds[it->hold].name)) >= (int)len)
		return NULL;
	return buf;
}

/* Puts one file back; 0, or -1 having said why. */
static int
restore_one(const char *dir, const struct restore_item *it, const char *to)
{
	char	 from[PATH_MAX * 2];

	snprintf(from, sizeof(from), "%s/%s", dir, it->name);
	if (strcmp(holds[it->hold].kind, "store") == 0)
		/* Into the store in place, in one transaction. */
		return copy_db(from, to);
	if (strchr(to, '/') != NULL)
		(void)afile_mkdirs(to);
	if (copy_file(from, to, 0) == -1) {
		log_warn("%s", to);
		return -1;
	}
	return 0;
}

int
zwctl_restore(struct zwctl *ctx, int argc, char **argv)
{
	const char *const *d;
	struct restore_item	*v;
	struct store		*s;
	struct conf		*c;
	char			 buf[PATH_MAX * 2];
	const char		*to;
	size_t			 i, nitems;
	uid_t			 uid;
	int			 n = 0, failed = 0, force = argc == 2 &&
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
	if ((v = restore_read(argv[0], &nitems)) == NULL)
		return ZWCTL_FAILED;
	/* Nothing is written unless every configuration file has its place. */
	c = zwctl_conf(ctx, 0);
	for (i = 0; i < nitems; i++)
		if (holds[v[i].hold].place < 0 &&
		    !config_place(ctx, c, v[i].original)) {
			log_warnx("%s/MANIFEST:%d: %s is not a file of this "
			    "appliance's configuration", argv[0], v[i].line,
			    v[i].original);
			restore_free(v, nitems);
			return ZWCTL_FAILED;
		}
	for (i = 0; i < nitems; i++)
		if (holds[v[i].hold].place < 0) {
			if (restore_one(argv[0], &v[i], v[i].original) == 0)
				n++;
			else
				failed++;
		}
	/* The rest goes where the restored configuration says. */
	conf_free(ctx->conf);
	ctx->conf = NULL;
	if ((c = zwctl_conf(ctx, 1)) == NULL) {
		log_warnx("%s: the configuration as restored does not load; "
		    "the store, keys and RRDs are not restored", ctx->config);
		restore_free(v, nitems);
		return ZWCTL_FAILED;
	}
	for (i = 0; i < nitems; i++) {
		if (holds[v[i].hold].place < 0)
			continue;
		if ((to = restore_place(c, &v[i], buf, sizeof(buf))) == NULL) {
			log_warnx("%s/MANIFEST:%d: %s: the configuration names "
			    "no place for it", argv[0], v[i].line, v[i].name);
			failed++;
		} else if (restore_one(argv[0], &v[i], to) == 0)
			n++;
		else
			failed++;
	}
	restore_free(v, nitems);
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
