/*
 * Notifications, sent through the master agent (AgentX Notify-PDU, RFC
 * 2741, 6.2.10), which turns them into the traps or informs its
 * configuration asks for (trap2sink, informsink, trapsess).
 */
#ifndef ZW_NOTIFY_H
#define ZW_NOTIFY_H

#include "agent-state.h"
#include "store.h"

/* At most this many violation or link notifications per refresh. */
#define NOTIFY_BURST	100

struct notify;

struct notify	*notify_new(const struct conf *);
void		 notify_free(struct notify *);
/*
 * Compares the state with the last one: new violation records at or
 * above notify-severity, link events, capture loss and a full store.
 * The first call only takes note of where things stand.
 */
void		 notify_check(struct notify *, const struct agent_state *,
		    struct store *);

#endif
