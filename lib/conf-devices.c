/*
 * The switches the poller reads, and the trend settings: device blocks
 * (address, SNMP version and credentials, timeouts), a site's "uplink
 * DEVICE PORT", poll-interval, rrd-dir, rrdcached, max-outstanding and
 * utilisation-alert.
 */
#include <stdio.h>
#include <string.h>

#include "conf-parse.h"
#include "parse.h"

static int
dev_address(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	return conf_set_text(ps, d->address, sizeof(d->address), argv[0]);
}

static int
dev_port(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;
	unsigned int		 v;

	if (conf_number(ps, "port", argv[0], 1, 65535, &v) == -1)
		return -1;
	d->port = (uint16_t)v;
	return 0;
}

static int
dev_version(struct conf_parser *ps, int argc, char **argv)
{
	static const char *const names[] = { "1", "2c", "3" };
	struct conf_device	*d = ps->obj;
	int			 i;

	for (i = 0; i < 3; i++)
		if (strcmp(argv[0], names[i]) == 0) {
			d->version = (enum snmp_version)i;
			d->has_version = 1;
			return 0;
		}
	conf_error(ps, "version %s: 1, 2c or 3", argv[0]);
	return -1;
}

static int
dev_community(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	return conf_set_text(ps, d->community, sizeof(d->community), argv[0]);
}

static int
dev_user(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	return conf_set_text(ps, d->user, sizeof(d->user), argv[0]);
}

static int
dev_level(struct conf_parser *ps, int argc, char **argv)
{
	static const char *const names[] = { "noAuthNoPriv", "authNoPriv",
	    "authPriv" };
	struct conf_device	*d = ps->obj;
	int			 i;

	for (i = 0; i < 3; i++)
		if (strcmp(argv[0], names[i]) == 0) {
			d->level = (enum snmp_level)i;
			return 0;
		}
	conf_error(ps, "level %s: noAuthNoPriv, authNoPriv or authPriv",
	    argv[0]);
	return -1;
}

/* auth SHA|SHA-256 KEY */
static int
dev_auth(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	if (strcmp(argv[0], "SHA") == 0)
		d->auth = SNMP_AUTH_SHA;
	else if (strcmp(argv[0], "SHA-256") == 0)
		d->auth = SNMP_AUTH_SHA256;
	else {
		conf_error(ps, "auth %s: SHA or SHA-256 (MD5 is not offered)",
		    argv[0]);
		return -1;
	}
	/* RFC 3414, 11.2: a pass phrase of at least 8 characters. */
	if (strlen(argv[1]) < 8) {
		conf_error(ps, "auth key: at least 8 characters");
		return -1;
	}
	return conf_set_text(ps, d->auth_key, sizeof(d->auth_key), argv[1]);
}

/* priv AES KEY */
static int
dev_priv(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	if (strcmp(argv[0], "AES") != 0) {
		conf_error(ps, "priv %s: AES (DES is not offered)", argv[0]);
		return -1;
	}
	if (strlen(argv[1]) < 8) {
		conf_error(ps, "priv key: at least 8 characters");
		return -1;
	}
	return conf_set_text(ps, d->priv_key, sizeof(d->priv_key), argv[1]);
}

static int
dev_context(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d = ps->obj;

	return conf_set_text(ps, d->context, sizeof(d->context), argv[0]);
}

static int
dev_timeout(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "timeout-ms", argv[0], 100, 60000,
	    &((struct conf_device *)ps->obj)->timeout_ms);
}

static int
dev_retries(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "retries", argv[0], 0, 10,
	    &((struct conf_device *)ps->obj)->retries);
}

/* Kept small: a GETBULK answer must fit one datagram. */
static int
dev_repetitions(struct conf_parser *ps, int argc, char **argv)
{
	return conf_number(ps, "max-repetitions", argv[0], 1, 50,
	    &((struct conf_device *)ps->obj)->max_repetitions);
}

static const struct conf_keyword device_keywords[] = {
	{ "address",		1, dev_address,		NULL },
	{ "auth",		2, dev_auth,		NULL },
	{ "community",		1, dev_community,	NULL },
	{ "context",		1, dev_context,		NULL },
	{ "level",		1, dev_level,		NULL },
	{ "max-repetitions",	1, dev_repetitions,	NULL },
	{ "port",		1, dev_port,		NULL },
	{ "priv",		2, dev_priv,		NULL },
	{ "retries",		1, dev_retries,		NULL },
	{ "timeout-ms",		1, dev_timeout,		NULL },
	{ "user",		1, dev_user,		NULL },
	{ "version",		1, dev_version,		NULL },
	{ NULL,			0, NULL,		NULL }
};

const struct conf_block conf_device_block = { "device", device_keywords };

int
conf_device_index(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->devices.n; i++)
		if (strcmp(c->devices.v[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_devices_device(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_device	*d;
	int			 i;

	if (!conf_valid_name(ps, "device", argv[0]))
		return -1;
	if ((i = conf_device_index(ps->conf, argv[0])) >= 0) {
		conf_error(ps, "device %s declared twice (first at %s:%d)",
		    argv[0], ps->conf->devices.v[i].at.file,
		    ps->conf->devices.v[i].at.line);
		return -1;
	}
	if ((d = CONF_ADD(ps, ps->conf->devices, CONF_MAX_DEVICES)) == NULL) {
		conf_error(ps, "too many devices (at most %d)",
		    CONF_MAX_DEVICES);
		return -1;
	}
	strcpy(d->name, argv[0]);
	d->port = 161;
	d->version = SNMP_V2C;
	d->level = SNMP_PRIV;
	d->timeout_ms = 2000;
	d->retries = 1;
	d->max_repetitions = 10;
	d->at = conf_here(ps);
	ps->obj = d;
	return 0;
}

/* In a site block: uplink DEVICE PORT (checked once devices are known). */
int
conf_devices_uplink(struct conf_parser *ps, int argc, char **argv)
{
	struct conf_site	*s = ps->obj;
	struct conf_uplink	*u;

	if (s->nuplinks >= CONF_MAX_UPLINKS) {
		conf_error(ps, "at most %d uplinks per site", CONF_MAX_UPLINKS);
		return -1;
	}
	if (!conf_valid_name(ps, "device", argv[0]))
		return -1;
	u = &s->uplinks[s->nuplinks];
	if (conf_set_text(ps, u->port, sizeof(u->port), argv[1]) == -1)
		return -1;
	strcpy(u->device_name, argv[0]);
	u->device = -1;
	u->at = conf_here(ps);
	s->nuplinks++;
	return 0;
}

/* What only the whole can say: names resolve, v3 has what it needs. */
int
conf_devices_check(struct conf_parser *ps)
{
	struct conf		*c = ps->conf;
	struct conf_device	*d;
	struct conf_uplink	*u;
	size_t			 i;
	int			 j;

	for (i = 0; i < c->devices.n; i++) {
		d = &c->devices.v[i];
		ps->file = d->at.file;
		ps->line = d->at.line;
		if (d->address[0] == '\0') {
			conf_error(ps, "device %s needs an address", d->name);
			return -1;
		}
		if (d->version != SNMP_V3 && d->community[0] == '\0') {
			conf_error(ps, "device %s needs a community (or "
			    "version 3 and a user)", d->name);
			return -1;
		}
		if (d->version == SNMP_V3 && (d->user[0] == '\0' ||
		    (d->level >= SNMP_AUTH && d->auth_key[0] == '\0') ||
		    (d->level == SNMP_PRIV && d->priv_key[0] == '\0'))) {
			conf_error(ps, "device %s: SNMPv3 %s needs a user%s%s",
			    d->name, d->level == SNMP_PRIV ? "authPriv" :
			    d->level == SNMP_AUTH ? "authNoPriv" : "noAuthNoPriv",
			    d->level >= SNMP_AUTH ? ", auth" : "",
			    d->level == SNMP_PRIV ? " and priv" : "");
			return -1;
		}
	}
	for (i = 0; i < c->sites.n; i++)
		for (j = 0; j < c->sites.v[i].nuplinks; j++) {
			u = &c->sites.v[i].uplinks[j];
			if ((u->device = conf_device_index(c,
			    u->device_name)) < 0) {
				ps->file = u->at.file;
				ps->line = u->at.line;
				conf_error(ps, "uplink: device %s is not declared",
				    u->device_name);
				return -1;
			}
		}
	return 0;
}
