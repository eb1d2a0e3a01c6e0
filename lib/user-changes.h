/*
 * Changes that wait for a second administrator (GB/T 22239-2019 level 3,
 * 8.1.4.1, the three roles kept apart): one administrator may not create,
 * grant, re-enable or reset an account of another administrator role and
 * then use it.  Such a change is kept (schema 5's user_changes) until an
 * administrator of a third role, neither the one who asked nor the one
 * it is about, confirms or refuses it.
 */
#ifndef ZW_USER_CHANGES_H
#define ZW_USER_CHANGES_H

#include <stdint.h>

#include "store.h"
#include "users.h"

enum userchg_state {
	USERCHG_PENDING,
	USERCHG_CONFIRMED,
	USERCHG_REFUSED
};

struct user_change {
	int64_t		 id;
	char		 action[16];		/* add, role, enable, password */
	char		 target[USER_NAME_MAX + 1];
	enum user_role	 role;			/* added with, or granted */
	char		 hash[160];		/* add, password: the new one */
	char		 requested_by[USER_NAME_MAX + 1];
	enum user_role	 requested_role;
	int64_t		 requested_us;
	enum userchg_state state;
	char		 decided_by[USER_NAME_MAX + 1];
	int64_t		 decided_us;
};

/*
 * Whether a change by an administrator of role actor to an account of
 * role touched (the account's, or the one it is given) waits for a
 * second one: an administrator role that is not the actor's.
 */
int	userchg_needs_second(enum user_role actor, enum user_role touched);
/* Keeps c (its id, state and times are set). */
int	userchg_request(struct store *, struct user_change *c);
int	userchg_get(struct store *, int64_t id, struct user_change *);
typedef int (*userchg_fn)(void *, const struct user_change *);
/* Pending ones only, or the last limit of all; newest first. */
int	userchg_list(struct store *, int pending_only, int limit, userchg_fn,
	    void *);
/*
 * Confirms (and applies) or refuses a pending change.  STORE_INVALID
 * when by may not decide it: of the requester's role, the requester, or
 * the account it is about; STORE_NOTFOUND when it is not pending.
 */
int	userchg_decide(struct store *, int64_t id, int confirm,
	    const char *by, enum user_role by_role);

#endif
