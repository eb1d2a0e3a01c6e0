/*
 * The store's own key: 32 random bytes in audit.key beside the store's
 * database, mode 0600, made by the first writer that needs it.  It keys
 * the audit trail's chain and the administrators' rows (HMAC, RFC 2104),
 * so that one who can write the database but not read this file cannot
 * rewrite the trail, nor add or change an account, unseen.  The key is
 * made beside its name and linked into place, never over another's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "afile.h"
#include "store-key.h"

/* dir/audit.key for dir/events.db. */
int
storekey_path(const char *store_path, char *out, size_t len)
{
	return afile_beside(store_path, "audit.key", out, len);
}

static int
read_key(int dfd, const char *name, unsigned char key[STORE_KEY_LEN])
{
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size != STORE_KEY_LEN) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	n = read(fd, key, STORE_KEY_LEN);
	close(fd);
	if (n != STORE_KEY_LEN) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Puts key in dir's name, made beside it and linked into place, never
 * over one there: 0, 1 when one was there already (it is then in key),
 * or -1.
 */
static int
write_key(int dfd, const char *name, unsigned char key[STORE_KEY_LEN])
{
	char	 tmp[300];
	int	 fd, rv, saved;

	snprintf(tmp, sizeof(tmp), "%s.new.%ld", name, (long)getpid());
	unlinkat(dfd, tmp, 0);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return -1;
	if (fchmod(fd, 0600) == -1 || write(fd, key, STORE_KEY_LEN) !=
	    STORE_KEY_LEN || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = saved;
		return -1;
	}
	close(fd);
	/* Another writer may have made one meanwhile: theirs is the key. */
	rv = 0;
	if (linkat(dfd, tmp, dfd, name, 0) == -1) {
		if (errno != EEXIST) {
			saved = errno;
			unlinkat(dfd, tmp, 0);
			errno = saved;
			return -1;
		}
		rv = 1;
	}
	unlinkat(dfd, tmp, 0);
	return rv == 1 ? (read_key(dfd, name, key) == 0 ? 1 : -1) : 0;
}

int
storekey_load(const char *store_path, int create,
    unsigned char key[STORE_KEY_LEN], int *made)
{
	char	 path[4096], name[256];
	int	 dfd, rv = -1, saved, w;

	if (storekey_path(store_path, path, sizeof(path)) == -1 ||
	    (dfd = afile_open_dir(path, name, sizeof(name))) == -1)
		return -1;
	if (read_key(dfd, name, key) == 0) {
		close(dfd);
		return 0;
	}
	if (errno != ENOENT || !create)
		goto out;
	if (RAND_bytes(key, STORE_KEY_LEN) != 1) {
		errno = EIO;
		goto out;
	}
	if ((w = write_key(dfd, name, key)) == -1)
		goto out;
	if (w == 0 && made != NULL)
		*made = 1;
	afile_own_like_dir(path);
	rv = read_key(dfd, name, key);
out:
	saved = errno;
	if (rv == -1)
		OPENSSL_cleanse(key, STORE_KEY_LEN);
	close(dfd);
	errno = saved;
	return rv;
}

int
storekey_adopt(const char *store_path, const char *from_store_path)
{
	unsigned char	 key[STORE_KEY_LEN];
	char		 path[4096], from[4096], name[256], fname[256];
	int		 dfd = -1, fdfd = -1, rv = -1, saved;

	if (storekey_path(store_path, path, sizeof(path)) == -1 ||
	    storekey_path(from_store_path, from, sizeof(from)) == -1 ||
	    (dfd = afile_open_dir(path, name, sizeof(name))) == -1 ||
	    (fdfd = afile_open_dir(from, fname, sizeof(fname))) == -1)
		goto out;
	if (read_key(dfd, name, key) == 0) {
		rv = 0;
		goto out;
	}
	if (errno != ENOENT)
		goto out;
	if (read_key(fdfd, fname, key) == -1) {
		/* None to move: the rows were never sealed. */
		rv = errno == ENOENT ? 0 : -1;
		goto out;
	}
	if (write_key(dfd, name, key) == -1)
		goto out;
	afile_own_like_dir(path);
	/* Only the new place holds it now: the collector reads the old. */
	if (unlinkat(fdfd, fname, 0) == -1 && errno != ENOENT)
		goto out;
	rv = 0;
out:
	saved = errno;
	OPENSSL_cleanse(key, sizeof(key));
	if (dfd != -1)
		close(dfd);
	if (fdfd != -1)
		close(fdfd);
	errno = saved;
	return rv;
}
