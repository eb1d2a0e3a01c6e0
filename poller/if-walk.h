/*
 * The walk of a device's interface columns, one answer at a time: the
 * columns still walking, the OID each goes on from, and the rows of
 * snmp_poll_result's table that the answers fill.
 */
#ifndef ZW_IF_WALK_H
#define ZW_IF_WALK_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "if-table.h"
#include "snmp-poll.h"

struct if_walk {
	struct snmp_poll_result	*res;
	oid			 next[IF_NCOLUMNS][MAX_OID_LEN];
	size_t			 nextlen[IF_NCOLUMNS];
	uint32_t		 active;	/* columns still walking */
	unsigned int		 backwards;	/* answers not past the asked */
	int			 incol[IF_NCOLUMNS];	/* columns asked */
	int			 nincol;
};

enum if_walk_step {
	IF_WALK_MORE,		/* ask again */
	IF_WALK_DONE,		/* every column has ended */
	IF_WALK_STUCK		/* the answer moved no column forward */
};

/* Every column from its start; SNMPv1 without the Counter64 ones. */
void		 if_walk_begin(struct if_walk *, struct snmp_poll_result *,
		    int v1);
/* sysUpTime, then the next OID of each column still walking. */
void		 if_walk_ask(struct if_walk *, struct snmp_pdu *);
/* SNMPv1's noSuchName at errindex ends that column; -1 if none is. */
int		 if_walk_absent(struct if_walk *, long errindex);
/* An answer's varbinds, as asked by the last if_walk_ask(). */
enum if_walk_step if_walk_answer(struct if_walk *,
		    const struct variable_list *, uint64_t now_us);

#endif
