/*
 * The isolation policy: the configuration's rules applied to flows, once
 * when a flow's zones are known and once when nDPI has named it.
 */
#ifndef ZW_POLICY_H
#define ZW_POLICY_H

#include <stdint.h>

#include "conf.h"
#include "dpi.h"
#include "flow-table.h"
#include "zone-map.h"

struct policy;

/* A rule fired on a flow; initiator is FLOW_DIR_LO2HI's side (0 or 1). */
typedef void (*policy_hit_fn)(void *arg, const struct flow *,
		    const struct conf_rule *);

/* Returns NULL with "file:line: ..." in err for an unknown app name. */
struct policy	*policy_new(const struct conf *, const struct zone_map *,
		    struct dpi *, policy_hit_fn, void *arg, char *err,
		    size_t errlen);
void		 policy_free(struct policy *);
void		 policy_eval(struct policy *, struct flow *, int classified);
size_t		 policy_nrules(const struct policy *);
const struct conf_rule *policy_rule(const struct policy *, size_t i,
		    uint64_t *hits);

#endif
