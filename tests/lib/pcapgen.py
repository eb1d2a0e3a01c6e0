"""A small pcap writer and packet builder for the tests (no third-party
modules).  Frames are bytes; checksums are zero, which the collector
does not verify.

    w = PcapWriter(path)            # Ethernet link type by default
    w.add(ts, ether(mac_a, mac_b, IPV4, ipv4(a, b, TCP, tcp(1, 2, SYN))))
    w.close()
"""
import ipaddress
import struct

IPV4, IPV6, VLAN = 0x0800, 0x86DD, 0x8100
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


class PcapWriter:
    """Classic libpcap format, microsecond timestamps."""

    def __init__(self, path, linktype=1, snaplen=262144):
        self.fp = open(path, "wb")
        self.fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0,
                                  snaplen, linktype))

    def add(self, ts, frame, wirelen=None):
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        self.fp.write(struct.pack("<IIII", sec, usec, len(frame),
                                  wirelen if wirelen else len(frame)))
        self.fp.write(frame)

    def raw(self, data):
        """Bytes as they are: for damaged files."""
        self.fp.write(data)

    def close(self):
        self.fp.close()


def read_pcap(data):
    """(linktype, [(ts, caplen, wirelen, frame)]) of a classic pcap."""
    magic, = struct.unpack_from("<I", data, 0)
    end = "<" if magic == 0xA1B2C3D4 else ">"
    _, _, _, _, _, _, linktype = struct.unpack_from(end + "IHHiIII", data, 0)
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, cap, wire = struct.unpack_from(end + "IIII", data, off)
        recs.append((sec + usec / 1e6, cap, wire,
                     data[off + 16:off + 16 + cap]))
        off += 16 + cap
    if off != len(data):
        raise ValueError("pcap: trailing bytes")
    return linktype, recs


def ether(dst, src, ethertype, payload, vlans=()):
    hdr = dst + src
    for vid in vlans:
        hdr += struct.pack("!HH", VLAN, vid)
    return hdr + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=1, frag=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      frag, ttl, proto, 0,
                      ipaddress.IPv4Address(src).packed,
                      ipaddress.IPv4Address(dst).packed)
    return hdr + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim,
                       ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed) + payload


def ip(src, dst, proto, payload, **kw):
    if ":" in src:
        return IPV6, ipv6(src, dst, proto, payload)
    return IPV4, ipv4(src, dst, proto, payload, **kw)


def tcp(sport, dport, flags=ACK, payload=b"", seq=1, ack=0):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags,
                       65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp_echo(ident=1, seq=1, payload=b"zonewatch"):
    return struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload


def frame(src, dst, proto, l4, vlans=(), mac_src=MAC_A, mac_dst=MAC_B,
          **kw):
    """An Ethernet frame carrying IPv4 or IPv6 (chosen by the address)."""
    etype, pkt = ip(src, dst, proto, l4, **kw)
    return ether(mac_dst, mac_src, etype, pkt, vlans)


def dns_query(name, ident=0x1234):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q + \
        b"\x00\x00\x01\x00\x01"


def tcp_session(w, t, client, cport, server, sport, request, response,
                **kw):
    """A whole TCP conversation: handshake, one exchange, FIN both ways."""
    seq = [t]

    def send(a, ap, b, bp, flags, data=b""):
        w.add(seq[0], frame(a, b, TCP, tcp(ap, bp, flags, data), **kw))
        seq[0] += 0.001

    send(client, cport, server, sport, SYN)
    send(server, sport, client, cport, SYN | ACK)
    send(client, cport, server, sport, ACK)
    send(client, cport, server, sport, PSH | ACK, request)
    send(server, sport, client, cport, PSH | ACK, response)
    send(client, cport, server, sport, FIN | ACK)
    send(server, sport, client, cport, FIN | ACK)
    send(client, cport, server, sport, ACK)
    return seq[0]
