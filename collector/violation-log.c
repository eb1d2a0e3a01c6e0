/*
 * Violation records.  Ends are given as initiator (src, the first
 * packet's sender) and responder (dst): that is how a security officer
 * reads "who connected to whom".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char	 esc[FLOW_HOST_MAX * 6 + CONF_TEXT_MAX * 6];

	flow_output_json_escape(esc, sizeof(esc), value);
	fprintf(fp, "%s\"%s\":\"%s\"", first ? "" : ",", name, esc);
}

void
violation_log_write(struct violation_log *v, const struct flow *f,
    const struct conf_rule *r, struct dpi *d, const struct zone_map *zm)
{
	char		 src[64], dst[64], proto[128], l4[FLOW_L4NAME_MAX];
	int		 s = f->src_is_lower ? 0 : 1;
	const uint8_t	*a[2] = { f->key.lo, f->key.hi };
	uint16_t	 port[2] = { f->key.lo_port, f->key.hi_port };

	flow_output_addr(a[s], f->key.ipver, src, sizeof(src));
	flow_output_addr(a[1 - s], f->key.ipver, dst, sizeof(dst));
	dpi_proto_name(d, &f->app, proto, sizeof(proto));
	fprintf(v->fp, "{\"time\":%" PRIu64 ".%06" PRIu64 ",\"rule\":%" PRIu32,
	    f->first_us / 1000000, f->first_us % 1000000, r->id);
	json_field(v->fp, "severity", conf_severity_name(r->severity), 0);
	json_field(v->fp, "msg_zh", r->msg_zh, 0);
	json_field(v->fp, "msg_en", r->msg_en, 0);
	json_field(v->fp, "l4proto", flow_output_l4name(f->key.proto, l4), 0);
	json_field(v->fp, "src_ip", src, 0);
	fprintf(v->fp, ",\"src_port\":%u", port[s]);
	json_field(v->fp, "dst_ip", dst, 0);
	fprintf(v->fp, ",\"dst_port\":%u", port[1 - s]);
	if (f->key.vlan)
		fprintf(v->fp, ",\"vlan\":%u", f->key.vlan);
	json_field(v->fp, "src_zone", zone_map_zone_name(zm, f->zone[s]), 0);
	json_field(v->fp, "dst_zone", zone_map_zone_name(zm, f->zone[1 - s]), 0);
	json_field(v->fp, "src_site", zone_map_site_name(zm, f->site[s]), 0);
	json_field(v->fp, "dst_site", zone_map_site_name(zm, f->site[1 - s]), 0);
	json_field(v->fp, "exit", zone_map_exit_name(zm, f->exit), 0);
	json_field(v->fp, "app", proto, 0);
	json_field(v->fp, "category", dpi_category_name(d, f->app.category), 0);
	json_field(v->fp, "hostname", f->app.host, 0);
	fputs("}\n", v->fp);
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
