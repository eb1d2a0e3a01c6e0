/*
 * The subagent's view of its MIB: rows of (OID, value) kept in OID
 * order, rebuilt whole from the state at each refresh and swapped in,
 * and one net-snmp handler that answers GET and GETNEXT (GETBULK is
 * turned into GETNEXTs by the agent library) from the current rows.
 * Requests are answered from memory: they never wait on a file.
 */
#ifndef ZW_MIB_VIEW_H
#define ZW_MIB_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#define MIB_VIEW_OID_MAX	32

struct mib_view;

struct mib_view	*mib_view_new(void);
void		 mib_view_free(struct mib_view *);
/*
 * Adds a row: prefix (plen arcs) followed by index (ilen arcs).  type is
 * an ASN_ type: numbers for ASN_COUNTER64 in full, for 32-bit types
 * capped at 4294967295; str for ASN_OCTET_STR (copied).  Rows may come
 * in any order; -1 when out of memory or the OID is too long.
 */
int		 mib_view_add(struct mib_view *, const oid *prefix, size_t plen,
		    const oid *index, size_t ilen, u_char type, uint64_t num,
		    const char *str);
/* Registers the subtree; the handler answers from the view last set. */
int		 mib_view_register(const char *name, const oid *root,
		    size_t len);
/* Sorts the view and makes it current; the one before is freed. */
void		 mib_view_publish(struct mib_view *);
size_t		 mib_view_rows(void);

#endif
