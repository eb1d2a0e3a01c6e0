#!/usr/bin/env python3
"""IPFIX export (RFC 7011) of flow records.

- to a real collector, Debian's nfcapd (nfdump) on 127.0.0.1 over UDP:
  every direction of every flow the collector recorded arrives with its
  addresses, ports, protocol, bytes and packets, as nfdump reads them;
- to a receiver of the test's own over UDP and TCP: the messages parse
  (version 10, lengths, sets, templates 256 and 257), the sequence
  numbers count the records, and each record names its application as
  applicationId (RFC 6759, engine 6) and applicationName, as the flow
  records do; two workers send through one exporter the records of one;
- a collector that is not there costs records, counted, not the capture.

Binary from ZW_COLLECTOR.
"""
import ipaddress
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from command import COLLECTOR, DEMO  # noqa: E402
PCAPS = [os.path.join(ROOT, "tests", "pcap", "ndpi", p)
         for p in ("tor.pcap", "http_ipv6.pcap", "dns_doh.pcap")]


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse(msgs):
    """IPFIX messages to records (dicts by IE id), the templates, and
    each message's sequence number and count of records; the framing is
    checked on the way."""
    templates, records, counts = {}, [], []
    for m in msgs:
        version, length, _, sequence, _ = struct.unpack(">HHIII", m[:16])
        assert version == 10 and length == len(m), (version, length, len(m))
        off, n = 16, 0
        while off < length:
            sid, slen = struct.unpack(">HH", m[off:off + 4])
            assert slen >= 4 and off + slen <= length
            body, off = m[off + 4:off + slen], off + slen
            if sid == 2:
                p = 0
                while p + 4 <= len(body):
                    tid, k = struct.unpack(">HH", body[p:p + 4])
                    p += 4
                    fields = []
                    for _ in range(k):
                        fields.append(struct.unpack(">HH", body[p:p + 4]))
                        p += 4
                    templates[tid] = fields
                continue
            fields = templates[sid]
            p = 0
            while p < len(body):
                rec = {}
                for ie, flen in fields:
                    if flen == 0xffff:
                        flen = body[p]
                        p += 1
                    rec[ie] = body[p:p + flen]
                    p += flen
                records.append(rec)
                n += 1
        counts.append((sequence, n))
    return templates, records, counts


class Ipfix(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-ipfix-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def export(self, target, extra=()):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f'include "{DEMO}"\nipfix "{target}"\n'
                     "ipfix-domain 7\n")
        flows = os.path.join(self.dir, "flows.json")
        args = [COLLECTOR, "-q", "--config", conf, "--flows-json", flows,
                *extra]
        for p in PCAPS:
            args += ["-r", p]
        r = subprocess.run(args, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(flows) as fp:
            return [json.loads(line) for line in fp], r.stderr

    def expected(self, flows):
        """(src, dst, sport, dport, bytes, packets) of every direction."""
        want = []
        for f in flows:
            for a, b, pa, pb, d in (("lower", "upper", "lower_port",
                                     "upper_port", "lower_to_upper"),
                                    ("upper", "lower", "upper_port",
                                     "lower_port", "upper_to_lower")):
                if f[d + "_pkts"]:
                    want.append((str(ipaddress.ip_address(f[a + "_ip"])),
                                 str(ipaddress.ip_address(f[b + "_ip"])),
                                 f[pa], f[pb], f[d + "_bytes"],
                                 f[d + "_pkts"]))
        return sorted(want)

    @unittest.skipUnless(shutil.which("nfcapd") and shutil.which("nfdump"),
                         "needs nfdump")
    def test_nfcapd_receives_every_record(self):
        port = free_port()
        store = os.path.join(self.dir, "nfcapd")
        os.mkdir(store)
        cap = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p",
                                str(port), "-w", store, "-P",
                                os.path.join(self.dir, "nfcapd.pid")],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            time.sleep(1)
            flows, _ = self.export(f"udp:127.0.0.1:{port}")
            time.sleep(1)
        finally:
            cap.terminate()             # writes its file on the way out
            cap.wait(30)
        r = subprocess.run(["nfdump", "-R", store, "-q", "-N", "-6", "-o",
                            "fmt:%sa|%da|%sp|%dp|%pr|%byt|%pkt"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = []
        for line in r.stdout.splitlines():
            sa, da, sp, dp, pr, byt, pkt = [x.strip() for x in
                                             line.split("|")]
            got.append((str(ipaddress.ip_address(sa)),
                        str(ipaddress.ip_address(da)), int(sp), int(dp),
                        int(byt), int(pkt)))
        want = self.expected(flows)
        self.assertGreater(len(want), 20)
        self.assertEqual(sorted(got), want)

    def receive(self, tcp, extra=()):
        """A receiver of the test's own: the messages, as sent."""
        kind = socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM
        srv = socket.socket(socket.AF_INET, kind)
        srv.bind(("127.0.0.1", 0))
        port = srv.getsockname()[1]
        msgs = []

        def loop():
            if tcp:
                srv.listen(1)
                conn, _ = srv.accept()
                buf = b""
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    buf += data
                while buf:
                    n = struct.unpack(">H", buf[2:4])[0]
                    msgs.append(buf[:n])
                    buf = buf[n:]
                conn.close()
            else:
                srv.settimeout(3)
                try:
                    while True:
                        msgs.append(srv.recv(65536))
                except socket.timeout:
                    pass
            srv.close()
        t = threading.Thread(target=loop)
        t.start()
        flows, _ = self.export(f"{'tcp' if tcp else 'udp'}:127.0.0.1:"
                               f"{port}", extra)
        t.join(30)
        return flows, msgs

    def check_records(self, flows, msgs):
        templates, records, counts = parse(msgs)
        self.assertEqual(sorted(templates), [256, 257])
        self.assertEqual([ie for ie, _ in templates[256]][:2], [8, 12])
        self.assertEqual([ie for ie, _ in templates[257]][:2], [27, 28])
        for m in msgs:
            self.assertEqual(struct.unpack(">I", m[12:16])[0], 7)
        # Each message's sequence number counts the records before it.
        seen = 0
        for sequence, n in counts:
            self.assertEqual(sequence, seen)
            seen += n
        names = {}
        for f in flows:
            names[(f["lower_ip"], f["lower_port"], f["upper_ip"],
                   f["upper_port"])] = f["ndpi_proto"]
        got = []
        for rec in records:
            v6 = 27 in rec
            sa = str(ipaddress.ip_address(rec[27 if v6 else 8]))
            da = str(ipaddress.ip_address(rec[28 if v6 else 12]))
            sp, dp = (struct.unpack(">H", rec[7])[0],
                      struct.unpack(">H", rec[11])[0])
            app = rec[96].decode()
            engine = rec[95][0]
            self.assertEqual(engine, 6)
            key = (sa, sp, da, dp) if (sa, sp, da, dp) in names else \
                (da, dp, sa, sp)
            self.assertEqual(app, names[key])
            got.append((sa, da, sp, dp, struct.unpack(">Q", rec[1])[0],
                        struct.unpack(">Q", rec[2])[0]))
        self.assertEqual(sorted(got), self.expected(flows))

    def test_udp_messages_and_applications(self):
        flows, msgs = self.receive(tcp=False)
        self.assertTrue(msgs)
        self.assertTrue(all(len(m) <= 1400 for m in msgs))
        self.check_records(flows, msgs)

    def test_tcp_stream(self):
        status = os.path.join(self.dir, "status.json")
        flows, msgs = self.receive(tcp=True, extra=("--status", status))
        self.assertTrue(msgs)
        # Over TCP the templates come once, in the first message.
        self.assertEqual(sum(1 for m in msgs if m[16:18] == b"\x00\x02"),
                         1)
        self.check_records(flows, msgs)
        # What the status says was sent is what came.
        with open(status) as fp:
            ipfix = json.load(fp)["ipfix"]
        self.assertEqual(ipfix["records"], len(parse(msgs)[1]))
        self.assertEqual(ipfix["messages"], len(msgs))
        self.assertEqual(ipfix["dropped"], 0)

    def test_workers_share_one_exporter(self):
        """Two workers export through one stream: one template set, one
        run of sequence numbers, and every record of the flows."""
        flows, msgs = self.receive(tcp=True, extra=("--workers", "2"))
        self.assertEqual(sum(1 for m in msgs if m[16:18] == b"\x00\x02"),
                         1)
        self.check_records(flows, msgs)
        one, msgs1 = self.receive(tcp=True)
        self.assertEqual(sorted(parse(msgs)[1], key=repr),
                         sorted(parse(msgs1)[1], key=repr))

    def test_a_slow_collector(self):
        """A TCP collector that reads a little at a time, with a small
        receive buffer: the stream is written in pieces and its buffer
        fills and empties.  Whatever the timing, every record the status
        counts as sent arrived, whole and in sequence, and sent and lost
        records add up to the flows' directions."""
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        data = []

        def loop():
            conn, _ = srv.accept()
            while True:
                chunk = conn.recv(2048)
                if not chunk:
                    break
                data.append(chunk)
                time.sleep(0.005)
            conn.close()
        t = threading.Thread(target=loop)
        t.start()
        status = os.path.join(self.dir, "status.json")
        # Every bundled capture four times over: some thousands of
        # records, more than the stream's buffer holds.
        every = []
        for f in sorted(os.listdir(os.path.dirname(PCAPS[0]))):
            if not f.startswith(("fuzz-", "malformed")):  # damaged ones
                every += ["-r", os.path.join(os.path.dirname(PCAPS[0]), f)]
        flows, _ = self.export(f"tcp:127.0.0.1:{port}",
                               ["--status", status, "--loop", "4", *every])
        t.join(60)
        srv.close()
        buf, msgs = b"".join(data), []
        while buf:
            n = struct.unpack(">H", buf[2:4])[0]
            self.assertTrue(buf[:2] == b"\x00\x0a" and 16 <= n <= len(buf),
                            "the stream is not whole IPFIX messages")
            msgs.append(buf[:n])
            buf = buf[n:]
        templates, records, counts = parse(msgs)
        with open(status) as fp:
            ipfix = json.load(fp)["ipfix"]
        self.assertGreater(ipfix["records"], 1000)
        self.assertEqual(ipfix["records"], len(records))
        self.assertEqual(ipfix["records"] + ipfix["dropped"],
                         len(self.expected(flows)))
        # Sequence numbers go up by the records of each message (lost
        # messages leave gaps, never overlaps).
        seen = 0
        for sequence, n in counts:
            self.assertGreaterEqual(sequence, seen)
            seen = sequence + n

    def test_unanswered_connection_holds_up_nothing(self):
        """A TCP collector whose handshake never completes (behind a
        firewall that drops SYNs; here its accept queue is full): the run
        does not wait for it, and its records are counted as lost."""
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(0)
        port = srv.getsockname()[1]
        # Linux queues backlog + 1 connections and drops later SYNs.
        held = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", port))
            held.append(c)
        probe = socket.socket()
        probe.setblocking(False)
        probe.connect_ex(("127.0.0.1", port))
        _, ready, _ = select.select([], [probe], [], 1.5)
        self.assertEqual(ready, [], "the accept queue is not full")
        status = os.path.join(self.dir, "status.json")
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f'include "{DEMO}"\nipfix "tcp:127.0.0.1:{port}"\n')
        flows = os.path.join(self.dir, "flows.json")
        args = [COLLECTOR, "-q", "--config", conf, "--flows-json", flows,
                "--status", status]
        for p in PCAPS:
            args += ["-r", p]
        try:
            # A blocking connect() would wait out the SYN retries, over
            # two minutes; the bound is only there to end the test.
            r = subprocess.run(args, capture_output=True, text=True,
                               timeout=100)
        finally:
            for c in held + [probe, srv]:
                c.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(flows) as fp:
            want = self.expected([json.loads(line) for line in fp])
        with open(status) as fp:
            ipfix = json.load(fp)["ipfix"]
        self.assertEqual(ipfix["records"], 0)
        self.assertEqual(ipfix["dropped"], len(want))

    def test_no_collector_costs_records_only(self):
        status = os.path.join(self.dir, "status.json")
        flows, err = self.export(f"tcp:127.0.0.1:"
                                 f"{free_port(socket.SOCK_STREAM)}",
                                 ["--status", status])
        self.assertTrue(flows)
        self.assertIn("records not sent", err)
        with open(status) as fp:
            ipfix = json.load(fp)["ipfix"]
        self.assertEqual(ipfix["records"], 0)
        self.assertEqual(ipfix["dropped"], len(self.expected(flows)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
