/*
 * The stores, SQLite databases in WAL mode, one per trust domain.  The
 * event store holds what traffic makes: violations, their evidence, the
 * network's events; the collector and the poller write, zwctl and the
 * web UI read and review, at the same time.  The administrators' store
 * (lib/store-admin.c) holds what administrators own: accounts, the audit
 * trail, the review history; the collector cannot open it.  Every change
 * is a transaction, so a crash or a full disk leaves the last committed
 * state intact.
 */
#ifndef ZW_STORE_H
#define ZW_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION	8
#define STORE_ADMIN_SCHEMA_VERSION 1

/* Results: 0, or one of these. */
#define STORE_ERR		-1	/* see store_errmsg() */
#define STORE_FULL		-2	/* the disk or the database is full */
#define STORE_NOTFOUND		-3
#define STORE_INVALID		-4	/* a request the store refuses */

#define STORE_READONLY		0x01
#define STORE_CREATE		0x02

/* A review's states; a record starts new. */
#define STORE_STATES(X)						\
	X(NEW,		"new")					\
	X(ACKNOWLEDGED,	"acknowledged")				\
	X(RESOLVED,	"resolved")				\
	X(FALSE_POSITIVE, "false-positive")

#define STORE_STATE_ENUM(id, name)	STORE_##id,
enum store_state {
	STORE_STATES(STORE_STATE_ENUM)
	STORE_NSTATES
};
#undef STORE_STATE_ENUM

#define STORE_IP_MAX		48
#define STORE_NAME_MAX		64
#define STORE_TEXT_MAX		256

struct store_violation {
	int64_t		 id;
	uint32_t	 rule;
	int		 severity;		/* enum severity: 0 critical */
	char		 msg_zh[STORE_TEXT_MAX];
	char		 msg_en[STORE_TEXT_MAX];
	char		 l4proto[8];
	char		 src_ip[STORE_IP_MAX];	/* the initiator */
	char		 dst_ip[STORE_IP_MAX];
	uint16_t	 src_port;
	uint16_t	 dst_port;
	uint16_t	 vlan;
	char		 src_zone[STORE_NAME_MAX];
	char		 dst_zone[STORE_NAME_MAX];
	char		 src_site[STORE_NAME_MAX];
	char		 dst_site[STORE_NAME_MAX];
	char		 exit[STORE_NAME_MAX];
	char		 app[128];
	char		 category[STORE_NAME_MAX];
	char		 hostname[STORE_TEXT_MAX];
	char		 detail[STORE_TEXT_MAX];	/* what a detector saw */
	int64_t		 first_us;		/* traffic time */
	int64_t		 last_us;
	int64_t		 flows;
	int64_t		 packets;		/* of flows that ended */
	int64_t		 bytes;
	enum store_state state;
	char		 reviewed_by[STORE_NAME_MAX];
	int64_t		 reviewed_us;
	char		 comment[STORE_TEXT_MAX];
	int64_t		 created_us;		/* wall clock */
	int64_t		 updated_us;
	int64_t		 nevidence;
};

/* What a listing selects; zero values select everything. */
struct store_filter {
	int64_t		 since_us;		/* last seen at or after */
	int64_t		 until_us;		/* first seen before */
	uint32_t	 rule;
	int		 max_severity;		/* this and worse; -1 any */
	int		 state;			/* -1 any */
	const char	*site;			/* either end */
	const char	*zone;			/* either end */
	const char	*app;
	const char	*ip;			/* either end */
	int64_t		 before_id;		/* ids below it (pages); 0 */
	int64_t		 limit;			/* 0: no limit */
};

struct store_evidence {
	int64_t		 id;
	int64_t		 violation;
	int64_t		 first_us;
	int64_t		 packets;
	const void	*pcap;
	size_t		 len;
};

/* What happened to the network: link state, utilisation, devices. */
struct store_event {
	int64_t		 id;
	char		 kind[24];		/* link-down, link-up, ... */
	int		 severity;
	char		 device[STORE_NAME_MAX];
	char		 port[STORE_NAME_MAX];
	char		 site[STORE_NAME_MAX];
	char		 detail[STORE_TEXT_MAX];
	int64_t		 at_us;
	enum store_state state;
	char		 reviewed_by[STORE_NAME_MAX];
	int64_t		 reviewed_us;
	char		 comment[STORE_TEXT_MAX];
	int64_t		 created_us;
};

struct store;

struct store	*store_open(const char *path, int flags, char *err,
		    size_t errlen);
/*
 * The administrators' store.  With events_path, the tables that a store
 * from before the split still holds there (and its key) move over first,
 * kept whole: an upgrade loses nothing.
 */
struct store	*store_admin_open(const char *path, const char *events_path,
		    int flags, char *err, size_t errlen);
/*
 * 1 if the event store at events_path still holds the administrators'
 * tables (a store, or a backup, from before the split), which drop
 * drops; 0 if it holds none; -1 and err.
 */
int		 store_admin_legacy(const char *events_path, int drop,
		    char *err, size_t errlen);
void		 store_close(struct store *);
const char	*store_errmsg(const struct store *);
const char	*store_path(const struct store *);

int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/*
 * Records a violation; a repeat of the same rule, initiator, responder
 * and application while its record is open (new or acknowledged) and
 * seen within window_us updates that record.  An application not yet
 * named ("") on either side matches any.  v->id is set; *created says
 * which happened.
 */
int		 store_violation_add(struct store *, struct store_violation *v,
		    int64_t window_us, int *created);
/*
 * Names the application of record id, opened before nDPI had named its
 * flow (app ""); a record named already keeps its name.
 */
int		 store_violation_name(struct store *, int64_t id,
		    const char *app, const char *category,
		    const char *hostname);
/* Adds a flow's packets and bytes to the record id. */
int		 store_violation_count(struct store *, int64_t id,
		    int64_t packets, int64_t bytes, int64_t last_us);
/* Keeps at most max pcaps per record: the first ones. */
int		 store_evidence_add(struct store *, int64_t violation,
		    int64_t first_us, int64_t packets, const void *pcap,
		    size_t len, int max);
/* What a review is of. */
enum store_review {
	STORE_REVIEW_VIOLATION,
	STORE_REVIEW_EVENT
};

/*
 * A violation's or an event's review, by the same rules: the state goes
 * to the record, the change to admin's review history.  STORE_INVALID
 * for a state it has already, or a resolution or false positive without
 * a comment.
 */
int		 store_review(struct store *, struct store *admin,
		    enum store_review, int64_t id, enum store_state,
		    const char *who, const char *comment, int64_t now_us);
/* Removes records last updated before the time; evidence goes with them. */
int		 store_purge(struct store *, int64_t before_us,
		    int64_t *removed);

void		 store_filter_init(struct store_filter *);
typedef int	(*store_violation_fn)(void *, const struct store_violation *);
int		 store_violations(struct store *, const struct store_filter *,
		    store_violation_fn, void *);
int		 store_violation_get(struct store *, int64_t id,
		    struct store_violation *);
typedef int	(*store_evidence_fn)(void *, const struct store_evidence *);
int		 store_evidence(struct store *, int64_t violation,
		    store_evidence_fn, void *);
/* Oldest record's creation time, 0 if none. */
int		 store_oldest(struct store *, int64_t *created_us);
/* counts[severity][state] for severities below nseverities; newest id. */
int		 store_violation_counts(struct store *,
		    int64_t counts[][STORE_NSTATES], int nseverities,
		    int64_t *newest);
/* Made after an id up to another, at max_severity or worse, oldest first. */
int		 store_violations_after(struct store *, int64_t after_id,
		    int64_t upto_id, int max_severity, int64_t limit,
		    store_violation_fn, void *);

int		 store_event_add(struct store *, struct store_event *);
typedef int	(*store_event_fn)(void *, const struct store_event *);
/* Newest first; kind, device or site NULL for any. */
int		 store_events(struct store *, int64_t since_us, const char *kind,
		    const char *device, const char *site, int64_t limit,
		    store_event_fn, void *);
/* Recorded after an id, oldest first. */
int		 store_events_after(struct store *, int64_t after_id,
		    int64_t limit, store_event_fn, void *);

/*
 * An exception (lib/store-exceptions.c): a host (the side that began),
 * and the rule, application and peer it names (0 or "": any), allowed
 * until a time, for a reason; revoked, never removed.
 */
struct store_exception {
	int64_t		 id;
	char		 host[STORE_IP_MAX];
	uint32_t	 rule;
	char		 app[128];
	char		 peer[STORE_IP_MAX];
	int64_t		 until_us;
	char		 reason[STORE_TEXT_MAX];
	char		 made_by[STORE_NAME_MAX];
	int64_t		 made_us;
	int64_t		 violation;		/* made from it; 0 */
	int64_t		 revoked_us;		/* 0: not */
	char		 revoked_by[STORE_NAME_MAX];
	int64_t		 hits;			/* records it kept away */
	int64_t		 last_hit_us;
};
/* An address as records write it; -1 if it is none. */
int		 store_exception_host(const char *in, char *out, size_t len);
/* STORE_INVALID without host, reason or end; sets x->id. */
int		 store_exception_add(struct store *, struct store_exception *x);
/* STORE_NOTFOUND, or STORE_INVALID when revoked already. */
int		 store_exception_revoke(struct store *, int64_t id,
		    const char *by, int64_t now_us);
int		 store_exception_hit(struct store *, int64_t id, int64_t at_us);
typedef int	(*store_exception_fn)(void *, const struct store_exception *);
/* In force at now_us when active, else all; newest first. */
int		 store_exceptions(struct store *, int active, int64_t now_us,
		    store_exception_fn, void *);
int		 store_exception_allows(const struct store_exception *,
		    const struct store_violation *, int64_t at_us);
/* A flow taken from a record; a new record of one flow goes. */
int		 store_violation_drop(struct store *, int64_t id);

const char	*store_state_name(enum store_state);
int		 store_state_parse(const char *);

#endif
