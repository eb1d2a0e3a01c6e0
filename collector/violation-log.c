/*
 * Violation records.  Ends are given as initiator (src, the first
 * packet's sender) and responder (dst): that is how a security officer
 * reads "who connected to whom".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "flow-output.h"
#include "log.h"
#include "violation-log.h"

struct violation_log {
	FILE	*fp;
	char	*path;
	int	 error;
};

struct violation_log *
violation_log_open(const char *path)
{
	struct violation_log	*v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		v->fp = stdout;
	else if ((v->fp = fopen(path, "a")) == NULL) {
		log_warn("violations: %s", path);
		free(v);
		return NULL;
	}
	if ((v->path = strdup(path)) == NULL) {
		violation_log_close(v);
		return NULL;
	}
	return v;
}

static void
json_field(FILE *fp, const char *name, const char *value, int first)
{
	char	 esc[STORE_TEXT_MAX * 6];

	escape_json(esc, sizeof(esc), value);
	fprintf(fp, "%s\"%s\":\"%s\"", first ? "" : ",", name, esc);
}

void
violation_log_record(struct store_violation *v, const struct flow *f,
    const struct conf_rule *r, struct dpi *d, const struct zone_map *zm)
{
	char		 l4[FLOW_L4NAME_MAX];
	int		 s = f->began_lower ? 0 : 1;	/* who began */
	const uint8_t	*a[2] = { f->key.lo, f->key.hi };
	uint16_t	 port[2] = { f->key.lo_port, f->key.hi_port };

	memset(v, 0, sizeof(*v));
	v->rule = r->id;
	v->severity = (int)r->severity;
	snprintf(v->msg_zh, sizeof(v->msg_zh), "%s", r->msg_zh);
	snprintf(v->msg_en, sizeof(v->msg_en), "%s", r->msg_en);
	snprintf(v->l4proto, sizeof(v->l4proto), "%s",
	    flow_output_l4name(f->key.proto, l4));
	flow_output_addr(a[s], f->key.ipver, v->src_ip, sizeof(v->src_ip));
	flow_output_addr(a[1 - s], f->key.ipver, v->dst_ip, sizeof(v->dst_ip));
	v->src_port = port[s];
	v->dst_port = port[1 - s];
	v->vlan = f->key.vlan;
	snprintf(v->src_zone, sizeof(v->src_zone), "%s",
	    zone_map_zone_name(zm, f->zone[s]));
	snprintf(v->dst_zone, sizeof(v->dst_zone), "%s",
	    zone_map_zone_name(zm, f->zone[1 - s]));
	snprintf(v->src_site, sizeof(v->src_site), "%s",
	    zone_map_site_name(zm, f->site[s]));
	snprintf(v->dst_site, sizeof(v->dst_site), "%s",
	    zone_map_site_name(zm, f->site[1 - s]));
	snprintf(v->exit, sizeof(v->exit), "%s", zone_map_exit_name(zm,
	    f->exit));
	dpi_proto_name(d, &f->app, v->app, sizeof(v->app));
	snprintf(v->category, sizeof(v->category), "%s",
	    dpi_category_name(d, f->app.category));
	snprintf(v->hostname, sizeof(v->hostname), "%s", f->app.host);
	v->first_us = (int64_t)f->first_us;
	v->last_us = (int64_t)f->last_us;
	v->state = STORE_NEW;
}

void
violation_log_write(struct violation_log *l, const struct store_violation *v)
{
	fprintf(l->fp, "{\"time\":%lld.%06lld,\"rule\":%" PRIu32,
	    (long long)(v->first_us / 1000000),
	    (long long)(v->first_us % 1000000), v->rule);
	json_field(l->fp, "severity", conf_severity_name(
	    (enum severity)v->severity), 0);
	json_field(l->fp, "msg_zh", v->msg_zh, 0);
	json_field(l->fp, "msg_en", v->msg_en, 0);
	json_field(l->fp, "l4proto", v->l4proto, 0);
	json_field(l->fp, "src_ip", v->src_ip, 0);
	fprintf(l->fp, ",\"src_port\":%u", v->src_port);
	json_field(l->fp, "dst_ip", v->dst_ip, 0);
	fprintf(l->fp, ",\"dst_port\":%u", v->dst_port);
	if (v->vlan)
		fprintf(l->fp, ",\"vlan\":%u", v->vlan);
	json_field(l->fp, "src_zone", v->src_zone, 0);
	json_field(l->fp, "dst_zone", v->dst_zone, 0);
	json_field(l->fp, "src_site", v->src_site, 0);
	json_field(l->fp, "dst_site", v->dst_site, 0);
	json_field(l->fp, "exit", v->exit, 0);
	json_field(l->fp, "app", v->app, 0);
	json_field(l->fp, "category", v->category, 0);
	json_field(l->fp, "hostname", v->hostname, 0);
	if (v->detail[0])
		json_field(l->fp, "detail", v->detail, 0);
	fputs("}\n", l->fp);
}

int
violation_log_flush(struct violation_log *v)
{
	if (fflush(v->fp) == EOF || ferror(v->fp)) {
		if (!v->error)
			log_warn("violations: %s", v->path);
		v->error = 1;
		return -1;
	}
	return 0;
}

int
violation_log_close(struct violation_log *v)
{
	int	 rv;

	if (v == NULL)
		return 0;
	rv = violation_log_flush(v);
	if (v->fp != stdout && fclose(v->fp) == EOF)
		rv = -1;
	free(v->path);
	free(v);
	return rv;
}
