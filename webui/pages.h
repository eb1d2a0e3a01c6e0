/*
 * The pages, one file per group; pages.c lists them with their paths
 * and the roles that may use them.
 */
#ifndef ZW_PAGES_H
#define ZW_PAGES_H

#include "webui.h"

/* page-account.c */
void	page_login_form(struct req *);
void	page_login(struct req *);
/* The login once its password was checked off the loop. */
void	page_login_finish(struct req *, const char *name, const char *code,
	    int password_ok);
void	page_logout(struct req *);
void	page_password(struct req *);
void	page_totp(struct req *);
json_t	*page_account_model(struct req *, int *);
void	page_account_view(struct req *, json_t *);

/* page-overview.c */
json_t	*page_overview_model(struct req *, int *);
void	page_overview_view(struct req *, json_t *);
void	page_health(struct req *);
void	page_metrics(struct req *);
void	page_static(struct req *);
void	page_favicon(struct req *);

/* page-bandwidth.c */
void	page_bandwidth(struct req *);
void	page_bandwidth_view(struct req *, json_t *);
json_t	*page_site_model(struct req *, int *);
void	page_site_view(struct req *, json_t *);
json_t	*page_port_model(struct req *, int *);

/* page-violations.c */
json_t	*page_violations_model(struct req *, int *);
void	page_violations_view(struct req *, json_t *);
json_t	*page_violation_model(struct req *, int *);
void	page_violation_view(struct req *, json_t *);
void	page_evidence(struct req *);
void	page_review(struct req *);
json_t	*page_exceptions_model(struct req *, int *);
void	page_exceptions_view(struct req *, json_t *);
void	page_exceptions_form(struct req *, struct evbuffer *, json_t *v);
void	page_exception_add(struct req *);
void	page_exception_revoke(struct req *);

/* page-devices.c */
json_t	*page_devices_model(struct req *, int *);
void	page_devices_view(struct req *, json_t *);
json_t	*page_device_model(struct req *, int *);
void	page_device_view(struct req *, json_t *);

/* page-admin.c */
json_t	*page_audit_model(struct req *, int *);
void	page_audit_view(struct req *, json_t *);
void	page_audit_export(struct req *);
json_t	*page_reports_model(struct req *, int *);
void	page_reports_view(struct req *, json_t *);
void	page_report_make(struct req *);
void	page_report_file(struct req *);
json_t	*page_users_model(struct req *, int *);
void	page_users_view(struct req *, json_t *);
void	page_user_add(struct req *);
void	page_user_change(struct req *);
json_t	*page_settings_model(struct req *, int *);
void	page_settings_view(struct req *, json_t *);

/* page-user-changes.c */
void	page_user_wait(struct req *, const char *action, const char *name,
	    enum user_role, const char *password);
json_t	*page_user_changes_model(struct req *, int *);
void	page_user_changes_view(struct req *, json_t *);
void	page_user_decide(struct req *);

#endif
