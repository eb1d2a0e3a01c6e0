/*
 * Switches: each polled device with its state and the last poll, and a
 * page per device with its ports (name, alias, speed, state, rates), as
 * the poller published them in its status.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "pages.h"
#include "rrd-out.h"

static json_t *
device_of(struct req *r, const char *name)
{
	json_t	*d;
	size_t	 i;

	json_array_foreach(json_object_get(r->w->poller, "devices"), i, d)
		if (json_is_string(json_object_get(d, "name")) && strcmp(
		    json_string_value(json_object_get(d, "name")), name) == 0)
			return d;
	return NULL;
}

json_t *
page_devices_model(struct req *r, int *status)
{
	const struct conf	*c = r->w->conf;
	json_t			*list = json_array(), *d, *i;
	size_t			 k, n;
	int			 down;

	for (k = 0; k < c->devices.n; k++) {
		d = device_of(r, c->devices.v[k].name);
		down = 0;
		json_array_foreach(json_object_get(d, "interfaces"), n, i)
			if (json_integer_value(json_object_get(i, "admin")) ==
			    1 && json_integer_value(json_object_get(i, "oper"))
			    != 1)
				down++;
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:o,s:I,"
		    "s:i}", "name", c->devices.v[k].name, "address",
		    c->devices.v[k].address, "ok", d ? json_incref(
		    json_object_get(d, "ok")) : json_null(), "error", d &&
		    json_object_get(d, "error") ? json_incref(json_object_get(d,
		    "error")) : json_null(), "ports", (json_int_t)
		    json_array_size(json_object_get(d, "interfaces")),
		    "ports_down", down));
	}
	return json_pack("{s:o,s:O}", "devices", list, "poll_time",
	    json_object_get(r->w->poller, "time") ? json_object_get(
	    r->w->poller, "time") : json_null());
}

void
page_devices_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*d;
	size_t		 i;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, T(r, "devices"));
	evbuffer_add_printf(b, "<table id=\"devices\"><tr><th>%s</th><th>%s"
	    "</th><th>%s</th><th>%s</th><th>%s</th></tr>", T(r, "device"),
	    T(r, "address"), T(r, "status"), T(r, "interfaces"),
	    r->en ? "Ports down" : "故障端口");
	json_array_foreach(json_object_get(m, "devices"), i, d) {
		evbuffer_add_printf(b, "<tr><td><a href=\"/devices/");
		html_esc(b, json_string_value(json_object_get(d, "name")));
		evbuffer_add_printf(b, "\">");
		html_esc(b, json_string_value(json_object_get(d, "name")));
		evbuffer_add_printf(b, "</a></td><td>");
		html_esc(b, json_string_value(json_object_get(d, "address")));
		evbuffer_add_printf(b, "</td><td class=\"%s\">",
		    json_is_true(json_object_get(d, "ok")) ? "note" : "error");
		if (json_is_true(json_object_get(d, "ok")))
			evbuffer_add_printf(b, "%s", T(r, "ok"));
		else
			html_esc(b, json_is_string(json_object_get(d, "error")) ?
			    json_string_value(json_object_get(d, "error")) :
			    "-");
		evbuffer_add_printf(b, "</td><td class=\"num\">%lld</td><td "
		    "class=\"num\">%d</td></tr>", (long long)json_integer_value(
		    json_object_get(d, "ports")), (int)json_integer_value(
		    json_object_get(d, "ports_down")));
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}

json_t *
page_device_model(struct req *r, int *status)
{
	json_t	*d;

	if (conf_device_index(r->w->conf, r->rest) < 0) {
		*status = 404;
		return NULL;
	}
	if ((d = device_of(r, r->rest)) == NULL)
		return json_pack("{s:s,s:b,s:[]}", "name", r->rest, "ok", 0,
		    "interfaces");
	return json_deep_copy(d);
}

void
page_device_view(struct req *r, json_t *m)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*i;
	char		 safe[256];
	size_t		 k;

	if (b == NULL) {
		reply_no_memory(r);
		return;
	}
	html_begin(r, b, json_string_value(json_object_get(m, "name")));
	evbuffer_add_printf(b, "<table id=\"ports\"><tr><th>ifIndex</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>", T(r, "port"), T(r, "alias"), r->en ?
	    "Speed" : "速率", T(r, "status"), T(r, "in"), T(r, "out"));
	json_array_foreach(json_object_get(m, "interfaces"), k, i) {
		rrd_out_safe_name(json_is_string(json_object_get(i, "name")) ?
		    json_string_value(json_object_get(i, "name")) : "", safe,
		    sizeof(safe));
		evbuffer_add_printf(b, "<tr><td>%lld</td><td><a href=\""
		    "/ports/", (long long)json_integer_value(json_object_get(i,
		    "index")));
		html_esc(b, json_string_value(json_object_get(m, "name")));
		evbuffer_add_printf(b, "/");
		html_esc(b, safe);
		evbuffer_add_printf(b, "\">");
		html_esc(b, json_string_value(json_object_get(i, "name")));
		evbuffer_add_printf(b, "</a></td><td>");
		html_esc(b, json_string_value(json_object_get(i, "alias")));
		evbuffer_add_printf(b, "</td><td class=\"num\">");
		html_bps(b, json_number_value(json_object_get(i, "speed")));
		/* IF-MIB ifOperStatus and ifAdminStatus: 1 is up. */
		evbuffer_add_printf(b, "</td><td>%s</td><td class=\"num\">",
		    T(r, json_integer_value(json_object_get(i, "oper")) == 1 ?
		    "ok" : json_integer_value(json_object_get(i, "admin")) !=
		    1 ? "admin_down" : "port_down"));
		if (json_is_number(json_object_get(i, "in_bps")))
			html_bps(b, json_number_value(json_object_get(i,
			    "in_bps")));
		evbuffer_add_printf(b, "</td><td class=\"num\">");
		if (json_is_number(json_object_get(i, "out_bps")))
			html_bps(b, json_number_value(json_object_get(i,
			    "out_bps")));
		evbuffer_add_printf(b, "</td></tr>");
	}
	evbuffer_add_printf(b, "</table>");
	html_end(r, b);
	reply_html(r, 200, b);
	evbuffer_free(b);
}
