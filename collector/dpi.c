/*
 * nDPI 4.2 glue.  Detection follows nDPI's own reader (ndpiReader,
 * example/reader_util.c in the 4.2 release) so that results compare:
 * packets go to nDPI until it names an application and has no more use
 * for packets (extra dissection, e.g. a TLS certificate), or until the
 * flow has carried max_tcp_pkts / max_udp_pkts packets; then, if still
 * unknown, ndpi_detection_giveup() guesses by port and address.  The
 * nDPI flow state (about 700 bytes) is freed at once; the flow keeps
 * only struct flow_app.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ndpi_api.h>

#include "dpi.h"
#include "log.h"
#include "protos.h"

#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17

struct dpi {
	struct ndpi_detection_module_struct	*ndpi;
	struct dpi_conf				 conf;
	struct dpi_stats			 stats;
};

/* ndpiReader's defaults: 80 TCP and 24 UDP packets. */
void
dpi_conf_default(struct dpi_conf *c)
{
	c->protos_file = NULL;
	c->max_tcp_pkts = 80;
	c->max_udp_pkts = 24;
}

/*
 * nDPI reads custom protocols only from a file it opens itself: it gets
 * the checked definitions (protos.c) in a private temporary copy.
 */
static int
load_protos(struct ndpi_detection_module_struct *ndpi, const char *path)
{
	const char	*dir = getenv("TMPDIR");
	char		 err[512], tmp[4096], *text;
	size_t		 len;
	FILE		*fp;
	int		 fd, rv = -1, written = 0;

	if (protos_read(path, &text, &len, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	if (len == 0) {
		free(text);
		return 0;
	}
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/zw-protos-XXXXXX", dir) >=
	    sizeof(tmp) || (fd = mkstemp(tmp)) == -1) {
		log_warn("dpi: %s: a temporary copy", path);
		free(text);
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL)
		close(fd);
	else {
		written = fwrite(text, 1, len, fp) == len;
		if (fclose(fp) == EOF)
			written = 0;
	}
	if (!written)
		log_warn("dpi: %s: a temporary copy", path);
	else if (ndpi_load_protocols_file(ndpi, tmp) == 0)
		rv = 0;
	else
		log_warnx("dpi: nDPI cannot read %s", path);
	unlink(tmp);
	free(text);
	return rv;
}

struct dpi *
dpi_new(const struct dpi_conf *conf)
{
	struct dpi		*d;
	NDPI_PROTOCOL_BITMASK	 all;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->conf = *conf;
	if ((d->ndpi = ndpi_init_detection_module(ndpi_no_prefs)) == NULL) {
		free(d);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(d->ndpi, &all);
	if (conf->protos_file != NULL &&
	    load_protos(d->ndpi, conf->protos_file) == -1) {
		ndpi_exit_detection_module(d->ndpi);
		free(d);
		return NULL;
	}
	ndpi_finalize_initialization(d->ndpi);
	return d;
}

void
dpi_free(struct dpi *d)
{
	if (d == NULL)
		return;
	ndpi_exit_detection_module(d->ndpi);
	free(d);
}

static void
dpi_store(struct flow_app *a, ndpi_protocol proto)
{
	a->master = proto.master_protocol;
	a->app = proto.app_protocol;
	a->category = (uint16_t)proto.category;
}

/* Detection is over: keep what nDPI found and free its state. */
static void
dpi_complete(struct dpi *d, struct flow *f)
{
	struct ndpi_flow_struct	*nf = f->dpi;
	ndpi_protocol		 proto;
	u_int8_t		 guessed = 0;

	if (f->app.app == NDPI_PROTOCOL_UNKNOWN) {
		proto = ndpi_detection_giveup(d->ndpi, nf, 1, &guessed);
		dpi_store(&f->app, proto);
	}
	f->app.confidence = (uint8_t)nf->confidence;
	memcpy(f->app.host, nf->host_server_name, sizeof(f->app.host));
	f->app.host[sizeof(f->app.host) - 1] = '\0';
	if (f->app.app == NDPI_PROTOCOL_UNKNOWN &&
	    f->app.master == NDPI_PROTOCOL_UNKNOWN)
		d->stats.flows_unknown++;
	else if (guessed)
		d->stats.flows_guessed++;
	else
		d->stats.flows_detected++;
	ndpi_free_flow(nf);
	f->dpi = NULL;
	f->app.done = 1;
	d->stats.active--;
}

void
dpi_packet(struct dpi *d, struct flow *f, const struct pkt *p)
{
	struct ndpi_flow_struct	*nf;
	ndpi_protocol		 proto;
	int			 enough;

	if (f->app.done || p->frag == PKT_FRAG_LATER)
		return;
	if ((nf = f->dpi) == NULL) {
		if ((nf = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT)) == NULL) {
			d->stats.alloc_failed++;
			f->app.done = 1;
			return;
		}
		memset(nf, 0, SIZEOF_FLOW_STRUCT);
		f->dpi = nf;
		d->stats.active++;
	}
	d->stats.packets++;
	proto = ndpi_detection_process_packet(d->ndpi, nf, p->l3,
	    (unsigned short)(p->l3len > 0xffff ? 0xffff : p->l3len),
	    p->ts_us / 1000);
	dpi_store(&f->app, proto);

	switch (f->key.proto) {
	case IPPROTO_TCP_:
		enough = f->npkts_total > d->conf.max_tcp_pkts;
		break;
	case IPPROTO_UDP_:
		enough = f->npkts_total > d->conf.max_udp_pkts;
		break;
	default:
		/* nDPI's reader never gives up here; we bound the state. */
		enough = f->npkts_total > d->conf.max_udp_pkts;
		break;
	}
	if (!enough && proto.app_protocol == NDPI_PROTOCOL_UNKNOWN)
		return;
	if (!enough && ndpi_extra_dissection_possible(d->ndpi, nf))
		return;
	dpi_complete(d, f);
}

void
dpi_flow_end(struct dpi *d, struct flow *f)
{
	if (f->dpi != NULL)
		dpi_complete(d, f);
}

const struct dpi_stats *
dpi_stats(const struct dpi *d)
{
	return &d->stats;
}

static ndpi_protocol
app_proto(const struct flow_app *a)
{
	ndpi_protocol	 proto;

	memset(&proto, 0, sizeof(proto));
	proto.master_protocol = a->master;
	proto.app_protocol = a->app;
	proto.category = (ndpi_protocol_category_t)a->category;
	return proto;
}

const char *
dpi_proto_name(struct dpi *d, const struct flow_app *a, char *buf,
    size_t len)
{
	return ndpi_protocol2name(d->ndpi, app_proto(a), buf, (u_int)len);
}

const char *
dpi_app_name(struct dpi *d, uint16_t id)
{
	return ndpi_get_proto_name(d->ndpi, id);
}

const char *
dpi_category_name(struct dpi *d, uint16_t category)
{
	return ndpi_category_get_name(d->ndpi,
	    (ndpi_protocol_category_t)category);
}

const char *
dpi_confidence_name(uint8_t confidence)
{
	return ndpi_confidence_get_name((ndpi_confidence_t)confidence);
}

int
dpi_is_encrypted(struct dpi *d, const struct flow_app *a)
{
	return ndpi_is_encrypted_proto(d->ndpi, app_proto(a));
}

int
dpi_app_id(struct dpi *d, const char *name)
{
	char	 buf[64];

	if (snprintf(buf, sizeof(buf), "%s", name) >= (int)sizeof(buf))
		return -1;
	return ndpi_get_protocol_id(d->ndpi, buf);
}

int
dpi_category_id(struct dpi *d, const char *name)
{
	char	 buf[64];

	if (snprintf(buf, sizeof(buf), "%s", name) >= (int)sizeof(buf))
		return -1;
	return ndpi_get_category_id(d->ndpi, buf);
}

uint16_t
dpi_max_app_id(struct dpi *d)
{
	return (uint16_t)ndpi_get_num_supported_protocols(d->ndpi);
}
