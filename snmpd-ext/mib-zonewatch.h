/*
 * ZONEWATCH-MIB (snmpd-ext/ZONEWATCH-MIB.txt): its object identifiers
 * and the rows of its objects, made from the appliance's state.
 */
#ifndef ZW_MIB_ZONEWATCH_H
#define ZW_MIB_ZONEWATCH_H

#include "agent-state.h"
#include "mib-view.h"

/* enterprises.ZW_ENTERPRISE: the build sets the number (see the MIB). */
#define ZW_OID_ROOT		1, 3, 6, 1, 4, 1, ZW_ENTERPRISE
#define ZW_OID_ROOT_LEN		7

/* zwNotifications.N and zwNotifyObjects.N */
enum mib_notification {
	MIB_VIOLATION_FOUND = 1,
	MIB_LINK_DOWN,
	MIB_LINK_UP,
	MIB_CAPTURE_LOSS,
	MIB_STORE_NEARLY_FULL,
	MIB_AUDIT_HEAD_CHANGED
};

/* zwAudit.N: the audit trail's head, also the notification's objects. */
enum mib_audit_object {
	MIB_AUDIT_SEQ = 1,
	MIB_AUDIT_HASH
};
#define MIB_AUDIT_GROUP		10

enum mib_notify_object {
	MIB_N_VIOLATION_ID = 1,
	MIB_N_RULE,
	MIB_N_SEVERITY,
	MIB_N_SOURCE,
	MIB_N_DESTINATION,
	MIB_N_SITE,
	MIB_N_APPLICATION,
	MIB_N_MESSAGE,
	MIB_N_DEVICE,
	MIB_N_PORT,
	MIB_N_VALUE,
	MIB_N_THRESHOLD
};

int	mib_zonewatch_register(void);
/* Builds the rows from the state and makes them the ones served. */
int	mib_zonewatch_update(const struct agent_state *);

#endif
