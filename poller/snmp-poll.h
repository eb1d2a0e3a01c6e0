/*
 * One poll of every device: the IF-MIB columns of each walked with
 * GETBULK (GETNEXT for SNMPv1), all devices at once up to a bound on how
 * many are outstanding, each with its own timeout and retries.  A device
 * that does not answer, or answers nonsense, ends its own walk and no
 * other's.
 */
#ifndef ZW_SNMP_POLL_H
#define ZW_SNMP_POLL_H

#include <stdint.h>

#include "conf.h"
#include "if-table.h"

#define SNMP_POLL_MAX_REQUESTS	4096	/* per device and poll */

struct snmp_poll_result {
	struct if_table	 table;
	uint32_t	 uptime;	/* sysUpTime, centiseconds */
	int		 have_uptime;
	int		 ok;		/* the walk ended normally */
	char		 error[160];
	uint64_t	 started_us;	/* monotonic */
	uint64_t	 done_us;
	uint64_t	 uptime_us;	/* when sysUpTime was read */
	unsigned int	 requests;
	unsigned int	 bad_values;	/* of an unexpected type or place */
	unsigned int	 finished;	/* 1 for the first device done */
};

int		 snmp_poll_init(void);
void		 snmp_poll_shutdown(void);
/*
 * Polls c->devices (results[i] for device i, cleared first).  Returns
 * the number of devices that answered.
 */
int		 snmp_poll_run(const struct conf *, struct snmp_poll_result *,
		    unsigned int max_outstanding);
uint64_t	 snmp_poll_now_us(void);

#endif
