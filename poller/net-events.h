/*
 * What changed between two polls, as events in the store: a device that
 * stops or starts answering, a port whose link goes down or up (ports
 * shut by an administrator aside), and a site uplink above the
 * configured share of its contracted bandwidth (once, until it has come
 * back under it by a tenth).
 */
#ifndef ZW_NET_EVENTS_H
#define ZW_NET_EVENTS_H

#include <stdint.h>

#include "conf.h"
#include "if-table.h"
#include "rates.h"
#include "store.h"

struct net_events;

struct net_events *net_events_new(const struct conf *, struct store *);
void		 net_events_free(struct net_events *);
void		 net_events_begin(struct net_events *);
int		 net_events_commit(struct net_events *);
void		 net_events_device(struct net_events *, size_t device, int ok,
		    const char *error, int64_t now_us);
void		 net_events_port(struct net_events *, size_t device,
		    const struct if_row *prev, const struct if_row *cur,
		    const struct rates *, int64_t now_us);
unsigned long	 net_events_written(const struct net_events *);

#endif
