/*
 * Writes the benchmark captures.
 *
 *   gen-capture mixed OUT K SHORT PCAP...
 *	every Ethernet capture given, K times over with rewritten addresses
 *	(the copies interleaved, as concurrent users would be), then SHORT
 *	synthetic short flows (a DNS exchange, or a refused TCP connection)
 *	spread among them: a busy uplink's mix;
 *   gen-capture small OUT FLOWS PKTS
 *	the worst case: FLOWS flows of PKTS packets of 64 bytes each;
 *   gen-capture dns OUT FLOWS
 *	FLOWS DNS exchanges, all alive at the end: memory per tracked flow.
 *
 * Addresses are rewritten by XOR with the copy number in their two
 * lowest bytes (IPv4 and IPv6), both ends alike, so every copy is a new
 * set of flows with the same structure.  Checksums are not fixed up:
 * neither zw-collector nor ndpiReader checks them.
 */
#include <err.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP	262144

struct frame {
	struct pcap_pkthdr	 h;
	uint8_t			*data;
};

static pcap_dumper_t *
open_out(const char *path)
{
	pcap_t		*dead = pcap_open_dead(DLT_EN10MB, SNAP);
	pcap_dumper_t	*d;

	if ((d = pcap_dump_open(dead, path)) == NULL)
		errx(1, "%s: %s", path, pcap_geterr(dead));
	return d;
}

/* Offset of the IP header in an Ethernet frame, or 0. */
static size_t
ip_offset(const uint8_t *p, size_t len, int *v6)
{
	size_t	 off = 12;
	uint16_t type;

	while (off + 2 <= len) {
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
		if (type == 0x8100 || type == 0x88a8) {
			off += 4;
			continue;
		}
		if (type == 0x0800 && off + 2 + 20 <= len) {
			*v6 = 0;
			return off + 2;
		}
		if (type == 0x86dd && off + 2 + 40 <= len) {
			*v6 = 1;
			return off + 2;
		}
		return 0;
	}
	return 0;
}

static void
rewrite(uint8_t *p, size_t len, uint32_t k)
{
	size_t	 ip;
	int	 v6;

	if ((ip = ip_offset(p, len, &v6)) == 0)
		return;
	if (!v6) {
		p[ip + 14] ^= (uint8_t)(k >> 8);
		p[ip + 15] ^= (uint8_t)k;
		p[ip + 18] ^= (uint8_t)(k >> 8);
		p[ip + 19] ^= (uint8_t)k;
	} else {
		p[ip + 8 + 14] ^= (uint8_t)(k >> 8);
		p[ip + 8 + 15] ^= (uint8_t)k;
		p[ip + 24 + 14] ^= (uint8_t)(k >> 8);
		p[ip + 24 + 15] ^= (uint8_t)k;
	}
}

static size_t
build(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
    uint16_t dport, uint8_t flags, const uint8_t *pl, size_t plen)
{
	size_t	 l4 = proto == 6 ? 20 : 8, tot = 20 + l4 + plen, o = 0;

	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00",
	    14);
	o = 14;
	b[o++] = 0x45; b[o++] = 0;
	b[o++] = (uint8_t)(tot >> 8); b[o++] = (uint8_t)tot;
	memset(b + o, 0, 4); o += 4;
	b[o++] = 64; b[o++] = proto; b[o++] = 0; b[o++] = 0;
	b[o++] = (uint8_t)(src >> 24); b[o++] = (uint8_t)(src >> 16);
	b[o++] = (uint8_t)(src >> 8); b[o++] = (uint8_t)src;
	b[o++] = (uint8_t)(dst >> 24); b[o++] = (uint8_t)(dst >> 16);
	b[o++] = (uint8_t)(dst >> 8); b[o++] = (uint8_t)dst;
	b[o++] = (uint8_t)(sport >> 8); b[o++] = (uint8_t)sport;
	b[o++] = (uint8_t)(dport >> 8); b[o++] = (uint8_t)dport;
	if (proto == 6) {
		memset(b + o, 0, 8); b[o + 3] = 1; o += 8;
		b[o++] = 0x50; b[o++] = flags; b[o++] = 0xff; b[o++] = 0xff;
		memset(b + o, 0, 4); o += 4;
	} else {
		b[o++] = (uint8_t)((8 + plen) >> 8); b[o++] = (uint8_t)(8 + plen);
		b[o++] = 0; b[o++] = 0;
	}
	if (plen > 0)
		memcpy(b + o, pl, plen);
	return o + plen;
}

static void
put(pcap_dumper_t *d, uint64_t us, const uint8_t *b, size_t len)
{
	struct pcap_pkthdr	 h;

	h.ts.tv_sec = (time_t)(us / 1000000);
	h.ts.tv_usec = (suseconds_t)(us % 1000000);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d, &h, b);
}

static const uint8_t dnsq[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    "\x03www\x07" "example\x03gov\x02" "cn\x00\x00\x01\x00\x01";
static const uint8_t dnsr[] = "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
    "\x03www\x07" "example\x03gov\x02" "cn\x00\x00\x01\x00\x01"
    "\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02\x01";

/* One short flow: a DNS exchange or a refused TCP connection. */
static uint64_t
short_flow(pcap_dumper_t *d, uint32_t i, uint64_t us)
{
	uint8_t		 b[256];
	uint32_t	 c = 0x0a400000u + i, s = 0x0a800000u + (i & 0xffff);
	uint16_t	 port = (uint16_t)(1024 + i % 60000);

	if (i % 3 != 2) {
		put(d, us, b, build(b, c, s, 17, port, 53, 0, dnsq,
		    sizeof(dnsq) - 1));
		put(d, us + 1, b, build(b, s, c, 17, 53, port, 0, dnsr,
		    sizeof(dnsr) - 1));
		return us + 2;
	}
	put(d, us, b, build(b, c, s, 6, port, 8080, 0x02, NULL, 0));
	put(d, us + 1, b, build(b, s, c, 6, 8080, port, 0x14, NULL, 0));
	return us + 2;
}

static int
mixed(const char *out, uint32_t k, uint32_t nshort, char **files, int n)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	pcap_dumper_t	*d = open_out(out);
	pcap_t		*in;
	struct pcap_pkthdr *h;
	const u_char	*data;
	uint8_t		*copy = malloc(SNAP);
	uint64_t	 base = 1700000000ULL * 1000000, first, us = base;
	uint64_t	 npk = 0, total_in = 0, every, sidx = 0;
	uint32_t	 c;
	int		 i;

	if (copy == NULL)
		err(1, "malloc");
	for (i = 0; i < n; i++)
		if ((in = pcap_open_offline(files[i], ebuf)) != NULL) {
			if (pcap_datalink(in) == DLT_EN10MB)
				while (pcap_next_ex(in, &h, &data) == 1)
					total_in++;
			pcap_close(in);
		}
	every = nshort ? (total_in * k) / nshort + 1 : 0;
	for (i = 0; i < n; i++) {
		if ((in = pcap_open_offline(files[i], ebuf)) == NULL) {
			warnx("%s: %s", files[i], ebuf);
			continue;
		}
		if (pcap_datalink(in) != DLT_EN10MB) {
			pcap_close(in);
			continue;
		}
		first = 0;
		while (pcap_next_ex(in, &h, &data) == 1) {
			uint64_t t = (uint64_t)h->ts.tv_sec * 1000000 +
			    (uint64_t)h->ts.tv_usec;

			if (first == 0)
				first = t;
			/* Keep each file's pace, but cap its gaps at 1 s. */
			if (t > first)
				us += t - first > 1000000 ? 1000000 : t - first;
			first = t;
			for (c = 0; c < k; c++) {
				memcpy(copy, data, h->caplen);
				rewrite(copy, h->caplen, c + 1);
				put(d, us, copy, h->caplen);
				if (every && ++npk % every == 0 && sidx < nshort)
					short_flow(d, (uint32_t)sidx++, us);
			}
		}
		us += 1000000;
		pcap_close(in);
	}
	while (sidx < nshort)
		us = short_flow(d, (uint32_t)sidx++, us);
	pcap_dump_close(d);
	free(copy);
	return 0;
}

static int
small(const char *out, uint32_t nflows, uint32_t pkts)
{
	pcap_dumper_t	*d = open_out(out);
	uint8_t		 b[64], pl[6] = { 0 };
	uint64_t	 us = 1700000000ULL * 1000000;
	uint32_t	 p, f;
	size_t		 len;

	for (p = 0; p < pkts; p++)
		for (f = 0; f < nflows; f++, us++) {
			int	 up = (p & 1) == 0;
			uint32_t a = 0x0a000000u + f, s = 0x0b000000u + (f & 0xfff);

			pl[0] = (uint8_t)p;
			if (f & 1)
				len = build(b, up ? a : s, up ? s : a, 6,
				    up ? 40000 : 443, up ? 443 : 40000,
				    p == 0 ? 0x02 : 0x18, pl, 6);
			else
				len = build(b, up ? a : s, up ? s : a, 17,
				    up ? 40000 : 5060, up ? 5060 : 40000, 0,
				    pl, 18);
			memset(b + len, 0, sizeof(b) - len);
			put(d, us, b, sizeof(b));
		}
	pcap_dump_close(d);
	return 0;
}

static int
dns(const char *out, uint32_t nflows)
{
	pcap_dumper_t	*d = open_out(out);
	uint64_t	 us = 1700000000ULL * 1000000;
	uint32_t	 i;

	for (i = 0; i < nflows; i++) {
		uint8_t	 b[256];
		uint32_t c = 0x0a000000u + i, s = 0x0a800000u + (i & 0xff);
		uint16_t port = (uint16_t)(1024 + i % 60000);

		put(d, us, b, build(b, c, s, 17, port, 53, 0, dnsq,
		    sizeof(dnsq) - 1));
		put(d, us + 1, b, build(b, s, c, 17, 53, port, 0, dnsr,
		    sizeof(dnsr) - 1));
		us += 2;
	}
	pcap_dump_close(d);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc >= 6 && strcmp(argv[1], "mixed") == 0)
		return mixed(argv[2], (uint32_t)atoi(argv[3]),
		    (uint32_t)atoi(argv[4]), argv + 5, argc - 5);
	if (argc == 5 && strcmp(argv[1], "small") == 0)
		return small(argv[2], (uint32_t)atoi(argv[3]),
		    (uint32_t)atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "dns") == 0)
		return dns(argv[2], (uint32_t)atoi(argv[3]));
	fprintf(stderr, "usage: gen-capture mixed OUT K SHORT PCAP...\n"
	    "       gen-capture small OUT FLOWS PKTS\n"
	    "       gen-capture dns OUT FLOWS\n");
	return 2;
}
