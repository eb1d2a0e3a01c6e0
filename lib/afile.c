#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

struct afile {
	FILE	*fp;
	char	*path;
	char	*tmp;		/* NULL: written in place */
	int	 close;		/* fp is ours (not stdout) */
};

/*
 * Only a regular file is replaced.  A name that leads to something else
 * (/dev/stdout, a terminal, a FIFO) is written to in place, as "-" is:
 * renaming over it would put a file where the device or the link was.
 * A link to a regular file has its target replaced, not the link.
 */
static int
open_in_place(struct afile *a, const char *path)
{
	int	 fd, fl;

	/* A FIFO with no reader: ENXIO at once rather than a wait. */
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
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

struct afile *
afile_open(const char *path)
{
	struct afile	*a;
	struct stat	 sb;
	int		 fd, saved;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0) {
		a->fp = stdout;
		return a;
	}
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			errno = EISDIR;
			goto fail;
		}
		if (!S_ISREG(sb.st_mode)) {
			if (open_in_place(a, path) == -1)
				goto fail;
			return a;
		}
		if ((a->path = realpath(path, NULL)) == NULL)
			goto fail;
	} else if (errno != ENOENT || lstat(path, &sb) == 0) {
		/* A link to nothing is not made into a file. */
		goto fail;
	}
	if ((a->path == NULL && (a->path = strdup(path)) == NULL) ||
	    asprintf(&a->tmp, "%s.tmp.XXXXXX", a->path) == -1) {
		a->tmp = NULL;
		goto fail;
	}
	if ((fd = mkstemp(a->tmp)) == -1)
		goto fail;
	if ((a->fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(a->tmp);
		goto fail;
	}
	return a;
fail:
	saved = errno;
	free(a->tmp);
	free(a->path);
	free(a);
	errno = saved;
	return NULL;
}

FILE *
afile_fp(struct afile *a)
{
	return a->fp;
}

static void
afile_free(struct afile *a)
{
	free(a->tmp);
	free(a->path);
	free(a);
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
	if (rv == 0 && rename(a->tmp, a->path) == -1) {
		rv = -1;
		saved = errno;
	}
	if (rv == -1)
		unlink(a->tmp);
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
		fclose(a->fp);
		unlink(a->tmp);
	} else if (a->close)
		fclose(a->fp);
	afile_free(a);
}

void
afile_own_like_dir(const char *path)
{
	struct stat	 sb;
	char		 dir[PATH_MAX];

	if (geteuid() != 0)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &sb) == 0 && sb.st_uid != 0 &&
	    chown(path, sb.st_uid, sb.st_gid) == -1)
		return;		/* the daemons will say what they cannot open */
}

int
afile_mkdirs(const char *path)
{
	char	 buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
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
