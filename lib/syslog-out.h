/*
 * Violations as syslog messages (RFC 5424) with structured data, to the
 * receivers of the configuration: over UDP (RFC 5426), one message per
 * datagram, or TCP with octet counting (RFC 6587, 3.4.1).  Export is
 * best effort beside the store, which has everything: a message that
 * cannot be sent is counted, never retried forever.
 */
#ifndef ZW_SYSLOG_OUT_H
#define ZW_SYSLOG_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

#define SYSLOG_MSG_MAX	4096

struct syslog_out_stats {
	uint64_t	 sent;
	uint64_t	 failed;
};

struct syslog_out;

struct syslog_out *syslog_out_new(const struct conf_syslog *);
void		 syslog_out_free(struct syslog_out *);
/* Sends if the violation is at or above the receiver's severity. */
int		 syslog_out_send(struct syslog_out *,
		    const struct store_violation *, int64_t now_us);
/*
 * The audit trail's head (sequence and hash), sent whatever the
 * receiver's severity: kept by the receiver, it is an anchor for zwctl
 * audit verify --anchor.
 */
int		 syslog_out_send_head(struct syslog_out *, int64_t seq,
		    const char *hash, int64_t now_us);
const struct syslog_out_stats *syslog_out_stats(const struct syslog_out *);

/* The message itself, without framing; returns its length. */
size_t		 syslog_out_format(char *buf, size_t len, int facility,
		    const char *hostname, int procid,
		    const struct store_violation *);
size_t		 syslog_out_format_head(char *buf, size_t len, int facility,
		    const char *hostname, int procid, int64_t at_us,
		    int64_t seq, const char *hash);

#endif
