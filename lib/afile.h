/*
 * A file written whole or not at all: written beside its name, flushed
 * to disk, then renamed over it (rename(2) is atomic within a file
 * system).  A crash or a full disk leaves the old file, never half a new.
 */
#ifndef ZW_AFILE_H
#define ZW_AFILE_H

#include <stddef.h>
#include <stdio.h>

#include <sys/types.h>

struct afile;

/*
 * NULL with errno set; path "-" writes to stdout (commit flushes it).
 * The path is walked a directory at a time: a link is followed only in a
 * directory that no account but root and ours can change (else ELOOP), so
 * root never writes where a daemon's account points it.  A name that is
 * not a regular file (/dev/stdout, a FIFO) is written in place; a file is
 * written beside its name (O_EXCL, mode 0600) and renamed over it.
 */
struct afile	*afile_open(const char *path);
FILE		*afile_fp(struct afile *);
/* The new file's mode (permission bits only: never setuid, setgid, sticky). */
int		 afile_mode(struct afile *, mode_t);
/* 0 when the file is in place; -1 (errno set) and nothing changed. */
int		 afile_commit(struct afile *);
void		 afile_abort(struct afile *);
/*
 * Removes every temporary still being written; safe in a signal handler
 * (only unlinkat).  afile_clean_on_stop() makes SIGINT, SIGTERM, SIGHUP
 * and SIGPIPE do it before they end the program as they would have.
 */
void		 afile_unlink_pending(void);
void		 afile_clean_on_stop(void);
/*
 * A file root has just made in a directory of another user is given to
 * that user (zwctl as root making the store or a key that the daemons,
 * running as zonewatch, must then write or read).
 */
void		 afile_own_like_dir(const char *path);
/*
 * name in the directory of path ("dir/name", or name alone); 0, or -1
 * when it does not fit in len.
 */
int		 afile_beside(const char *path, const char *name, char *out,
		    size_t len);
/* The directories the file goes in, made as needed (mode 0750); 0 or -1. */
int		 afile_mkdirs(const char *path);
/*
 * The directory path's last component is in, walked as afile_open does
 * (O_PATH); its name in name.  For the *at() calls of callers that write
 * more than one file there.
 */
int		 afile_open_dir(const char *path, char *name, size_t namelen);
/*
 * A regular file of at most max bytes, read whole: *buf (to free, with a
 * NUL after its *len bytes), or -1 and *why ("not a regular file", or
 * errno's text: EFBIG for a file over max).
 */
int		 afile_read(const char *path, size_t max, char **buf,
		    size_t *len, const char **why);

#endif
