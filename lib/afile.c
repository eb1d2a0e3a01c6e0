#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

struct afile {
	FILE	*fp;
	int	 dfd;		/* the directory it goes in, or -1 */
	char	*name;		/* its name there */
	char	*tmp;		/* the temporary's name there; NULL: in place */
	int	 close;		/* fp is ours (not stdout) */
	int	 slot;		/* in pending[], or -1 */
};

#define AFILE_HOPS	16	/* links followed for one name, as ELOOP's */

/*
 * The temporaries being written now, so that a program ending on a
 * signal (a capture that shrank: SIGBUS; zwctl told to stop) removes
 * them with unlinkat(2), which a signal handler may call.  A slot's
 * name is whole before it is marked used, and unmarked before it goes.
 */
#define AFILE_PENDING	32
static struct pending {
	_Atomic int	 used;
	int		 dfd;
	char		 name[NAME_MAX + 1];
} pending[AFILE_PENDING];
static pthread_mutex_t	 pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void
pending_add(struct afile *a)
{
	size_t	 i;

	a->slot = -1;
	if (strlen(a->tmp) > NAME_MAX)
		return;
	pthread_mutex_lock(&pending_lock);
	for (i = 0; i < AFILE_PENDING; i++)
		if (!atomic_load(&pending[i].used)) {
			pending[i].dfd = a->dfd;
			memcpy(pending[i].name, a->tmp, strlen(a->tmp) + 1);
			atomic_store(&pending[i].used, 1);
			a->slot = (int)i;
			break;
		}
	pthread_mutex_unlock(&pending_lock);
}

static void
pending_remove(struct afile *a)
{
	if (a->slot < 0)
		return;
	pthread_mutex_lock(&pending_lock);
	atomic_store(&pending[a->slot].used, 0);
	pthread_mutex_unlock(&pending_lock);
	a->slot = -1;
}

void
afile_unlink_pending(void)
{
	size_t	 i;

	for (i = 0; i < AFILE_PENDING; i++)
		if (atomic_load(&pending[i].used))
			(void)unlinkat(pending[i].dfd, pending[i].name, 0);
}

static void
on_stop(int sig)
{
	afile_unlink_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
afile_clean_on_stop(void)
{
	struct sigaction	 sa;
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * A directory whose entries only root and this process's user can
 * change: a link in it was planted by one of them.  A link anywhere else
 * (the state directory of a daemon's account, seen by root) is never
 * followed: root would otherwise write wherever that account points it.
 */
static int
trusted(int dfd)
{
	struct stat	 sb;

	return fstat(dfd, &sb) == 0 && (sb.st_uid == 0 ||
	    sb.st_uid == geteuid()) && (sb.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * The directory that holds path's last component, opened a component at
 * a time with O_NOFOLLOW; a link on the way is followed only where it
 * lies in a trusted directory.  With make, missing directories are made
 * (mode 0750).  The last component is copied to name.
 */
/*
 * Root's new entry in a daemon's directory is the daemon's: the
 * directory's owner unless that is root, and its group.  The entry
 * itself, never what a link in its place points to.
 */
static void
own_like(int dfd, const char *name)
{
	struct stat	 sb;

	if (fstat(dfd, &sb) == 0 && fchownat(dfd, name, sb.st_uid != 0 ?
	    sb.st_uid : (uid_t)-1, sb.st_gid, AT_SYMLINK_NOFOLLOW) == -1) {
		/* the daemons will say what they cannot open */
	}
}

static int
open_parent(const char *path, int make, char *name, size_t namelen)
{
	char	 work[2 * PATH_MAX], target[PATH_MAX], rest[2 * PATH_MAX];
	char	*comp, *next;
	int	 dfd, fd, hops = 0;
	ssize_t	 n;

	if (snprintf(work, sizeof(work), "%s", path) >= (int)sizeof(work)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open(work[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	comp = work;
	for (;;) {
		while (*comp == '/')
			comp++;
		if ((next = strchr(comp, '/')) == NULL)
			break;
		*next++ = '\0';
		while (*next == '/')
			next++;
		if (*next == '\0')	/* "dir/": the name is the directory */
			break;
		if (*comp == '\0' || strcmp(comp, ".") == 0) {
			comp = next;
			continue;
		}
		if (make && mkdirat(dfd, comp, 0750) == -1) {
			if (errno != EEXIST)
				goto fail;
		} else if (make && geteuid() == 0)
			own_like(dfd, comp);
		fd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1) {
			close(dfd);
			dfd = fd;
			comp = next;
			continue;
		}
		if ((errno != ELOOP && errno != ENOTDIR) ||
		    (n = readlinkat(dfd, comp, target, sizeof(target) - 1)) == -1)
			goto fail;
		target[n] = '\0';
		if (!trusted(dfd) || ++hops > AFILE_HOPS) {
			errno = ELOOP;
			goto fail;
		}
		/* The link's target, then what was left, walked the same way. */
		if (snprintf(rest, sizeof(rest), "%s/%s", target, next) >=
		    (int)sizeof(rest)) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(work, rest, strlen(rest) + 1);
		comp = work;
		if (target[0] == '/') {
			close(dfd);
			if ((dfd = open("/", O_PATH | O_DIRECTORY |
			    O_CLOEXEC)) == -1)
				return -1;
		}
	}
	if (*comp == '\0' || snprintf(name, namelen, "%s", comp) >=
	    (int)namelen) {
		errno = *comp == '\0' ? EISDIR : ENAMETOOLONG;
		goto fail;
	}
	return dfd;
fail:
	n = errno;
	close(dfd);
	errno = (int)n;
	return -1;
}

/*
 * A name that is not a regular file (/dev/stdout, a terminal, a FIFO) is
 * written to in place, as "-" is: renaming over it would put a file where
 * the device was.
 */
static int
open_in_place(struct afile *a, int dfd, const char *name, int follow)
{
	int	 fd, fl;

	/* A FIFO with no reader: ENXIO at once rather than a wait. */
	if ((fd = openat(dfd, name, O_WRONLY | O_NONBLOCK | O_CLOEXEC |
	    (follow ? 0 : O_NOFOLLOW))) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    (a->fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	a->close = 1;
	return 0;
}

/* NAME.tmp.XXXXXX, made new (O_EXCL), never through a link. */
static int
open_temporary(struct afile *a)
{
	static const char	 alnum[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 r[6];
	size_t			 len = strlen(a->name), i;
	int			 tries, fd, rfd;

	if ((a->tmp = malloc(len + sizeof(".tmp.XXXXXX"))) == NULL)
		return -1;
	for (tries = 0; tries < 100; tries++) {
		if ((rfd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		if (read(rfd, r, sizeof(r)) != (ssize_t)sizeof(r)) {
			close(rfd);
			errno = EIO;
			return -1;
		}
		close(rfd);
		memcpy(a->tmp, a->name, len);
		memcpy(a->tmp + len, ".tmp.", 5);
		for (i = 0; i < sizeof(r); i++)
			a->tmp[len + 5 + i] = alnum[r[i] % (sizeof(alnum) - 1)];
		a->tmp[len + 5 + sizeof(r)] = '\0';
		fd = openat(a->dfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1) {
			/* The mode is set, never taken from a umask or a file. */
			if (fchmod(fd, 0600) == -1 ||
			    (a->fp = fdopen(fd, "w")) == NULL) {
				close(fd);
				unlinkat(a->dfd, a->tmp, 0);
				return -1;
			}
			pending_add(a);
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static void
afile_free(struct afile *a)
{
	pending_remove(a);
	if (a->dfd != -1)
		close(a->dfd);
	free(a->tmp);
	free(a->name);
	free(a);
}

static struct afile *
open_at(const char *path, int hops)
{
	struct afile	*a;
	struct stat	 sb, tsb;
	char		 name[NAME_MAX + 1], target[PATH_MAX], *next, *slash;
	ssize_t		 n;
	int		 saved;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->dfd = -1;
	a->slot = -1;
	if (strcmp(path, "-") == 0) {
		a->fp = stdout;
		return a;
	}
	if ((a->dfd = open_parent(path, 0, name, sizeof(name))) == -1 ||
	    (a->name = strdup(name)) == NULL)
		goto fail;
	if (fstatat(a->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			/* Followed only where root or we could have made it. */
			if (!trusted(a->dfd) || hops >= AFILE_HOPS ||
			    (n = readlinkat(a->dfd, name, target,
			    sizeof(target) - 1)) == -1) {
				if (errno == 0 || !trusted(a->dfd) ||
				    hops >= AFILE_HOPS)
					errno = ELOOP;
				goto fail;
			}
			target[n] = '\0';
			/*
			 * A trusted link to a device, a FIFO or a pipe (the
			 * magic links of /proc/self/fd, whose targets are not
			 * names) is written through, in place.
			 */
			if (fstatat(a->dfd, name, &tsb, 0) == 0 &&
			    !S_ISREG(tsb.st_mode) && !S_ISDIR(tsb.st_mode)) {
				if (open_in_place(a, a->dfd, name, 1) == -1)
					goto fail;
				return a;
			}
			if (target[0] == '/')
				next = strdup(target);
			else if ((slash = strrchr(path, '/')) == NULL)
				next = strdup(target);
			else if (asprintf(&next, "%.*s/%s", (int)(slash - path),
			    path, target) == -1)
				next = NULL;
			if (next == NULL)
				goto fail;
			afile_free(a);
			a = open_at(next, hops + 1);
			saved = errno;
			free(next);
			errno = saved;
			return a;
		}
		if (S_ISDIR(sb.st_mode)) {
			errno = EISDIR;
			goto fail;
		}
		if (!S_ISREG(sb.st_mode)) {
			if (open_in_place(a, a->dfd, name, 0) == -1)
				goto fail;
			return a;
		}
	} else if (errno != ENOENT || hops > 0)
		goto fail;	/* a link to nothing is not made into a file */
	if (open_temporary(a) == -1)
		goto fail;
	return a;
fail:
	saved = errno;
	afile_free(a);
	errno = saved;
	return NULL;
}

struct afile *
afile_open(const char *path)
{
	return open_at(path, 0);
}

FILE *
afile_fp(struct afile *a)
{
	return a->fp;
}

int
afile_mode(struct afile *a, mode_t mode)
{
	if (a->tmp == NULL)
		return 0;	/* in place: what it is stays */
	return fchmod(fileno(a->fp), mode & 0777);
}

int
afile_commit(struct afile *a)
{
	int	 rv = 0, saved;

	if (a->tmp == NULL) {
		rv = fflush(a->fp) == EOF || ferror(a->fp) ? -1 : 0;
		saved = errno;
		if (a->close && fclose(a->fp) == EOF && rv == 0) {
			rv = -1;
			saved = errno;
		}
		afile_free(a);
		errno = saved;
		return rv;
	}
	if (fflush(a->fp) == EOF || ferror(a->fp) || fsync(fileno(a->fp)) == -1)
		rv = -1;
	saved = errno;
	if (fclose(a->fp) == EOF && rv == 0) {
		rv = -1;
		saved = errno;
	}
	/* Both names in the one directory opened: no link between. */
	if (rv == 0 && renameat(a->dfd, a->tmp, a->dfd, a->name) == -1) {
		rv = -1;
		saved = errno;
	}
	if (rv == -1)
		unlinkat(a->dfd, a->tmp, 0);
	afile_free(a);
	errno = saved;
	return rv;
}

void
afile_abort(struct afile *a)
{
	if (a == NULL)
		return;
	if (a->tmp != NULL) {
		if (a->fp != NULL)
			fclose(a->fp);
		unlinkat(a->dfd, a->tmp, 0);
	} else if (a->close)
		fclose(a->fp);
	afile_free(a);
}

int
afile_open_dir(const char *path, char *name, size_t namelen)
{
	return open_parent(path, 0, name, namelen);
}

void
afile_own_like_dir(const char *path)
{
	char		 name[NAME_MAX + 1];
	int		 dfd;

	if (geteuid() != 0 ||
	    (dfd = open_parent(path, 0, name, sizeof(name))) == -1)
		return;
	/* Root's /etc/zonewatch of group zonewatch, the daemons' state. */
	own_like(dfd, name);
	close(dfd);
}

int
afile_beside(const char *path, const char *name, char *out, size_t len)
{
	const char	*slash = strrchr(path, '/');
	int		 n;

	if (slash == NULL)
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - path), path,
		    name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
afile_mkdirs(const char *path)
{
	char	 name[NAME_MAX + 1];
	int	 dfd;

	if ((dfd = open_parent(path, 1, name, sizeof(name))) == -1)
		return -1;
	close(dfd);
	return 0;
}

int
afile_read(const char *path, size_t max, char **buf, size_t *len,
    const char **why)
{
	struct stat	 st;
	FILE		*fp;
	char		*b;
	size_t		 n;

	*buf = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		*why = strerror(errno);
		return -1;
	}
	/* A device or a pipe could block or never end. */
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		fclose(fp);
		return -1;
	}
	if ((b = malloc(max + 1)) == NULL) {
		*why = strerror(errno);
		fclose(fp);
		return -1;
	}
	/* One byte more than allowed tells a file that is too large. */
	n = fread(b, 1, max + 1, fp);
	if (ferror(fp) || n > max) {
		if (!ferror(fp))
			errno = EFBIG;
		*why = strerror(errno);
		fclose(fp);
		free(b);
		return -1;
	}
	fclose(fp);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}
