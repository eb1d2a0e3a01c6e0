/*
 * The records of a classic pcap file, read where they lie in memory (a
 * mapping of the file, or any buffer).  Each frame stays valid until
 * capture_map_close().
 */
#ifndef ZW_CAPTURE_MAP_H
#define ZW_CAPTURE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

struct capture_map {
	const uint8_t	*base;
	size_t		 len;
	size_t		 off;		/* of the next record */
	size_t		 dropped;	/* pages before it are unmapped */
	size_t		 keep;		/* bytes kept mapped behind off */
	int		 nsec;
	int		 mapped;	/* base is an mmap(2) of len bytes */
};

/* -1 unless base holds a classic pcap file header. */
int	capture_map_init(struct capture_map *, const uint8_t *base, size_t len);
/* The same, for a file of len bytes open on fd, which it maps. */
int	capture_map_open(struct capture_map *, int fd, size_t len);
/* 1 and the next frame; 0 at the end; -1 on a damaged record (err). */
int	capture_map_next(struct capture_map *, struct pcap_pkthdr *,
	    const uint8_t **data, char *err, size_t errlen);
/*
 * How much of what was read stays mapped (the rest is given back as the
 * walk moves on): at least the last record; more while other threads may
 * still read frames behind the walk.  A page given back too early only
 * costs a fault, as the file is unchanged.
 */
void	capture_map_keep(struct capture_map *, size_t bytes);
void	capture_map_close(struct capture_map *);

#endif
