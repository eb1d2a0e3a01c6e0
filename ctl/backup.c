/*
 * zwctl backup and restore.
 *
 * A backup is a directory: the two stores copied with SQLite's online
 * backup (a consistent snapshot while the daemons write), the configuration
 * files, the RRDs (each read under the lock librrd takes to write it),
 * the report key and the web UI's certificate, and a MANIFEST with the
 * size and SHA-256 of each, its count and a checksum of the whole on its
 * last line, signed with the appliance's key (MANIFEST.sig, as reports
 * are).  It is made in a temporary directory beside its name and renamed
 * into place once whole, so a backup killed half way leaves no directory
 * of that name.
 *
 * A backup may have lain anywhere, and been edited there.  Restore checks
 * all of it before it writes anything: the signature, the manifest's
 * form, count and checksum, every file's size and hash.  Places come from
 * the running configuration only, never from the backup: a configuration
 * file goes back only to a file the running configuration names, the
 * stores, RRDs and keys where it puts them.  Modes are set, never copied.
 * Keys, and the administrators' store (accounts, audit trail, review
 * history), are put back only when asked for by name (--keys, --users);
 * otherwise the running ones stay.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sqlite3.h>

#include "afile.h"
#include "audit.h"
#include "log.h"
#include "sign.h"
#include "store.h"
#include "store-key.h"
#include "zwctl.h"

#define BACKUP_FORMAT	"zonewatch-backup 2"
#define BACKUP_FILES	100000		/* files in one backup */
#define MANIFEST_MAX	(64u << 20)
#define SHA256_HEX	64

/*
 * What a backup holds, a row each: its kind in the manifest, its name in
 * the backup (a prefix for a tree), the configuration's setting that names
 * its place (none for the configuration files themselves), the mode it is
 * written with, and whether it is restored only when asked for (--keys,
 * --users).
 */
enum ask { ASK_NONE, ASK_KEYS, ASK_USERS };

static const struct {
	const char	*kind;
	const char	*name;
	int		 tree;		/* name is a directory's prefix */
	ssize_t		 place;		/* offsetof struct conf; -1: none,
					   PLACE_ADMIN, PLACE_AUDIT_KEY */
	mode_t		 mode;
	enum ask	 asked;
} holds[] = {
#define PLACE_AUDIT_KEY	(-2)		/* the administrators' store's key */
#define PLACE_ADMIN	(-3)		/* conf_admin_path() */
	{ "config", "etc/",		   1, -1, 0640, ASK_NONE },
	{ "store",  "events.db",	   0, offsetof(struct conf, store_path),
	    0640, ASK_NONE },
	{ "admin",  "admin.db",		   0, PLACE_ADMIN, 0600, ASK_USERS },
	{ "key",    "keys/report-key.pem", 0, offsetof(struct conf, report_key),
	    0600, ASK_KEYS },
	{ "key",    "keys/webui.crt",	   0, offsetof(struct conf, webui_cert),
	    0644, ASK_KEYS },
	{ "key",    "keys/webui.key",	   0, offsetof(struct conf, webui_key),
	    0600, ASK_KEYS },
	{ "key",    "keys/audit.key",	   0, PLACE_AUDIT_KEY, 0600, ASK_KEYS },
	{ "rrd",    "rrd/",		   1, offsetof(struct conf, rrd_dir),
	    0640, ASK_NONE },
};
#define NHOLDS		(sizeof(holds) / sizeof(holds[0]))

static const char *
held_place(const struct conf *c, size_t k)
{
	static char	 key[PATH_MAX], admin[PATH_MAX];

	if (holds[k].place == PLACE_ADMIN || holds[k].place == PLACE_AUDIT_KEY) {
		if (conf_admin_path(c, NULL, admin, sizeof(admin)) == -1)
			return "";
		if (holds[k].place == PLACE_ADMIN)
			return admin;
		return storekey_path(admin, key, sizeof(key)) == 0 ? key : "";
	}
	return (const char *)c + holds[k].place;
}


static void
hex(const unsigned char *d, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/*
 * Copies from into to (written whole, mode set), never through a link in
 * either place; the size and SHA-256 of what was copied.  lock: wait for
 * librrd's write lock on the source.
 */
static int
copy_file(const char *from, const char *to, int lock, mode_t mode,
    long long *size, char sha[SHA256_HEX + 1])
{
	unsigned char	 buf[65536], md[EVP_MAX_MD_SIZE];
	struct afile	*a;
	struct flock	 fl;
	struct stat	 sb;
	EVP_MD_CTX	*ctx = NULL;
	unsigned int	 mdlen;
	ssize_t		 n;
	int		 in, rv = -1;

	*size = 0;
	if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	if ((lock && fcntl(in, F_SETLKW, &fl) == -1) || fstat(in, &sb) == -1) {
		close(in);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(in);
		errno = EINVAL;
		return -1;
	}
	if ((a = afile_open(to)) == NULL) {
		close(in);
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, afile_fp(a)) != (size_t)n ||
		    EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			n = -1;
			break;
		}
		*size += n;
	}
	if (n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	    afile_mode(a, mode) == 0) {
		hex(md, mdlen, sha);
		rv = afile_commit(a);
		a = NULL;
		if (rv == 0)
			afile_own_like_dir(to);
	}
out:
	if (a != NULL)
		afile_abort(a);
	EVP_MD_CTX_free(ctx);
	close(in);
	return rv;
}

/* The size and SHA-256 of a file in the backup, read without a link. */
static int
hash_file(const char *path, long long *size, char sha[SHA256_HEX + 1])
{
	unsigned char	 buf[65536], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX	*ctx;
	struct stat	 sb;
	unsigned int	 mdlen;
	ssize_t		 n;
	int		 fd, rv = -1;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (ctx = EVP_MD_CTX_new()) == NULL) {
		close(fd);
		return -1;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
				break;
			*size += n;
		}
		if (n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1) {
			hex(md, mdlen, sha);
			rv = 0;
		}
	}
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rv;
}

/* SQLite's online backup: a consistent copy while others write. */
static int
copy_db(const char *from, const char *to)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	int		 rc = SQLITE_ERROR;

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
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

/* Removes a directory this command made, and what it holds. */
static void
remove_tree(const char *path)
{
	char		 p[PATH_MAX];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;

	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >=
			    (int)sizeof(p) || lstat(p, &sb) == -1)
				continue;
			if (S_ISDIR(sb.st_mode))
				remove_tree(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Backup ------------------------------------------------------------------ */

struct backup {
	char	 dir[PATH_MAX];		/* the temporary one, while made */
	char	*text;			/* the manifest's lines so far */
	size_t	 len, cap;
	int	 n, failed;
};

static int
note(struct backup *b, const char *kind, const char *name, long long size,
    const char *sha, const char *original)
{
	char	*line, *nt;
	int	 len;

	if ((len = asprintf(&line, "%s\t%s\t%lld\t%s\t%s\n", kind, name, size,
	    sha, original)) == -1)
		return -1;
	if (b->len + (size_t)len + 1 > b->cap) {
		b->cap = (b->len + (size_t)len + 1) * 2;
		if ((nt = realloc(b->text, b->cap)) == NULL) {
			free(line);
			return -1;
		}
		b->text = nt;
	}
	memcpy(b->text + b->len, line, (size_t)len + 1);
	b->len += (size_t)len;
	free(line);
	b->n++;
	return 0;
}

/* Copies an original into the backup as name, and notes it. */
static void
keep(struct backup *b, const char *kind, const char *original,
    const char *name, int lock)
{
	char		 to[PATH_MAX * 2], sha[SHA256_HEX + 1];
	long long	 size;

	if (access(original, R_OK) == -1)
		return;
	snprintf(to, sizeof(to), "%s/%s", b->dir, name);
	if (strchr(name, '/') != NULL && afile_mkdirs(to) == -1) {
		log_warn("%s", to);
		b->failed++;
		return;
	}
	if (copy_file(original, to, lock, 0600, &size, sha) == -1 ||
	    note(b, kind, name, size, sha, original) == -1) {
		log_warn("%s", original);
		b->failed++;
	}
}

/* The RRDs below top, as they are: links and other files are left. */
static void
keep_tree(struct backup *b, const char *top, const char *rel, int depth)
{
	char		 path[PATH_MAX], name[PATH_MAX], as[PATH_MAX + 8];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if (depth > 8 || (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" :
		    "", de->d_name) >= (int)sizeof(name) || snprintf(path,
		    sizeof(path), "%s/%s", top, name) >= (int)sizeof(path) ||
		    lstat(path, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode))
			keep_tree(b, top, name, depth + 1);
		else if (S_ISREG(sb.st_mode) && strstr(name, ".tmp") == NULL) {
			snprintf(as, sizeof(as), "rrd/%s", name);
			keep(b, "rrd", path, as, 1);
		}
	}
	closedir(d);
}

/*
 * The manifest: a header, the lines, and "end COUNT SHA-256" of all that
 * comes before it; then its signature.
 */
static int
write_manifest(struct backup *b, EVP_PKEY *key)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 path[PATH_MAX + 16], sig[PATH_MAX + 16];
	char		 head[128], sha[SHA256_HEX + 1], err[256];
	unsigned int	 mdlen;
	struct afile	*a;
	EVP_MD_CTX	*ctx;
	int		 ok;

	snprintf(head, sizeof(head), "%s\n# zonewatch %s, made %lld\n",
	    BACKUP_FORMAT, ZW_VERSION, (long long)time(NULL));
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, head, strlen(head)) == 1 &&
	    EVP_DigestUpdate(ctx, b->text ? b->text : "", b->len) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	hex(md, mdlen, sha);
	snprintf(path, sizeof(path), "%s/MANIFEST", b->dir);
	snprintf(sig, sizeof(sig), "%s/MANIFEST.sig", b->dir);
	if ((a = afile_open(path)) == NULL)
		return -1;
	fprintf(afile_fp(a), "%s%s", head, b->text ? b->text : "");
	fprintf(afile_fp(a), "end\t%d\t%s\n", b->n, sha);
	if (afile_commit(a) == -1)
		return -1;
	if (sign_file(key, path, sig, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	return 0;
}

int
zwctl_backup(struct zwctl *ctx, int argc, char **argv)
{
	struct backup	 b;
	struct conf	*c;
	struct stat	 sb;
	EVP_PKEY	*key;
	char		 path[PATH_MAX + 16], name[PATH_MAX], err[512];
	size_t		 i;
	int		 rv = 0;

	if (argc != 1) {
		fprintf(stderr, "usage: zwctl backup DIR\n");
		return ZWCTL_USAGE;
	}
	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	if (lstat(argv[0], &sb) == 0) {
		log_warnx("%s exists: a backup goes into a new directory",
		    argv[0]);
		return ZWCTL_FAILED;
	}
	if ((key = sign_key(c->report_key, 1, err, sizeof(err))) == NULL) {
		log_warnx("the backup is signed with the report key: %s", err);
		return ZWCTL_FAILED;
	}
	memset(&b, 0, sizeof(b));
	if (snprintf(b.dir, sizeof(b.dir), "%s.tmp.XXXXXX", argv[0]) >=
	    (int)sizeof(b.dir) || mkdtemp(b.dir) == NULL) {
		log_warn("%s", argv[0]);
		EVP_PKEY_free(key);
		return ZWCTL_FAILED;
	}
	for (i = 0; i < NHOLDS; i++) {
		char		 sha[SHA256_HEX + 1];
		const char	*from = held_place(c, i);
		long long	 size;

		if (strcmp(holds[i].kind, "store") != 0 &&
		    strcmp(holds[i].kind, "admin") != 0)
			continue;
		if (access(from, R_OK) == -1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", b.dir, holds[i].name);
		if (copy_db(from, path) == 0 && chmod(path, 0600) == 0 &&
		    hash_file(path, &size, sha) == 0)
			note(&b, holds[i].kind, holds[i].name, size, sha, from);
		else
			b.failed++;
	}
	for (i = 0; i < c->files.n; i++) {
		snprintf(name, sizeof(name), "etc/%zu-%s", i,
		    strrchr(c->files.v[i], '/') ? strrchr(c->files.v[i], '/')
		    + 1 : c->files.v[i]);
		keep(&b, "config", c->files.v[i], name, 0);
	}
	if (c->protos_path[0] != '\0')
		keep(&b, "config", c->protos_path, "etc/protos.txt", 0);
	for (i = 0; i < NHOLDS; i++)
		if (strcmp(holds[i].kind, "key") == 0)
			keep(&b, "key", held_place(c, i), holds[i].name, 0);
	keep_tree(&b, c->rrd_dir, "", 0);
	if (b.failed || write_manifest(&b, key) == -1 ||
	    rename(b.dir, argv[0]) == -1) {
		if (!b.failed)
			log_warn("%s", argv[0]);
		remove_tree(b.dir);
		rv = ZWCTL_FAILED;
	}
	zwctl_record(ctx, NULL, "sysadmin", "backup", argv[0], rv == 0,
	    "%d files%s", b.n, rv ? ", no backup made" : "");
	if (rv == 0)
		printf("%d files backed up into %s, signed (%s)\n", b.n,
		    argv[0], sign_algorithm(key));
	else
		printf("no backup made: %d of the files could not be copied\n",
		    b.failed);
	EVP_PKEY_free(key);
	free(b.text);
	return rv;
}

/* Restore ----------------------------------------------------------------- */

struct restore_item {
	size_t		 hold;		/* its row of holds[] */
	char		*name;
	char		*original;
	char		 sha[SHA256_HEX + 1];
	long long	 size;
	int		 line;
};

struct restore {
	const char		*dir;
	struct restore_item	*v;
	size_t			 n;
	int			 keys, users;	/* asked for by name */
};

static void
restore_free(struct restore *r)
{
	size_t	 i;

	for (i = 0; r->v != NULL && i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].original);
	}
	free(r->v);
	r->v = NULL;
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

static int
is_hex(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[len] == '\0';
}

/* The line's five fields, checked; NULL if good, else why not. */
static const char *
item_parse(char *line, struct restore_item *it)
{
	char		*f[5], *p = line, *end;
	size_t		 i, k;

	for (i = 0; i < 5; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	if (i != 4)
		return "not five fields separated by tabs";
	for (k = 0; k < NHOLDS; k++)
		if (strcmp(f[0], holds[k].kind) == 0 && (holds[k].tree ?
		    strncmp(f[1], holds[k].name, strlen(holds[k].name)) == 0 :
		    strcmp(f[1], holds[k].name) == 0))
			break;
	if (k == NHOLDS)
		return "an unknown kind, or a name not of its kind";
	if (!plain_relative(f[1]))
		return "the name is not a plain relative path";
	if (f[4][0] != '/')
		return "the original is not an absolute path";
	if (strlen(f[1]) >= PATH_MAX || strlen(f[4]) >= PATH_MAX)
		return "a field too long";
	errno = 0;
	it->size = strtoll(f[2], &end, 10);
	if (f[2][0] < '0' || f[2][0] > '9' || *end != '\0' || errno != 0)
		return "the size is not a number";
	if (!is_hex(f[3], SHA256_HEX))
		return "the checksum is not SHA-256 in hexadecimal";
	memcpy(it->sha, f[3], SHA256_HEX + 1);
	it->hold = k;
	if ((it->name = strdup(f[1])) == NULL ||
	    (it->original = strdup(f[4])) == NULL) {
		free(it->name);
		it->name = NULL;
		return "out of memory";
	}
	return NULL;
}

/*
 * The manifest's lines: the format first, the items, and the end line
 * with their count and the checksum of all before it.  NULL if it holds,
 * else why not (and *lineno where).
 */
static const char *
manifest_parse(struct restore *r, const char *text, size_t len, int *lineno)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 sha[SHA256_HEX + 1], *work, *line, *next, *end;
	unsigned int	 mdlen = 0;
	const char	*why = "the manifest is cut short (no end line)";
	size_t		 cap = 0;
	void		*nv;
	long		 count;

	*lineno = 0;
	/* Lines are cut in a copy; the checksum is of the text as it is. */
	if ((work = malloc(len + 1)) == NULL)
		return "out of memory";
	memcpy(work, text, len);
	work[len] = '\0';
	for (line = work; line < work + len; line = next) {
		if ((next = memchr(line, '\n', (size_t)(work + len - line))) ==
		    NULL)
			break;
		*next++ = '\0';
		++*lineno;
		if (*lineno == 1) {
			if (strcmp(line, BACKUP_FORMAT) != 0) {
				why = "not a signed zonewatch backup (no \""
				    BACKUP_FORMAT "\" line)";
				break;
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "end\t", 4) == 0) {
			why = NULL;
			if (EVP_Digest(text, (size_t)(line - work), md, &mdlen,
			    EVP_sha256(), NULL) != 1)
				why = "out of memory";
			else {
				hex(md, mdlen, sha);
				count = strtol(line + 4, &end, 10);
				if (*end != '\t' || count != (long)r->n)
					why = "the count of files does not "
					    "match";
				else if (strcmp(end + 1, sha) != 0)
					why = "the checksum of the manifest "
					    "does not match";
				else if (next != work + len)
					why = "lines after the end line";
			}
			break;
		}
		if (r->n == BACKUP_FILES) {
			why = "too many files";
			break;
		}
		if (r->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(r->v, cap, sizeof(*r->v))) ==
			    NULL) {
				why = "out of memory";
				break;
			}
			r->v = nv;
		}
		memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
		r->v[r->n].line = *lineno;
		if ((why = item_parse(line, &r->v[r->n])) != NULL)
			break;
		why = "the manifest is cut short (no end line)";
		r->n++;
	}
	free(work);
	return why;
}

/* The key a backup is checked with: --pubkey FILE, or the appliance's. */
static EVP_PKEY *
check_key(const struct conf *c, const char *pubkey)
{
	EVP_PKEY	*k;
	char		 err[512];
	FILE		*fp;

	if (pubkey == NULL) {
		if ((k = sign_key(c->report_key, 0, err, sizeof(err))) == NULL)
			log_warnx("the appliance's key, which checks a backup: "
			    "%s (or give the one that made it with --pubkey)",
			    err);
		return k;
	}
	if ((fp = fopen(pubkey, "r")) == NULL) {
		log_warn("%s", pubkey);
		return NULL;
	}
	k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	fclose(fp);
	if (k == NULL)
		log_warnx("%s: not a public key in PEM", pubkey);
	return k;
}

/* The whole backup checked; 0, or -1 having said why. */
static int
restore_check(struct restore *r, const struct conf *c, const char *pubkey)
{
	char		 path[PATH_MAX * 2], sig[PATH_MAX * 2], err[512];
	char		 sha[SHA256_HEX + 1], *text;
	const char	*why;
	long long	 size;
	EVP_PKEY	*key;
	size_t		 len, i;
	int		 lineno, good;

	snprintf(path, sizeof(path), "%s/MANIFEST", r->dir);
	snprintf(sig, sizeof(sig), "%s/MANIFEST.sig", r->dir);
	if ((key = check_key(c, pubkey)) == NULL)
		return -1;
	good = sign_verify(key, path, sig, err, sizeof(err));
	EVP_PKEY_free(key);
	if (good != 1) {
		log_warnx("%s: refused whole: its signature does not verify "
		    "with the appliance's key%s%s", r->dir, good == -1 ?
		    ": " : "", good == -1 ? err : "");
		return -1;
	}
	if (afile_read(path, MANIFEST_MAX, &text, &len, &why) == -1) {
		log_warnx("%s: %s", path, why);
		return -1;
	}
	why = manifest_parse(r, text, len, &lineno);
	free(text);
	if (why != NULL) {
		log_warnx("%s:%d: refused whole: %s", path, lineno, why);
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", r->dir, r->v[i].name);
		if (hash_file(path, &size, sha) == -1) {
			log_warnx("%s/MANIFEST:%d: refused whole: %s: not a "
			    "regular file of the backup", r->dir, r->v[i].line,
			    r->v[i].name);
			return -1;
		}
		if (size != r->v[i].size || strcmp(sha, r->v[i].sha) != 0) {
			log_warnx("%s/MANIFEST:%d: refused whole: %s was changed "
			    "since the backup was made", r->dir, r->v[i].line,
			    r->v[i].name);
			return -1;
		}
	}
	return 0;
}

/* A configuration file's place: only one the running configuration names. */
static int
config_place(const struct conf *c, const char *original)
{
	size_t	 i;

	for (i = 0; i < c->files.n; i++)
		if (strcmp(c->files.v[i], original) == 0)
			return 1;
	return c->protos_path[0] != '\0' && strcmp(c->protos_path,
	    original) == 0;
}

/* Whether the backup holds the store's key (the audit chain's). */
static int
holds_audit_key(const struct restore *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (holds[r->v[i].hold].place == PLACE_AUDIT_KEY)
			return 1;
	return 0;
}

/* Where the item goes, by the running configuration; NULL if nowhere. */
static const char *
restore_place(const struct conf *c, const struct restore_item *it,
    char *buf, size_t len)
{
	const char	*place;

	if (holds[it->hold].place == -1)
		return config_place(c, it->original) ? it->original : NULL;
	if (*(place = held_place(c, it->hold)) == '\0')
		return NULL;
	if (!holds[it->hold].tree)
		return place;
	if (snprintf(buf, len, "%s/%s", place, it->name +
	    strlen(holds[it->hold].name)) >= (int)len)
		return NULL;
	return buf;
}

/*
 * A backup made before the stores were split holds the administrators'
 * tables in its event store.  Unless --users asked for them, they are
 * dropped there; with it, they replace the running administrators' store
 * whole (moved at its open, as an upgrade moves them).
 */
static int
restore_legacy(const char *events, const char *admin, int users)
{
	struct store	*s;
	char		 err[512], side[PATH_MAX + 8];
	int		 legacy;

	if ((legacy = store_admin_legacy(events, !users, err,
	    sizeof(err))) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if (!legacy || !users)
		return 0;
	unlink(admin);
	snprintf(side, sizeof(side), "%s-wal", admin);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", admin);
	unlink(side);
	if ((s = store_admin_open(admin, events, STORE_CREATE, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	store_close(s);
	return 0;
}

/* Puts one file back; 0, or -1 having said why. */
static int
restore_one(const struct restore *r, const struct restore_item *it,
    const char *to)
{
	char		 from[PATH_MAX * 2], sha[SHA256_HEX + 1];
	long long	 size;

	snprintf(from, sizeof(from), "%s/%s", r->dir, it->name);
	if (strcmp(holds[it->hold].kind, "store") == 0 ||
	    strcmp(holds[it->hold].kind, "admin") == 0) {
		/* Into the store in place, in one transaction. */
		if (strchr(to, '/') != NULL && afile_mkdirs(to) == -1) {
			log_warn("%s", to);
			return -1;
		}
		return copy_db(from, to);
	}
	if (strchr(to, '/') != NULL && afile_mkdirs(to) == -1) {
		log_warn("%s", to);
		return -1;
	}
	if (copy_file(from, to, 0, holds[it->hold].mode, &size, sha) == -1) {
		log_warn("%s", to);
		return -1;
	}
	return 0;
}

static int
restore_usage(void)
{
	fprintf(stderr, "usage: zwctl restore DIR [--keys] [--users] "
	    "[--pubkey FILE] [--force]\n");
	return ZWCTL_USAGE;
}

int
zwctl_restore(struct zwctl *ctx, int argc, char **argv)
{
	struct restore	 r;
	struct conf	*c;
	char		 buf[PATH_MAX * 2], admin[PATH_MAX];
	const char	*to, *pubkey = NULL;
	size_t		 i;
	int		 n = 0, failed = 0, skipped = 0, force = 0, k;

	memset(&r, 0, sizeof(r));
	if (argc < 1)
		return restore_usage();
	r.dir = argv[0];
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--force") == 0)
			force = 1;
		else if (strcmp(argv[k], "--keys") == 0)
			r.keys = 1;
		else if (strcmp(argv[k], "--users") == 0)
			r.users = 1;
		else if (strcmp(argv[k], "--pubkey") == 0 && k + 1 < argc)
			pubkey = argv[++k];
		else
			return restore_usage();
	}
	if ((c = zwctl_conf(ctx, 1)) == NULL)
		return ZWCTL_FAILED;
	if (conf_admin_path(c, NULL, admin, sizeof(admin)) == -1) {
		log_warnx("%s: path too long", c->store_path);
		return ZWCTL_FAILED;
	}
	/* This appliance's daemons are the processes that hold its stores. */
	for (k = 0; !force && k < 2; k++) {
		const char	*held = k == 0 ? c->store_path : admin;
		char		 comm[64];
		long		 pid;

		if ((pid = zwctl_holder(held, comm, sizeof(comm))) != 0) {
			log_warnx("%s (pid %ld) has %s open: stop the appliance "
			    "first (systemctl stop 'zonewatch-*')", comm, pid,
			    held);
			return ZWCTL_FAILED;
		}
	}
	if (restore_check(&r, c, pubkey) == -1) {
		restore_free(&r);
		return ZWCTL_FAILED;
	}
	/* Nothing is written unless every file has its place. */
	for (i = 0; i < r.n; i++)
		if (restore_place(c, &r.v[i], buf, sizeof(buf)) == NULL) {
			log_warnx("%s/MANIFEST:%d: %s: %s", r.dir, r.v[i].line,
			    r.v[i].original, holds[r.v[i].hold].place == -1 ?
			    "is not a file of this appliance's configuration" :
			    "the configuration names no place for it");
			restore_free(&r);
			return ZWCTL_FAILED;
		}
	if (access(admin, F_OK) == -1 && access(c->store_path, F_OK) == -1)
		r.users = 1;		/* none yet: the backup's are all */
	/*
	 * The backup's key sealed the backup's accounts and hashed its
	 * trail: the accounts kept from now would read forged under it.
	 */
	if (r.keys && !r.users && holds_audit_key(&r)) {
		log_warnx("%s: the backup's audit key seals the backup's "
		    "accounts: restore both (--keys --users) or neither "
		    "(no --keys); nothing restored", r.dir);
		restore_free(&r);
		return ZWCTL_FAILED;
	}
	for (i = 0; i < r.n; i++) {
		enum ask	 ask = holds[r.v[i].hold].asked;

		if ((ask == ASK_KEYS && !r.keys) ||
		    (ask == ASK_USERS && !r.users)) {
			skipped += ask == ASK_KEYS;
			continue;
		}
		to = restore_place(c, &r.v[i], buf, sizeof(buf));
		if (restore_one(&r, &r.v[i], to) == 0) {
			n++;
			if (strcmp(holds[r.v[i].hold].kind, "store") == 0 &&
			    restore_legacy(to, admin, r.users) == -1)
				failed++;
		} else
			failed++;
	}
	restore_free(&r);
	zwctl_record(ctx, NULL, "sysadmin", "restore", r.dir, !failed,
	    "%d files; keys %s; accounts and audit trail %s", n,
	    r.keys ? "restored" : "kept", r.users ? "restored" : "kept");
	printf("%d files restored from %s%s\n", n, r.dir, failed ?
	    ", some failed" : "");
	if (skipped)
		printf("%d keys not restored (ask with --keys)\n", skipped);
	if (!r.users)
		printf("the administrators' accounts and audit trail are "
		    "kept as they are (ask for the backup's with --users)\n");
	return failed ? ZWCTL_FAILED : 0;
}
