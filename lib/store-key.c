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
	const char	*slash = strrchr(store_path, '/');
	int		 n;

	if (slash == NULL)
		n = snprintf(out, len, "audit.key");
	else
		n = snprintf(out, len, "%.*s/audit.key",
		    (int)(slash - store_path), store_path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
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

int
storekey_load(const char *store_path, int create,
    unsigned char key[STORE_KEY_LEN], int *made)
{
	char	 path[4096], name[256], tmp[300];
	int	 dfd, fd, rv = -1, saved;

	if (storekey_path(store_path, path, sizeof(path)) == -1 ||
	    (dfd = afile_open_dir(path, name, sizeof(name))) == -1)
		return -1;
	if (read_key(dfd, name, key) == 0) {
		close(dfd);
		return 0;
	}
	if (errno != ENOENT || !create)
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.new.%ld", name, (long)getpid());
	unlinkat(dfd, tmp, 0);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		goto out;
	if (RAND_bytes(key, STORE_KEY_LEN) != 1 || fchmod(fd, 0600) == -1 ||
	    write(fd, key, STORE_KEY_LEN) != STORE_KEY_LEN || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = saved;
		goto out;
	}
	close(fd);
	/* Another writer may have made one meanwhile: theirs is the key. */
	if (linkat(dfd, tmp, dfd, name, 0) == -1) {
		if (errno != EEXIST) {
			saved = errno;
			unlinkat(dfd, tmp, 0);
			errno = saved;
			goto out;
		}
	} else if (made != NULL)
		*made = 1;
	unlinkat(dfd, tmp, 0);
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
