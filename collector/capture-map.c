/*
 * Classic pcap files read in place.  The file is mapped and its records
 * walked where they lie: a frame is copied neither by read(2) nor by
 * stdio, and it stays where it is until the file is closed, so that the
 * file dispatcher can hand workers pointers instead of copies.  Only the
 * classic format, version 2.4, in microseconds or nanoseconds and in this
 * machine's byte order, is taken; anything else (pcapng, the modified
 * formats, the other byte order, whose pseudo-headers libpcap swaps, old
 * versions with their length quirks, pipes) is left to libpcap, which
 * has opened the file already and checked its header.  The checks on the
 * records are libpcap's (sf-pcap.c), with its messages.
 */
#include <sys/mman.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "capture-map.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define FILE_HEADER	24
#define RECORD_HEADER	16
#define MAX_SNAPLEN	262144		/* libpcap's MAXIMUM_SNAPLEN */
#define KEEP_MIN	(1u << 20)	/* the last record, and more */
#define DROP_EVERY	(8u << 20)

static uint32_t
get32(const uint8_t *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int
capture_map_init(struct capture_map *m, const uint8_t *base, size_t len)
{
	uint32_t	 magic;

	memset(m, 0, sizeof(m[0]));
	if (len < FILE_HEADER)
		return -1;
	magic = get32(base);
	if ((magic != MAGIC_USEC && magic != MAGIC_NSEC) ||
	    get16(base + 4) != 2 || get16(base + 6) != 4)
		return -1;
	m->nsec = magic == MAGIC_NSEC;
	m->base = base;
	m->len = len;
	m->off = FILE_HEADER;
	return 0;
}

/*
 * A mapped file that shrinks while it is read faults on the pages it
 * lost.  That is not a record to skip: the program says so and ends
 * with the status of a damaged input, its outputs left uncommitted.
 * A fault anywhere else is not this one, and ends as it would have.
 */
static const uint8_t *volatile	 guard_base;	/* the file mapped now */
static volatile size_t		 guard_len;

static void
on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	static const char msg[] =
	    "zw-collector: a capture file shrank while it was read\n";
	const uint8_t	*a = si->si_addr;

	(void)ctx;
	if (guard_base != NULL && a >= guard_base &&
	    a < guard_base + guard_len) {
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		afile_unlink_pending();
		_exit(3);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int
capture_map_open(struct capture_map *m, int fd, size_t len)
{
	static int	 guarded;
	void		*p;

	if (len < FILE_HEADER)
		return -1;
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (capture_map_init(m, p, len) == -1) {
		munmap(p, len);
		return -1;
	}
	m->mapped = 1;
	m->keep = KEEP_MIN;
	/* Advice values are not flags: one call each. */
	(void)madvise(p, len, MADV_SEQUENTIAL);
	(void)madvise(p, len, MADV_WILLNEED);
	if (!guarded) {
		struct sigaction	 sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		guarded = 1;
	}
	guard_len = len;
	guard_base = p;
	return 0;
}

static void	drop_behind(struct capture_map *);

int
capture_map_next(struct capture_map *m, struct pcap_pkthdr *h,
    const uint8_t **data, char *err, size_t errlen)
{
	const uint8_t	*r = m->base + m->off;
	size_t		 left = m->len - m->off;
	uint32_t	 frac;

	if (left == 0)
		return 0;
	if (left < RECORD_HEADER) {
		snprintf(err, errlen, "truncated dump file; tried to read %d "
		    "header bytes, only got %zu", RECORD_HEADER, left);
		return -1;
	}
	h->ts.tv_sec = get32(r);
	frac = get32(r + 4);
	h->ts.tv_usec = m->nsec ? frac / 1000 : frac;
	h->caplen = get32(r + 8);
	h->len = get32(r + 12);
	if (h->caplen > MAX_SNAPLEN) {
		snprintf(err, errlen, "invalid packet capture length %u, "
		    "bigger than maximum of %d", h->caplen, MAX_SNAPLEN);
		return -1;
	}
	if (left - RECORD_HEADER < h->caplen) {
		snprintf(err, errlen, "truncated dump file; tried to read %u "
		    "captured bytes, only got %zu", h->caplen,
		    left - RECORD_HEADER);
		return -1;
	}
	*data = r + RECORD_HEADER;
	m->off += RECORD_HEADER + h->caplen;
	if (m->mapped && m->off - m->dropped > m->keep + DROP_EVERY)
		drop_behind(m);
	return 1;
}

/*
 * What the walk has left behind leaves the process's memory: a file
 * read once would otherwise count whole in its resident size.  The
 * pages stay in the page cache.
 */
static void
drop_behind(struct capture_map *m)
{
	long	 pg = sysconf(_SC_PAGESIZE);
	size_t	 upto = (m->off - m->keep) & ~((size_t)pg - 1);

	if (upto <= m->dropped)
		return;
	(void)madvise((void *)(uintptr_t)(m->base + m->dropped),
	    upto - m->dropped, MADV_DONTNEED);
	m->dropped = upto;
}

void
capture_map_keep(struct capture_map *m, size_t bytes)
{
	m->keep = bytes > KEEP_MIN ? bytes : KEEP_MIN;
}

void
capture_map_close(struct capture_map *m)
{
	if (m->mapped) {
		if (guard_base == m->base)
			guard_base = NULL;
		munmap((void *)(uintptr_t)m->base, m->len);
	}
	memset(m, 0, sizeof(m[0]));
}
