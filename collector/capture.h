/*
 * The capture stage: frames from a live interface or from capture files
 * (pcap or pcapng), handed one by one to a callback as struct pkt with
 * the capture fields set.
 */
#ifndef ZW_CAPTURE_H
#define ZW_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct capture;

struct capture_stats {
	uint64_t	 received;	/* frames read */
	uint64_t	 bytes;
	uint64_t	 kernel_drops;	/* ring full (live) */
	uint64_t	 iface_drops;	/* dropped by the NIC or driver */
	uint64_t	 handover_drops; /* live workers: a ring was full */
};

/* Called per frame; and with p == NULL when time moves on (now_us). */
typedef void (*capture_fn)(void *arg, const struct decode_link *,
		    struct pkt *p, uint64_t now_us);

struct capture	*capture_open_live(const char *iface, unsigned int buffer_mb,
		    const char *filter, char *err, size_t errlen);
struct capture	*capture_open_file(const char *path, const char *filter,
		    char *err, size_t errlen);
/*
 * The same from a descriptor opened before root was given up (read from
 * its start; fd stays the caller's); path names it in messages.
 */
struct capture	*capture_open_fd(int fd, const char *path, const char *filter,
		    char *err, size_t errlen);
/*
 * Live: makes the capture one of members sockets of a fanout group that
 * spread the flows by their address pair (each socket opened alike);
 * then, once all have joined, capture_drain() each.
 */
int		 capture_fanout(struct capture *, uint16_t group,
		    unsigned int members, char *err, size_t errlen);
void		 capture_drain(struct capture *);
/* The member the fanout program gives a frame of this address pair. */
unsigned int	 capture_fanout_member(const uint8_t src[16],
		    const uint8_t dst[16], uint8_t ipver, unsigned int members);
void		 capture_close(struct capture *);

/*
 * Reads until the end of the file, a stop request, or count frames
 * (0: no limit).  With rebase_us set (a replay), timestamps are moved so
 * that the first frame is at rebase_us and silences longer than a second
 * are shortened to one; with speed > 0 the frames are paced at speed
 * times their recorded rate.  Returns 0 at the
 * end, 1 if stopped, -1 on a read error (message in err).
 */
int		 capture_run(struct capture *, capture_fn, void *arg,
		    uint64_t rebase_us, double speed, uint64_t count,
		    char *err, size_t errlen);
int		 capture_stopping(void);
void		 capture_request_stop(void);
/* Live: an eventfd polled with the socket, to end a wait for frames. */
void		 capture_wake_on(struct capture *, int fd);
void		 capture_stats(struct capture *, struct capture_stats *);
/*
 * Whether a frame handed to the callback stays where it is until the
 * capture is closed (a file read in place), rather than only for the call.
 */
int		 capture_frames_stay(const struct capture *);
/* How far behind the reading frames may still be used (see capture-map.h). */
void		 capture_keep(struct capture *, size_t bytes);
uint64_t	 capture_last_us(struct capture *);
const char	*capture_link_name(struct capture *);
uint64_t	 capture_now_us(void);

#endif
