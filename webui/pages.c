/*
 * The table of pages: method, path (a prefix when it ends in '/'), the
 * roles that may use it (0: anyone), and its model and view, or its
 * action.  Each path is also served under /api/ as JSON.  The roles
 * follow level protection's separation of the three administrators
 * (GB/T 22239-2019, 8.1.4.1): the system administrator has users and
 * settings, the security administrator reviews violations, the audit
 * administrator has the trail and the reports; all may read the network.
 */
#include "pages.h"

#define SYS	ROLE_BIT(ROLE_SYSADMIN)
#define SEC	ROLE_BIT(ROLE_SECADMIN)
#define AUD	ROLE_BIT(ROLE_AUDITADMIN)
#define ALL	ROLES_ALL
#define GET	EVHTTP_REQ_GET
#define POST	EVHTTP_REQ_POST

const struct page pages_table[] = {
	{ GET,	"/login",		0,	NULL, NULL, page_login_form },
	{ POST,	"/login",		0,	NULL, NULL, page_login },
	{ GET,	"/health",		0,	NULL, NULL, page_health },
	{ GET,	"/metrics",		0,	NULL, NULL, page_metrics },
	{ GET,	"/static/",		0,	NULL, NULL, page_static },
	{ GET,	"/favicon.ico",		0,	NULL, NULL, page_favicon },
	{ POST,	"/logout",		ALL,	NULL, NULL, page_logout },
	{ GET,	"/account",		ALL,	page_account_model,
	    page_account_view, NULL },
	{ POST,	"/account/password",	ALL,	NULL, NULL, page_password },
	{ POST,	"/account/totp",	ALL,	NULL, NULL, page_totp },
	{ GET,	"/",			ALL,	page_overview_model,
	    page_overview_view, NULL },
	{ GET,	"/bandwidth",		ALL,	NULL, NULL, page_bandwidth },
	{ GET,	"/bandwidth/",		ALL,	page_site_model,
	    page_site_view, NULL },
	{ GET,	"/violations",		ALL,	page_violations_model,
	    page_violations_view, NULL },
	{ GET,	"/violations/",		ALL,	page_violation_model,
	    page_violation_view, NULL },
	{ GET,	"/evidence/",		SEC | AUD, NULL, NULL, page_evidence },
	{ POST,	"/review/",		SEC,	NULL, NULL, page_review },
	/* Allowed by the security administrator, seen by the auditor. */
	{ GET,	"/exceptions",		SEC | AUD, page_exceptions_model,
	    page_exceptions_view, NULL },
	{ POST,	"/exceptions",		SEC,	NULL, NULL, page_exception_add },
	{ POST,	"/exceptions/",		SEC,	NULL, NULL,
	    page_exception_revoke },
	{ GET,	"/devices",		ALL,	page_devices_model,
	    page_devices_view, NULL },
	{ GET,	"/devices/",		ALL,	page_device_model,
	    page_device_view, NULL },
	{ GET,	"/ports/",		ALL,	page_port_model,
	    page_site_view, NULL },
	{ GET,	"/audit",		AUD,	page_audit_model,
	    page_audit_view, NULL },
	{ GET,	"/audit/export.csv",	AUD,	NULL, NULL, page_audit_export },
	/* The security administrator: security reports (may_report()). */
	{ GET,	"/reports",		AUD | SEC, page_reports_model,
	    page_reports_view, NULL },
	{ POST,	"/reports",		AUD | SEC, NULL, NULL,
	    page_report_make },
	{ GET,	"/reports/file/",	AUD | SEC, NULL, NULL,
	    page_report_file },
	{ GET,	"/users",		SYS,	page_users_model,
	    page_users_view, NULL },
	{ POST,	"/users",		SYS,	NULL, NULL, page_user_add },
	{ POST,	"/users/",		SYS,	NULL, NULL, page_user_change },
	{ GET,	"/user-changes",	SYS | SEC | AUD, page_user_changes_model,
	    page_user_changes_view, NULL },
	{ POST,	"/user-changes/",	SYS | SEC | AUD, NULL, NULL,
	    page_user_decide },
	{ GET,	"/settings",		SYS,	page_settings_model,
	    page_settings_view, NULL },
	{ 0,	NULL,			0,	NULL, NULL, NULL }
};

/*
 * Whether the session may use the page at path: what a view asks
 * before it offers a link or a form, from the same table that the
 * dispatcher enforces.
 */
int
pages_may(const struct req *r, int method, const char *path)
{
	const struct page	*p;
	size_t			 len;

	if (r->session == NULL)
		return 0;
	for (p = pages_table; p->path != NULL; p++) {
		if (p->method != method)
			continue;
		len = strlen(p->path);
		if ((p->path[len - 1] == '/' && len > 1) ?
		    strncmp(path, p->path, len) == 0 : strcmp(path, p->path) == 0)
			return p->roles == 0 ||
			    (p->roles & ROLE_BIT(r->session->role)) != 0;
	}
	return 0;
}
