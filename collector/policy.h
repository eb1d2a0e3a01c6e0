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

/* Returns NULL with "file:line: ..." in err for an unknown app name. */
struct policy	*policy_new(const struct conf *, const struct zone_map *,
		    struct dpi *, char *err, size_t errlen);
void		 policy_free(struct policy *);
/* Sets the bits of the rules that fire in f->fired; detect rules aside. */
void		 policy_eval(struct policy *, struct flow *, int classified);
/* A detector's finding: rule i fires on the flow, once. */
void		 policy_fire(struct policy *, struct flow *, size_t i);
size_t		 policy_nrules(const struct policy *);
const struct conf_rule *policy_rule(const struct policy *, size_t i,
		    uint64_t *hits);

#endif
