/*
 * libpcap capture.  A live interface gets the full snap length, a large
 * kernel ring and a short block timeout.  It is read without blocking,
 * waiting in poll(2) between reads: with TPACKET_V3 the kernel hands over
 * no empty block, so a blocking read on a quiet link would never return,
 * and neither housekeeping nor a signal to stop would get through.
 * Files are read with microsecond timestamps whatever their own
 * precision.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture-map.h"
#include "capture.h"
#include "clock.h"
#include "log.h"

#define CAPTURE_SNAPLEN		262144	/* libpcap's maximum: never cut */
#define CAPTURE_TIMEOUT_MS	250
#define CAPTURE_BATCH		256
#define CAPTURE_FILE_BUFFER	(1 << 20)
#define REPLAY_MAX_GAP_US	1000000	/* replays skip longer silences */

struct capture {
	pcap_t			*pc;
	const struct decode_link *link;
	int			 live;
	int			 fd;		/* live: to poll */
	int			 wake_fd;	/* or -1: polled too */
	uint64_t		 last_us;
	struct capture_stats	 stats;
	struct capture_map	 map;		/* base NULL: libpcap reads */
	struct bpf_program	 prog;		/* the filter, for the map */
	int			 has_prog;
};

static volatile sig_atomic_t	 stop_requested;

uint64_t
capture_now_us(void)
{
	return (uint64_t)clock_wall_us();
}

static int
capture_setup(struct capture *c, const char *filter, char *err,
    size_t errlen)
{
	struct bpf_program	 prog;
	int			 dlt = pcap_datalink(c->pc);

	if ((c->link = decode_link_lookup(dlt)) == NULL) {
		snprintf(err, errlen, "unsupported link type %s (%d)",
		    pcap_datalink_val_to_name(dlt) ?
		    pcap_datalink_val_to_name(dlt) : "?", dlt);
		return -1;
	}
	if (filter == NULL)
		return 0;
	if (pcap_compile(c->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1 ||
	    pcap_setfilter(c->pc, &prog) == -1) {
		snprintf(err, errlen, "filter \"%s\": %s", filter,
		    pcap_geterr(c->pc));
		return -1;
	}
	/* A mapped file is filtered here, with pcap_offline_filter(). */
	c->prog = prog;
	c->has_prog = 1;
	return 0;
}

struct capture *
capture_open_live(const char *iface, unsigned int buffer_mb,
    const char *filter, char *err, size_t errlen)
{
	struct capture	*c;
	char		 ebuf[PCAP_ERRBUF_SIZE] = "";
	int		 rv;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->live = 1;
	c->wake_fd = -1;
	if ((c->pc = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		free(c);
		return NULL;
	}
	pcap_set_snaplen(c->pc, CAPTURE_SNAPLEN);
	pcap_set_promisc(c->pc, 1);
	pcap_set_timeout(c->pc, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(c->pc, (int)(buffer_mb * 1024 * 1024));
	pcap_set_tstamp_precision(c->pc, PCAP_TSTAMP_PRECISION_MICRO);
	rv = pcap_activate(c->pc);
	if (rv == PCAP_ERROR_PERM_DENIED) {
		snprintf(err, errlen, "%s: no permission to capture: run as "
		    "root, or give the program CAP_NET_RAW (the systemd unit "
		    "does)", iface);
		goto fail;
	}
	if (rv == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(err, errlen, "%s: no such interface", iface);
		goto fail;
	}
	if (rv < 0) {
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(c->pc));
		goto fail;
	}
	if (rv > 0)
		log_warnx("capture: %s: %s", iface, pcap_statustostr(rv));
	if (pcap_setnonblock(c->pc, 1, ebuf) == -1 ||
	    (c->fd = pcap_get_selectable_fd(c->pc)) == -1) {
		snprintf(err, errlen, "%s: cannot read without blocking: %s",
		    iface, ebuf);
		goto fail;
	}
	if (capture_setup(c, filter, err, errlen) == -1)
		goto fail;
	return c;
fail:
	pcap_close(c->pc);
	free(c);
	return NULL;
}

struct capture *
capture_open_file(const char *path, const char *filter, char *err,
    size_t errlen)
{
	struct capture	*c;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	c = capture_open_fd(fd, path, filter, err, errlen);
	close(fd);
	return c;
}

struct capture *
capture_open_fd(int fd, const char *path, const char *filter, char *err,
    size_t errlen)
{
	struct capture	*c;
	struct stat	 st;
	FILE		*fp;
	char		 ebuf[PCAP_ERRBUF_SIZE] = "";
	int		 own;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		return NULL;
	}
	/* A pipe has no size; it is read as it comes. */
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		snprintf(err, errlen, "%s: empty file, not a capture", path);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->wake_fd = -1;
	/*
	 * libpcap reads each record with two fread() calls; a large stdio
	 * buffer turns a read(2) per 4 KB into one per CAPTURE_FILE_BUFFER,
	 * and as only this thread reads the file, stdio need not lock it.
	 */
	if ((own = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (fp = fdopen(own, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (own != -1)
			close(own);
		free(c);
		return NULL;
	}
	setvbuf(fp, NULL, _IOFBF, CAPTURE_FILE_BUFFER);
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	c->pc = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (c->pc == NULL) {
		snprintf(err, errlen, "%s: not a readable capture: %s", path,
		    ebuf);
		fclose(fp);
		free(c);
		return NULL;
	}
	if (capture_setup(c, filter, err, errlen) == -1) {
		capture_close(c);
		return NULL;
	}
	/* libpcap has checked the header; a classic file is read in place. */
	if (S_ISREG(st.st_mode))
		(void)capture_map_open(&c->map, fileno(fp), (size_t)st.st_size);
	return c;
}

/*
 * The fanout program: which member of the group takes a frame.  The
 * kernel's own hash (PACKET_FANOUT_HASH) mixes the IPv6 flow label in,
 * and a flow's two directions carry different labels; this hashes the
 * unordered address pair instead, as the file dispatcher does, so both
 * directions of a flow and every fragment of a datagram (no ports in
 * the later ones) reach one member.  Frames the kernel has not parsed as
 * IP (ARP, frames whose VLAN tag the NIC left in place) go to member 0;
 * so does a frame too short to hold the addresses, as the load fails.
 * The kernel takes the result modulo the members; so does the program.
 */
#define NET(k)		((uint32_t)(SKF_NET_OFF + (k)))
#define FANOUT_FOLD	33
#define FANOUT_NONE	42
static const struct sock_filter fanout_prog[] = {
	/*  0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	/*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 7 - 2),
	/*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(12)),	/* source */
	/*  3 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/*  4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(16)),	/* destination */
	/*  5 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/*  6 */ BPF_STMT(BPF_JMP | BPF_JA, FANOUT_FOLD - 7),
	/*  7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0,
		    FANOUT_NONE - 8),
	/*  8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(8)),
	/*  9 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(24)),
	/* 11 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 12 */ BPF_STMT(BPF_ST, 0),
	/* 13 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(12)),
	/* 14 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 15 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(28)),
	/* 16 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 17 */ BPF_STMT(BPF_LDX | BPF_MEM, 0),
	/* 18 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 19 */ BPF_STMT(BPF_ST, 0),
	/* 20 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(16)),
	/* 21 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 22 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(32)),
	/* 23 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 24 */ BPF_STMT(BPF_LDX | BPF_MEM, 0),
	/* 25 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 26 */ BPF_STMT(BPF_ST, 0),
	/* 27 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(20)),
	/* 28 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 29 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NET(36)),
	/* 30 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 31 */ BPF_STMT(BPF_LDX | BPF_MEM, 0),
	/* 32 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 33: fold, then mix (a multiply-xorshift), so all bits count */
	/* 33 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 34 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
	/* 35 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 36 */ BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 0x45d9f3b),
	/* 37 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 38 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
	/* 39 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
	/* 40 */ BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 1),	/* members */
	/* 41 */ BPF_STMT(BPF_RET | BPF_A, 0),
	/* 42 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

/*
 * The program's choice, computed here: the worker of a flow whose frames
 * came through a tunnel, named by the inner pair the kernel did not see.
 * For any other frame it is the member the frame came to.
 */
unsigned int
capture_fanout_member(const uint8_t src[16], const uint8_t dst[16],
    uint8_t ipver, unsigned int members)
{
	uint32_t	 a = 0, s, d;
	int		 i;

	for (i = 0; i < (ipver == 6 ? 16 : 4); i += 4) {
		memcpy(&s, src + i, 4);
		memcpy(&d, dst + i, 4);
		a ^= ntohl(s) ^ ntohl(d);
	}
	a ^= a >> 16;
	a *= 0x45d9f3b;
	a ^= a >> 16;
	return members > 0 ? a % members : 0;
}

int
capture_fanout(struct capture *c, uint16_t group, unsigned int members,
    char *err, size_t errlen)
{
	struct sock_filter	 prog[sizeof(fanout_prog) /
				    sizeof(fanout_prog[0])];
	struct sock_fprog	 fp = { sizeof(prog) / sizeof(prog[0]), prog };
	int			 fd = pcap_fileno(c->pc);
	int			 v = group | PACKET_FANOUT_CBPF << 16;

	_Static_assert(sizeof(fanout_prog) / sizeof(fanout_prog[0]) ==
	    FANOUT_NONE + 1, "the jumps of the fanout program");
	memcpy(prog, fanout_prog, sizeof(prog));
	prog[40].k = members > 0 ? members : 1;
	if (!c->live || setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &v,
	    sizeof(v)) == -1 || setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA,
	    &fp, sizeof(fp)) == -1) {
		snprintf(err, errlen, "cannot share the capture between "
		    "workers (PACKET_FANOUT): %s", c->live ? strerror(errno) :
		    "not a live capture");
		return -1;
	}
	return 0;
}

static void
discard(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user;
	(void)h;
	(void)bytes;
}

/*
 * Frames queued before every member had joined came to every socket:
 * they are dropped, so that no frame is seen twice.
 */
void
capture_drain(struct capture *c)
{
	while (pcap_dispatch(c->pc, CAPTURE_BATCH, discard, NULL) > 0)
		;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	capture_map_close(&c->map);
	if (c->has_prog)
		pcap_freecode(&c->prog);
	pcap_close(c->pc);
	free(c);
}

struct run_ctx {
	struct capture	*c;
	capture_fn	 fn;
	void		*arg;
	uint64_t	 rebase_us;
	int		 replay;
	uint64_t	 prev_us;	/* previous frame, as recorded */
	int64_t		 shift_us;
	double		 speed;
	uint64_t	 wall0;		/* pacing: wall clock at first frame */
	uint64_t	 ts0;
};

/* Sleeps until a replayed frame is due, in steps that notice a stop. */
static void
pace(struct run_ctx *r, uint64_t ts)
{
	struct timespec	 d;
	uint64_t	 due, now;

	if (r->wall0 == 0) {
		r->wall0 = capture_now_us();
		r->ts0 = ts;
	}
	due = r->wall0 + (uint64_t)((double)(ts - r->ts0) / r->speed);
	while (!stop_requested && (now = capture_now_us()) < due) {
		if (due - now > 100000)
			now = due - 100000;
		d.tv_sec = 0;
		d.tv_nsec = (long)(due - now) * 1000;
		nanosleep(&d, NULL);
		r->fn(r->arg, NULL, NULL, ts > 1000000 ? ts - 1000000 : 0);
	}
}

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct run_ctx	*r = (struct run_ctx *)user;
	struct pkt	 p;
	uint64_t	 ts;

	ts = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
	if (r->rebase_us != 0) {
		r->shift_us = (int64_t)(r->rebase_us - ts);
		r->rebase_us = 0;
		r->prev_us = ts;
	}
	/* A replay compresses long silences of the recording. */
	if (r->replay && ts > r->prev_us + REPLAY_MAX_GAP_US)
		r->shift_us -= (int64_t)(ts - r->prev_us - REPLAY_MAX_GAP_US);
	if (r->replay)
		r->prev_us = ts;
	if ((int64_t)ts + r->shift_us > 0)
		ts = (uint64_t)((int64_t)ts + r->shift_us);
	if (r->speed > 0 && ts >= r->ts0)
		pace(r, ts);
	if (ts > r->c->last_us)
		r->c->last_us = ts;
	r->c->stats.received++;
	r->c->stats.bytes += h->len;
	p.ts_us = ts;
	p.frame = bytes;
	p.caplen = h->caplen;
	/* A corrupt record may claim fewer wire bytes than it holds. */
	p.wirelen = h->len < h->caplen ? h->caplen : h->len;
	r->fn(r->arg, r->c->link, &p, ts);
}

/* The records of a mapped file, as libpcap would hand them over. */
static int
run_map(struct capture *c, struct run_ctx *r, uint64_t count, char *err,
    size_t errlen)
{
	struct pcap_pkthdr	 h;
	const uint8_t		*data;
	int			 rv;

	while (!stop_requested) {
		if (count && c->stats.received >= count)
			return 0;
		if ((rv = capture_map_next(&c->map, &h, &data, err,
		    errlen)) <= 0)
			return rv;
		if (c->has_prog && !pcap_offline_filter(&c->prog, &h, data))
			continue;
		on_frame((u_char *)r, &h, data);
	}
	return 1;
}

int
capture_run(struct capture *c, capture_fn fn, void *arg, uint64_t rebase_us,
    double speed, uint64_t count, char *err, size_t errlen)
{
	struct run_ctx	 r = { c, fn, arg, rebase_us, rebase_us != 0, 0, 0, speed,
	    0, 0 };
	struct pollfd	 pfd[2] = { { c->fd, POLLIN, 0 },
	    { c->wake_fd, POLLIN, 0 } };
	uint64_t	 woken;
	int		 n, batch;

	if (c->map.base != NULL)
		return run_map(c, &r, count, err, errlen);
	while (!stop_requested) {
		batch = CAPTURE_BATCH;
		if (count && count - c->stats.received < (uint64_t)batch)
			batch = (int)(count - c->stats.received);
		n = pcap_dispatch(c->pc, batch, on_frame, (u_char *)&r);
		if (n == PCAP_ERROR) {
			snprintf(err, errlen, "%s", pcap_geterr(c->pc));
			return -1;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (c->live) {
			/* Nothing now: wait, a signal cuts the wait short. */
			if (n == 0 && poll(pfd, c->wake_fd >= 0 ? 2 : 1,
			    CAPTURE_TIMEOUT_MS) == -1 && errno != EINTR) {
				snprintf(err, errlen, "poll: %s",
				    strerror(errno));
				return -1;
			}
			if (c->wake_fd >= 0 && (pfd[1].revents & POLLIN))
				(void)read(c->wake_fd, &woken, sizeof(woken));
			fn(arg, NULL, NULL, capture_now_us());
		} else if (n == 0)
			return 0;
		if (count && c->stats.received >= count)
			return 0;
	}
	return 1;
}

/*
 * Live: a descriptor polled with the socket (an eventfd), so that a
 * wait for frames also ends when it is written to; the callback is then
 * called with no frame.
 */
void
capture_wake_on(struct capture *c, int fd)
{
	c->wake_fd = fd;
}

void
capture_request_stop(void)
{
	stop_requested = 1;
}

int
capture_stopping(void)
{
	return stop_requested;
}

void
capture_stats(struct capture *c, struct capture_stats *s)
{
	struct pcap_stat	 ps;

	*s = c->stats;
	if (c->live && pcap_stats(c->pc, &ps) == 0) {
		s->kernel_drops = ps.ps_drop;
		s->iface_drops = ps.ps_ifdrop;
	}
}

void
capture_keep(struct capture *c, size_t bytes)
{
	if (c->map.base != NULL)
		capture_map_keep(&c->map, bytes);
}

int
capture_frames_stay(const struct capture *c)
{
	return c->map.base != NULL;
}

uint64_t
capture_last_us(struct capture *c)
{
	return c->last_us;
}

const char *
capture_link_name(struct capture *c)
{
	return c->link->name;
}
