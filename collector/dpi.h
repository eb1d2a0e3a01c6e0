/*
 * Application classification by nDPI.  This header and dpi.c are the only
 * places that know nDPI exists; other stages see struct flow_app.
 */
#ifndef ZW_DPI_H
#define ZW_DPI_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow-table.h"

struct dpi_conf {
	const char	*protos_file;	/* nDPI custom protocols, or NULL */
	uint32_t	 max_tcp_pkts;	/* give up after this many packets */
	uint32_t	 max_udp_pkts;
};

struct dpi_stats {
	uint64_t	 packets;	/* handed to nDPI */
	uint64_t	 flows_detected;
	uint64_t	 flows_guessed;	/* by port or address at give-up */
	uint64_t	 flows_unknown;
	uint64_t	 alloc_failed;
	uint64_t	 active;	/* flows holding detection state */
};

struct dpi;

void		 dpi_conf_default(struct dpi_conf *);
struct dpi	*dpi_new(const struct dpi_conf *);
void		 dpi_free(struct dpi *);
void		 dpi_packet(struct dpi *, struct flow *, const struct pkt *);
void		 dpi_flow_end(struct dpi *, struct flow *);
const struct dpi_stats *dpi_stats(const struct dpi *);

/* Names as nDPI prints them; buf holds the result for protocol names. */
const char	*dpi_proto_name(struct dpi *, const struct flow_app *,
		    char *buf, size_t len);
const char	*dpi_app_name(struct dpi *, uint16_t id);
const char	*dpi_category_name(struct dpi *, uint16_t category);
const char	*dpi_confidence_name(uint8_t confidence);
int		 dpi_is_encrypted(struct dpi *, const struct flow_app *);
uint16_t	 dpi_max_app_id(struct dpi *);
/* Ids of names as nDPI prints them (case-insensitive), or -1. */
int		 dpi_app_id(struct dpi *, const char *name);
int		 dpi_category_id(struct dpi *, const char *name);

#endif
