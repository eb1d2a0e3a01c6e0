"""The violations store, end to end: the exact records the collector keeps
for crafted traffic, repeats folded into one record, evidence pcaps, the
review workflow and exports through zwctl, retention, syslog (RFC 5424)
to a receiver on loopback, the two detectors, custom protocols, and the
store surviving kill -9 and a full disk.  Run by tests/run.sh (suite
"store") with ZW_COLLECTOR and ZW_ZWCTL set.
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import pcapgen as pg  # noqa: E402
from command import COLLECTOR, DEMO, ZWCTL  # noqa: E402
from netns import NetnsPair  # noqa: E402


EXIT_MAC = bytes.fromhex("001e73360001")     # fuzhou-unicom's router
EXIT_VLAN = 360                               # fuzhou-telecom
OTHER_ROUTER = bytes.fromhex("02aabbccdd01")
EXTRANET = "10.36.17.5"                       # 建昌镇
INTERNAL = "172.16.1.1"
INTERNET = "1.2.3.4"
CONNECT = (b"CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com"
           b":443\r\n\r\n", b"HTTP/1.1 200 Connection established\r\n\r\n")
DAY_US = 86400 * 1000000


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=kw.pop("timeout", 300), **kw)


class StoreCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-store-")
        self.store = os.path.join(self.dir, "events.db")
        self.n = 0

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def conf(self, extra=""):
        """The demo configuration with settings added after it."""
        self.n += 1
        path = os.path.join(self.dir, f"zw{self.n}.conf")
        with open(path, "w") as fp:
            fp.write(f'include "{DEMO}"\n{extra}\n')
        return path

    def capture(self, build):
        self.n += 1
        path = os.path.join(self.dir, f"c{self.n}.pcap")
        w = pg.PcapWriter(path)
        build(w)
        w.close()
        return path

    def collect(self, caps, conf=None, args=(), ok=True):
        cmd = [COLLECTOR, "-q", "--config", conf or self.conf(),
               "--store", self.store, *args]
        for c in caps:
            cmd += ["-r", c]
        r = run(cmd)
        if ok and r.returncode != 0:
            raise AssertionError(f"zw-collector exit {r.returncode}: "
                                 f"{r.stderr}")
        return r

    def zwctl(self, *args, ok=True):
        r = run([ZWCTL, "-s", self.store, *args])
        if ok and r.returncode != 0:
            raise AssertionError(f"zwctl {args} exit {r.returncode}: "
                                 f"{r.stderr}")
        return r

    def records(self, *filters):
        out = self.zwctl("violations", "list", "--format", "json",
                         *filters).stdout
        return sorted((json.loads(line) for line in out.splitlines()),
                      key=lambda v: v["id"])


def udp_flows(w, src, dst, times, **kw):
    for i, t in enumerate(times):
        w.add(t, pg.frame(src, dst, pg.UDP,
                          pg.udp(40000 + i, 5000, b"zonewatch"), **kw))


class Records(StoreCase):
    def test_exact_records_with_application_and_evidence(self):
        cap = self.capture(lambda w: pg.tcp_session(
            w, 1000.0, EXTRANET, 50000, INTERNET, 3128, *CONNECT))
        self.collect([cap])
        got = self.records()
        self.assertEqual([(v["rule"], v["src_ip"], v["src_port"],
                           v["dst_ip"], v["dst_port"]) for v in got],
                         [(1010, EXTRANET, 50000, INTERNET, 3128),
                          (1023, EXTRANET, 50000, INTERNET, 3128)])
        for v in got:
            # The zone rule waited for nDPI: its record names the app.
            self.assertEqual(v["app"], "HTTP_Connect")
            self.assertEqual((v["flows"], v["packets"], v["evidence"]),
                             (1, 8, 1))
            self.assertEqual((v["src_zone"], v["dst_zone"], v["src_site"]),
                             ("external", "internet", "nancheng-jianchang"))
            self.assertEqual(v["state"], "new")
        self.assertEqual(got[1]["severity"], "high")
        self.assertIn("代理", got[1]["msg_zh"])
        pcap = os.path.join(self.dir, "ev.pcap")
        self.zwctl("violations", "evidence", str(got[1]["id"]), "-o", pcap)
        with open(pcap, "rb") as fp:
            linktype, recs = pg.read_pcap(fp.read())
        self.assertEqual(linktype, 1)
        self.assertEqual(len(recs), 8)
        # The first packet is the client's SYN, at the recorded time.
        self.assertAlmostEqual(recs[0][0], 1000.0, places=3)
        self.assertEqual(recs[0][3][47] & 0x12, pg.SYN)
        self.assertIn(b"CONNECT www.example.com", recs[3][3])

    def test_every_zone_rule_stored_exactly(self):
        def build(w):
            udp_flows(w, EXTRANET, "10.36.33.9", [1.0], vlans=(950,))  # 1001
            udp_flows(w, INTERNAL, INTERNET, [2.0])                    # 1002
            udp_flows(w, EXTRANET, INTERNAL, [3.0])                    # 1003
            udp_flows(w, INTERNAL, "192.168.1.1", [4.0])               # 1004
            udp_flows(w, EXTRANET, INTERNET, [5.0])                    # 1010
            udp_flows(w, "192.168.1.1", INTERNET, [6.0])               # 1011
            # Through the declared exits: nothing.
            udp_flows(w, EXTRANET, "5.5.5.5", [7.0], mac_dst=EXIT_MAC)
            udp_flows(w, EXTRANET, "6.6.6.6", [8.0], vlans=(EXIT_VLAN,))
            udp_flows(w, "59.255.36.1", "7.7.7.7", [9.0])
        self.collect([self.capture(build)])
        self.assertEqual(sorted((v["rule"], v["src_ip"], v["dst_ip"],
                                 v["src_zone"], v["dst_zone"])
                                for v in self.records()),
                         [(1001, EXTRANET, "10.36.33.9", "internal",
                           "internal"),
                          (1002, INTERNAL, INTERNET, "internal", "internet"),
                          (1003, EXTRANET, INTERNAL, "external", "internal"),
                          (1004, INTERNAL, "192.168.1.1", "internal",
                           "unknown"),
                          (1010, EXTRANET, INTERNET, "external", "internet"),
                          (1011, "192.168.1.1", INTERNET, "unknown",
                           "internet"),
                          # The 1010 flow's router, then the two exits:
                          # a third way out for Fuzhou.
                          (1040, EXTRANET, "6.6.6.6", "external",
                           "internet")])

    def test_real_tor_capture(self):
        real = os.path.join(ROOT, "tests", "policy", "real.conf")
        self.collect([os.path.join(ROOT, "tests", "pcap", "ndpi",
                                   "tor.pcap")], conf=real)
        tor = self.records("--rule", "1020")
        self.assertEqual(len(tor), 3)
        for v in tor:
            self.assertEqual((v["app"], v["severity"], v["src_ip"]),
                             ("TLS.Tor", "critical", "192.168.1.252"))
            self.assertGreaterEqual(v["evidence"], 1)
            self.assertGreater(v["packets"], 30)

    def test_repeats_update_one_record(self):
        cap = self.capture(lambda w: udp_flows(
            w, EXTRANET, INTERNET, [1000.0, 1010.0, 1020.0]))
        self.collect([cap])
        got = self.records()
        self.assertEqual(len(got), 1)
        self.assertEqual((got[0]["rule"], got[0]["flows"],
                          got[0]["packets"]), (1010, 3, 3))
        self.assertLess(got[0]["first_seen"], got[0]["last_seen"])
        # Each flow its own record when the window is 0.
        os.unlink(self.store)
        self.collect([cap], conf=self.conf("dedupe-window 0"))
        self.assertEqual([v["flows"] for v in self.records()], [1, 1, 1])

    def interleaved(self, w):
        """Two DNS flows of one host to one server, named at once, so
        both records are open before either flow ends: 5 packets from
        port 50000, 70 from port 50001, in turns while both live."""
        q = pg.dns_query("example.com")
        for i in range(70):
            t = 1000.0 + i * 0.5
            if i < 5:
                w.add(t, pg.frame(EXTRANET, "8.8.8.8", pg.UDP,
                                  pg.udp(50000, 53, q)))
            w.add(t + 0.1, pg.frame(EXTRANET, "8.8.8.8", pg.UDP,
                                    pg.udp(50001, 53, q)))

    def evidence_ports(self, vid, index=1):
        """The UDP source ports (after Ethernet and 20 bytes of IPv4)
        in pcap number index of a record."""
        self.n += 1
        pcap = os.path.join(self.dir, f"ev{self.n}.pcap")
        self.zwctl("violations", "evidence", str(vid), "-o", pcap,
                   "--index", str(index))
        with open(pcap, "rb") as fp:
            _, recs = pg.read_pcap(fp.read())
        return sorted({int.from_bytes(r[3][34:36], "big") for r in recs})

    def test_status_at_exit_has_the_store(self):
        """The last status, written at a clean exit, has the store's
        last figures: the records made, nothing left pending."""
        st = os.path.join(self.dir, "status.json")

        def build(w):
            udp_flows(w, INTERNAL, INTERNET, [1000.0])
            udp_flows(w, EXTRANET, INTERNET, [1001.0])
        self.collect([self.capture(build)], args=("--status", st))
        with open(st) as fp:
            store = json.load(fp)["store"]
        self.assertEqual(store["created"], len(self.records()))
        self.assertEqual(store["created"], 2)
        self.assertEqual((store["pending"], store["dropped"],
                          store["failing"]), (0, 0, False))

    def test_counts_and_evidence_go_to_their_own_record(self):
        cap = self.capture(self.interleaved)
        self.collect([cap], conf=self.conf("dedupe-window 0"))
        got = sorted((v for v in self.records() if v["rule"] == 1010),
                     key=lambda v: v["src_port"])
        self.assertEqual([(v["src_port"], v["flows"], v["packets"])
                          for v in got], [(50000, 1, 5), (50001, 1, 70)])
        with sqlite3.connect(self.store) as db:
            ends = db.execute("SELECT src_port, first_us, last_us FROM"
                              " violations WHERE rule = 1010 ORDER BY"
                              " src_port").fetchall()
        self.assertEqual(ends, [(50000, 1000000000, 1002000000),
                                (50001, 1000100000, 1034600000)])
        self.assertEqual(self.evidence_ports(got[0]["id"]), [50000])
        self.assertEqual(self.evidence_ports(got[1]["id"]), [50001])
        # Within the window both flows are one record, counted once each.
        os.unlink(self.store)
        self.collect([cap])
        got = [v for v in self.records() if v["rule"] == 1010]
        self.assertEqual([(v["flows"], v["packets"]) for v in got],
                         [(2, 75)])
        self.assertEqual(got[0]["evidence"], 2)
        self.assertEqual(sorted(self.evidence_ports(got[0]["id"], i)
                                for i in (1, 2)), [[50000], [50001]])

    def test_window_and_review_end_a_record(self):
        # 1000 s apart: beyond the default window of 300 s.
        cap = self.capture(lambda w: udp_flows(
            w, EXTRANET, INTERNET, [1000.0, 2000.0]))
        self.collect([cap])
        self.assertEqual([v["flows"] for v in self.records()], [1, 1])
        # A resolved record is closed: the next repeat opens a new one.
        os.unlink(self.store)
        first = self.capture(lambda w: udp_flows(w, EXTRANET, INTERNET,
                                                 [1000.0]))
        again = self.capture(lambda w: udp_flows(w, EXTRANET, INTERNET,
                                                 [1010.0]))
        self.collect([first])
        self.zwctl("violations", "review", "1", "resolved", "--by", "sec",
                   "--comment", "cable removed")
        self.collect([again])
        got = self.records()
        self.assertEqual([(v["state"], v["flows"]) for v in got],
                         [("resolved", 1), ("new", 1)])

    def test_review_workflow(self):
        cap = self.capture(lambda w: udp_flows(w, INTERNAL, INTERNET,
                                               [1000.0]))
        self.collect([cap])
        vid = str(self.records()[0]["id"])
        # Not reviewed yet: nothing after the names of the review fields.
        shown = dict((line.split(None, 1) + [""])[:2] for line in
                     self.zwctl("violations", "show", vid).stdout.splitlines())
        self.assertEqual((shown["reviewed_by"], shown["reviewed_at"],
                          shown["comment"]), ("", "", ""))
        self.zwctl("violations", "review", vid, "acknowledged", "--by",
                   "secadmin")
        # A resolution or a false positive says why.
        r = self.zwctl("violations", "review", vid, "false-positive",
                       "--by", "secadmin", ok=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--comment", r.stderr)
        r = self.zwctl("violations", "review", vid, "acknowledged", "--by",
                       "secadmin", ok=False)
        self.assertEqual(r.returncode, 2)
        self.zwctl("violations", "review", vid, "false-positive", "--by",
                   "secadmin", "--comment", "测试机, 已登记")
        v = self.records()[0]
        self.assertEqual((v["state"], v["reviewed_by"], v["comment"]),
                         ("false-positive", "secadmin", "测试机, 已登记"))
        self.assertNotEqual(v["reviewed_at"], "")
        r = self.zwctl("violations", "review", "99", "acknowledged", "--by",
                       "x", ok=False)
        self.assertEqual(r.returncode, 3)
        # The history is the administrators': in their store.
        with sqlite3.connect(os.path.join(os.path.dirname(self.store),
                                          "admin", "admin.db")) as db:
            hist = db.execute("SELECT old_state, new_state, who FROM "
                              "reviews ORDER BY id").fetchall()
        self.assertEqual(hist, [(0, 1, "secadmin"), (1, 3, "secadmin")])

    def test_one_day_as_both_ends_lists_that_day(self):
        """--since D --until D: the officer's "that day".  A date alone as
        --until is the whole of it; a time is where the range ends."""
        t = time.mktime((2026, 11, 20, 14, 30, 0, 0, 0, -1))
        self.collect([self.capture(lambda w: udp_flows(
            w, EXTRANET, INTERNET, [t]))])
        rules = lambda *f: [v["rule"] for v in self.records(*f)]
        self.assertEqual(rules("--since", "2026-11-20", "--until",
                               "2026-11-20"), [1010])
        self.assertEqual(rules("--since", "2026-11-21", "--until",
                               "2026-11-21"), [])
        self.assertEqual(rules("--until", "2026-11-19"), [])
        self.assertEqual(rules("--since", "2026-11-20", "--until",
                               "2026-11-20 14:00"), [])
        self.assertEqual(rules("--since", "2026-11-20 14:00", "--until",
                               "2026-11-20 15:00"), [1010])

    def test_filters_and_exports(self):
        def build(w):
            udp_flows(w, INTERNAL, INTERNET, [1000.0])          # 1002
            udp_flows(w, EXTRANET, INTERNET, [1001.0])          # 1010
            udp_flows(w, EXTRANET, INTERNAL, [1002.0])          # 1003
        self.collect([self.capture(build)])
        rules = lambda *f: sorted(v["rule"] for v in self.records(*f))
        self.assertEqual(rules(), [1002, 1003, 1010])
        self.assertEqual(rules("--rule", "1010"), [1010])
        self.assertEqual(rules("--severity", "critical"), [1002, 1003])
        self.assertEqual(rules("--zone", "internal"), [1002, 1003])
        self.assertEqual(rules("--site", "nancheng-jianchang"), [1003, 1010])
        # By its name, as the web UI takes it; an unknown one is said.
        conf = self.conf()
        named = lambda *a: run([ZWCTL, "-c", conf, "-s", self.store,
                                "violations", "list", *a])
        r = named("--site", "建昌镇", "--format", "json")
        self.assertEqual(sorted(json.loads(x)["rule"] for x in
                                r.stdout.splitlines()), [1003, 1010])
        r = named("--site", "jianchang town", "--format", "json")
        self.assertEqual(len(r.stdout.splitlines()), 2, r.stderr)
        r = named("--site", "无此镇")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--site 无此镇: no such site", r.stderr)
        table = self.zwctl("violations", "list", "--rule", "1003").stdout
        self.assertIn(" SITES\n", table)
        self.assertIn(" nancheng-jianchang -> -\n", table)
        self.assertEqual(rules("--ip", INTERNAL), [1002, 1003])
        self.assertEqual(rules("--state", "new", "--limit", "2"),
                         [1003, 1010])
        self.assertEqual(rules("--since", "2030-01-01"), [])
        self.assertEqual(rules("--since", "1970-01-01"), [1002, 1003, 1010])
        r = self.zwctl("violations", "list", "--severity", "urgent",
                       ok=False)
        self.assertEqual(r.returncode, 2)
        csv = os.path.join(self.dir, "v.csv")
        self.zwctl("violations", "export", "--output", csv)
        with open(csv, "rb") as fp:
            data = fp.read()
        self.assertTrue(data.startswith(b"\xef\xbb\xbfid,rule,"))
        self.assertEqual(data.count(b"\r\n"), 4)
        self.assertIn("政务内网".encode(), data)
        self.assertFalse([f for f in os.listdir(self.dir) if ".tmp." in f])

    def test_export_stopped_leaves_no_temporary(self):
        self.collect([self.capture(lambda w: udp_flows(
            w, EXTRANET, INTERNET, [1000.0]))])
        # 2^17 records, so that an export is still writing when stopped.
        with sqlite3.connect(self.store) as db:
            cols = [r[1] for r in db.execute("PRAGMA table_info(violations)")
                    if r[1] != "id"]
            for _ in range(17):
                db.execute(f"INSERT INTO violations ({','.join(cols)})"
                           f" SELECT {','.join(cols)} FROM violations")
        out = os.path.join(self.dir, "big.csv")
        stopped = 0
        for i in range(12):
            p = subprocess.Popen([ZWCTL, "-s", self.store, "violations",
                                  "export", "--output", out],
                                 stderr=subprocess.DEVNULL)
            time.sleep(0.05 + 0.05 * i)
            p.send_signal(signal.SIGTERM)
            stopped += p.wait(timeout=60) == -signal.SIGTERM
            self.assertEqual([f for f in os.listdir(self.dir)
                              if ".tmp." in f], [])
        self.assertGreater(stopped, 6)

    def test_hostile_names_are_escaped_in_exports(self):
        req = (b"GET / HTTP/1.1\r\nHost: =HYPERLINK(\"x\",\"y\")\r\n\r\n",
               b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        self.collect([self.capture(lambda w: pg.tcp_session(
            w, 1000.0, EXTRANET, 50000, INTERNET, 80, *req))])
        # nDPI keeps host names in lower case.
        self.assertEqual(self.records()[0]["hostname"],
                         '=hyperlink("x","y")')
        out = self.zwctl("violations", "export").stdout
        self.assertIn('"\'=hyperlink(""x"",""y"")"', out)

    def test_evidence_packets_setting(self):
        cap = self.capture(lambda w: pg.tcp_session(
            w, 1000.0, EXTRANET, 50000, INTERNET, 3128, *CONNECT))
        self.collect([cap], conf=self.conf("evidence-packets 4"))
        vid = str(self.records()[0]["id"])
        pcap = os.path.join(self.dir, "ev.pcap")
        self.zwctl("violations", "evidence", vid, "-o", pcap)
        with open(pcap, "rb") as fp:
            self.assertEqual(len(pg.read_pcap(fp.read())[1]), 4)
        os.unlink(self.store)
        self.collect([cap], conf=self.conf("evidence-packets 0"))
        self.assertEqual([v["evidence"] for v in self.records()], [0, 0])
        r = self.zwctl("violations", "evidence", "1", "-o", pcap, ok=False)
        self.assertEqual(r.returncode, 3)

    def test_store_needs_rules_and_refuses_garbage(self):
        bad = os.path.join(self.dir, "bad.db")
        with open(bad, "wb") as fp:
            fp.write(b"not a database, but 100 bytes of something" * 3)
        cap = self.capture(lambda w: udp_flows(w, EXTRANET, INTERNET, [1.0]))
        r = run([COLLECTOR, "-q", "--config", self.conf(), "--store", bad,
                 "-r", cap])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("bad.db", r.stderr)
        r = run([ZWCTL, "-s", bad, "violations", "list"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.db", r.stderr)


class Retention(StoreCase):
    def test_purge_at_start_and_on_demand(self):
        caps = [self.capture(lambda w: udp_flows(w, src, INTERNET, [1.0]))
                for src in (INTERNAL, EXTRANET, "172.16.9.9")]
        self.collect(caps)
        self.assertEqual(len(self.records()), 3)
        now = int(time.time() * 1e6)
        with sqlite3.connect(self.store) as db:
            db.execute("UPDATE violations SET updated_us = ? WHERE id = 1",
                       (now - 181 * DAY_US,))
            db.execute("UPDATE violations SET updated_us = ? WHERE id = 2",
                       (now - 179 * DAY_US,))
            db.execute("UPDATE violations SET updated_us = ? WHERE id = 3",
                       (now - 400 * DAY_US,))
        # The collector purges at start (then hourly).
        self.collect([self.capture(lambda w: None)])
        self.assertEqual([v["id"] for v in self.records()], [2])
        with sqlite3.connect(self.store) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM evidence "
                                        "WHERE violation != 2").fetchone(),
                             (0,))
            db.execute("UPDATE violations SET updated_us = ? WHERE id = 2",
                       (now - 200 * DAY_US,))
        r = self.zwctl("violations", "purge", "--days", "90", ok=False)
        self.assertEqual(r.returncode, 2)
        out = self.zwctl("violations", "purge", "--days", "365").stdout
        self.assertIn("0 records", out)
        out = self.zwctl("violations", "purge").stdout
        self.assertIn("1 records", out)
        self.assertEqual(self.records(), [])


class Receiver:
    """A syslog receiver on loopback, UDP or TCP (octet counting)."""

    def __init__(self, transport):
        kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.msgs = []
        if transport == "tcp":
            self.sock.listen(1)
        self.thread = threading.Thread(target=getattr(self, transport),
                                       daemon=True)
        self.thread.start()

    def udp(self):
        self.sock.settimeout(30)
        try:
            while True:
                self.msgs.append(self.sock.recv(65536))
        except OSError:
            pass

    def tcp(self):
        self.sock.settimeout(30)
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        buf = b""
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                buf += data
        while buf:
            n, _, rest = buf.partition(b" ")
            self.msgs.append(rest[:int(n)])
            buf = rest[int(n):]

    def close(self):
        self.sock.close()
        self.thread.join(5)


class Syslog(StoreCase):
    def send(self, transport, severity="info"):
        rcv = Receiver(transport)
        conf = self.conf(f"syslog siem {{\n server 127.0.0.1\n port "
                         f"{rcv.port}\n transport {transport}\n facility "
                         f"local4\n severity {severity}\n}}")
        cap = self.capture(lambda w: pg.tcp_session(
            w, 1000.0, EXTRANET, 50000, INTERNET, 3128, *CONNECT))
        self.collect([cap], conf=conf)
        if transport == "udp":
            time.sleep(0.5)
        rcv.close()
        return rcv.msgs

    def check(self, msgs):
        self.assertEqual(len(msgs), 2)
        for m, rule in zip(sorted(msgs, key=lambda m: b'rule="1023"' in m),
                           (1010, 1023)):
            # local4 (20) * 8 + err (3): rules of severity high.
            self.assertTrue(m.startswith(b"<163>1 1970-01-01T00:16:40."),
                            m[:40])
            head, sd, msg = m.partition(b" [zwViolation@32473 ")
            self.assertEqual(head.split(b" ")[3:], [b"zonewatch",
                                                    m.split(b" ")[4],
                                                    b"violation"])
            self.assertIn(f'rule="{rule}"'.encode(), msg)
            self.assertIn(b'src="10.36.17.5" sport="50000"', msg)
            # Sent at the first commit: 1010 fired at the SYN, before
            # nDPI had named the flow; 1023 fires on the name.
            self.assertIn(b'app=""' if rule == 1010 else
                          b'app="HTTP_Connect"', msg)
            self.assertIn(b'srcSite="nancheng-jianchang"', msg)
            self.assertIn(b"] \xef\xbb\xbf", msg)       # BOM, then UTF-8
            self.assertTrue(msg.split(b"\xef\xbb\xbf")[1].decode())

    def test_udp(self):
        self.check(self.send("udp"))

    def test_tcp(self):
        self.check(self.send("tcp"))

    def test_severity_threshold(self):
        self.assertEqual(self.send("udp", "critical"), [])

    def test_audit_head(self):
        """The trail's head goes to the receivers whatever their
        severity, and is an anchor that verify takes."""
        for vid in (1, 2):
            self.collect([self.capture(lambda w: pg.tcp_session(
                w, 1000.0, EXTRANET, 50000, INTERNET, 3128, *CONNECT))])
            self.zwctl("violations", "review", str(vid), "acknowledged",
                       "--by", "sec1")
        head = self.zwctl("audit", "head").stdout.strip()
        seq, h = head.split(":")
        msgs = self.send("udp", "critical")
        self.assertEqual(len(msgs), 1, msgs)
        m = msgs[0]
        # local4 (20) * 8 + notice (5)
        self.assertTrue(m.startswith(b"<165>1 "), m[:20])
        self.assertEqual(m.split(b" ")[5], b"audit-head")
        self.assertIn(f'[zwAuditHead@32473 seq="{seq}" hash="{h}"]'
                      .encode(), m)
        got = re.search(rb'seq="(\d+)" hash="([0-9a-f]{64})"', m)
        anchor = f"{got.group(1).decode()}:{got.group(2).decode()}"
        self.zwctl("violations", "review", "1", "false-positive", "--by",
                   "sec1", "--comment", "lab")
        out = self.zwctl("audit", "verify", "--anchor", anchor).stdout
        self.assertIn("holds the anchor", out)


class Detectors(StoreCase):
    def violations(self, build):
        cmd = [COLLECTOR, "-q", "--config", DEMO, "--violations", "-",
               "-r", self.capture(build)]
        r = run(cmd)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    def test_a_third_exit_for_a_district(self):
        def two(w):
            udp_flows(w, EXTRANET, INTERNET, [1.0], mac_dst=EXIT_MAC)
            udp_flows(w, "10.36.33.9", "5.6.7.8", [2.0], vlans=(EXIT_VLAN,))
        self.assertEqual(self.violations(two), [])

        def three(w):
            two(w)
            udp_flows(w, "10.36.49.7", "9.9.9.9", [3.0],
                      mac_dst=OTHER_ROUTER)
            udp_flows(w, "10.36.49.8", "9.9.9.9", [4.0],
                      mac_dst=OTHER_ROUTER)
        got = [(v["rule"], v["src_ip"]) for v in self.violations(three)]
        self.assertEqual(sorted(got), [(1010, "10.36.49.7"),
                                       (1010, "10.36.49.8"),
                                       (1040, "10.36.49.7")])
        d = [v for v in self.violations(three) if v["rule"] == 1040][0]
        self.assertEqual(d["detail"], "district fuzhou: exit fuzhou-unicom "
                         "exit fuzhou-telecom router 02:aa:bb:cc:dd:01")

    def syns(self, w, ttls, src=EXTRANET):
        for i, ttl in enumerate(ttls):
            w.add(1.0 + i, pg.frame(src, "10.36.0.9", pg.TCP,
                                    pg.tcp(50000 + i, 443, pg.SYN), ttl=ttl))

    def test_hidden_router(self):
        got = self.violations(lambda w: self.syns(w, [64, 127, 64, 127, 64]))
        self.assertEqual([(v["rule"], v["src_ip"]) for v in got],
                         [(1041, EXTRANET)])
        # What the detector had seen when the rule fired, at the fourth.
        self.assertEqual(got[0]["detail"], "TTL signatures: 64 (initial 64,"
                         " 0 hops) x2 127 (initial 128, 1 hops) x2")
        # One signature, or a second seen only once: nothing.
        self.assertEqual(self.violations(
            lambda w: self.syns(w, [64, 64, 64, 64])), [])
        self.assertEqual(self.violations(
            lambda w: self.syns(w, [64, 64, 63, 64])), [])
        # An internet host is not an office terminal.
        got = self.violations(lambda w: self.syns(w, [64, 127, 64, 127],
                                                  src="1.1.1.1"))
        self.assertEqual([v for v in got if v["rule"] == 1041], [])


class Trends(StoreCase):
    """Site and zone-pair RRDs from the capture: what a crafted capture
    carried, step by step."""

    def test_site_and_zone_pair_rates(self):
        t0 = 1767225600                 # a multiple of 60
        out_len = in_len = 0

        def build(w):
            nonlocal out_len, in_len
            # 5 minutes: 10 frames a second out of 建昌镇 to the
            # internet, 5 a second back.
            for i in range(3000):
                f = pg.frame(EXTRANET, INTERNET, pg.UDP,
                             pg.udp(40000, 53, b"q" * 100))
                out_len = len(f)
                w.add(t0 + i * 0.1, f)
                if i % 2 == 0:
                    f = pg.frame(INTERNET, EXTRANET, pg.UDP,
                                 pg.udp(53, 40000, b"a" * 300))
                    in_len = len(f)
                    w.add(t0 + i * 0.1 + 0.05, f)
        rrd = os.path.join(self.dir, "rrd")
        cap = self.capture(build)
        r = run([COLLECTOR, "-q", "--config", DEMO, "--rrd-dir", rrd,
                 "-r", cap])
        self.assertEqual(r.returncode, 0, r.stderr)

        def fetch(name, start, end):
            r = run(["rrdtool", "fetch", os.path.join(rrd, name + ".rrd"),
                     "AVERAGE", "-r", "60", "-s", str(start), "-e",
                     str(end)])
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.strip().splitlines()
            names = lines[0].split()
            rows = [dict(zip(names, map(float, ln.split(":")[1].split())))
                    for ln in lines[2:]]
            return rows
        # The first step is partial and not written; take the middle ones.
        rows = fetch("site/nancheng-jianchang", t0 + 120, t0 + 240)
        self.assertGreaterEqual(len(rows), 2)
        for row in rows[:2]:
            self.assertAlmostEqual(row["out"], out_len * 8 * 10, delta=1)
            self.assertAlmostEqual(row["in"], in_len * 8 * 5, delta=1)
            self.assertAlmostEqual(row["pkts_out"], 10, delta=0.001)
        rows = fetch("zone/external-internet", t0 + 120, t0 + 240)
        self.assertAlmostEqual(rows[0]["out"], out_len * 8 * 10, delta=1)
        self.assertAlmostEqual(rows[0]["in"], in_len * 8 * 5, delta=1)
        # By application category: the site's traffic, split.
        cats = os.listdir(os.path.join(rrd, "cat", "nancheng-jianchang"))
        self.assertTrue(cats)
        # (a category first seen later is unknown before: nothing)
        vals = [fetch("cat/nancheng-jianchang/" + c[:-4], t0 + 120,
                      t0 + 180)[0]["out"] for c in cats]
        total = sum(v for v in vals if v == v)
        self.assertAlmostEqual(total, out_len * 8 * 10, delta=1)
        # The township's county and city carry its traffic too.
        for area in ("site/nancheng", "site/fuzhou"):
            row = fetch(area, t0 + 120, t0 + 180)[0]
            self.assertAlmostEqual(row["out"], out_len * 8 * 10, delta=1)
            self.assertAlmostEqual(row["in"], in_len * 8 * 5, delta=1)
        # Sites that saw nothing have no file.
        self.assertFalse(os.path.exists(os.path.join(
            rrd, "site", "chongren-bashan.rrd")))

    def test_traffic_within_an_area_stays_in_it(self):
        t0 = 1767225600
        length = 0

        def build(w):
            nonlocal length
            # 建昌镇 to 珠坊乡 (both of 南城县), 4 frames a second, and
            # 建昌镇 to 日峰镇 (黎川县), 2 a second: 5 minutes.
            for i in range(1200):
                dst = "10.36.18.7" if i % 3 else "10.36.33.9"
                f = pg.frame(EXTRANET, dst, pg.UDP,
                             pg.udp(40000, 514, b"s" * 200))
                length = len(f)
                w.add(t0 + i * 0.25, f)
        rrd = os.path.join(self.dir, "rrd")
        r = run([COLLECTOR, "-q", "--config", DEMO, "--rrd-dir", rrd,
                 "-r", self.capture(build)])
        self.assertEqual(r.returncode, 0, r.stderr)

        def rate(site, ds):
            r = run(["rrdtool", "fetch", os.path.join(rrd, "site",
                     site + ".rrd"), "AVERAGE", "-r", "60", "-s",
                     str(t0 + 120), "-e", str(t0 + 180)])
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.strip().splitlines()
            row = dict(zip(lines[0].split(),
                           map(float, lines[2].split(":")[1].split())))
            return row[ds]
        bps = length * 8
        # Every packet leaves 建昌镇 ...
        self.assertAlmostEqual(rate("nancheng-jianchang", "out"), bps * 4,
                               delta=1)
        self.assertAlmostEqual(rate("nancheng-zhuliang", "in"), bps * 8 / 3,
                               delta=1)
        # ... only those to 黎川县 leave 南城县, and none leaves 抚州市.
        self.assertAlmostEqual(rate("nancheng", "out"), bps * 4 / 3,
                               delta=1)
        self.assertAlmostEqual(rate("lichuan", "in"), bps * 4 / 3, delta=1)
        self.assertAlmostEqual(rate("lichuan-rifeng", "in"), bps * 4 / 3,
                               delta=1)
        self.assertFalse(os.path.exists(os.path.join(rrd, "site",
                                                     "fuzhou.rrd")))


    @unittest.skipUnless(os.geteuid() == 0, "mounting a tmpfs needs root")
    def test_new_files_wait_for_room(self):
        """An RRD takes its whole size at creation: on a disk that cannot
        hold them all, the files that fit are made and kept whole, the
        rest are refused with one message, and nothing half-made is
        left."""
        mnt = os.path.join(self.dir, "small")
        os.mkdir(mnt)
        r = run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt])
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: " + r.stderr.strip())
        try:
            conf = os.path.join(self.dir, "c.conf")
            with open(conf, "w") as fp:
                fp.write("include %s\nrrd-min-free 1\n" % DEMO)
            t0 = 1767225600

            def build(w):
                for i in range(600):
                    w.add(t0 + i * 0.5, pg.frame(EXTRANET, INTERNET, pg.UDP,
                          pg.udp(40000, 53, b"q" * 100)))
            rrd = os.path.join(mnt, "rrd")
            r = run([COLLECTOR, "-q", "--config", conf, "--rrd-dir", rrd,
                     "-r", self.capture(build)])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.count("no new files until there is "
                                            "room"), 1, r.stderr)
            made = []
            for top, _, files in os.walk(rrd):
                made += [os.path.join(top, f) for f in files]
            # A site file is about 1 MB: one fits with a megabyte free.
            self.assertTrue(made)
            self.assertLess(len(made), 3)
            for f in made:
                self.assertTrue(f.endswith(".rrd"), f)
                r = run(["rrdtool", "lastupdate", f])
                self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            run(["umount", mnt])


class CentralTrends(StoreCase):
    """Two appliances write their trends to one rrdcached over TCP, each
    below its rrd-prefix in the daemon's base directory."""

    def test_two_appliances_one_rrdcached(self):
        import socket
        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]
        base = os.path.join(self.dir, "central")
        os.makedirs(base)
        cached = subprocess.Popen(
            ["rrdcached", "-g", "-l", f"127.0.0.1:{port}", "-b", base, "-B",
             "-R", "-F", "-p", os.path.join(self.dir, "rrdc.pid"), "-j",
             self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = 1767225600
        rates = {"appliance-a": 10, "appliance-b": 4}
        try:
            time.sleep(0.5)
            for name, per_s in rates.items():
                def build(w, per_s=per_s):
                    for i in range(300 * per_s):
                        w.add(t0 + i / per_s, pg.frame(
                            EXTRANET, INTERNET, pg.UDP,
                            pg.udp(40000, 53, b"q" * 100)))
                conf = os.path.join(self.dir, name + ".conf")
                with open(conf, "w") as fp:
                    fp.write(f'include "{DEMO}"\nrrdcached '
                             f'"127.0.0.1:{port}"\nrrd-prefix {name}\n')
                r = run([COLLECTOR, "-q", "--config", conf, "--rrd-dir",
                         os.path.join(self.dir, "unused"),
                         "-r", self.capture(build)])
                self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            cached.terminate()          # -F: flushed at shutdown
            cached.wait(30)
        for name, per_s in rates.items():
            rrd = os.path.join(base, name, "site", "nancheng-jianchang.rrd")
            r = run(["rrdtool", "fetch", rrd, "AVERAGE", "-r", "60", "-s",
                     str(t0 + 120), "-e", str(t0 + 180)])
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.strip().splitlines()
            row = dict(zip(lines[0].split(),
                           map(float, lines[2].split(":")[1].split())))
            self.assertAlmostEqual(row["pkts_out"], per_s, delta=0.001)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "unused")))


class CustomProtocols(StoreCase):
    def test_government_portal_by_host(self):
        req = (b"GET / HTTP/1.1\r\nHost: www.zwfw.gov.cn\r\n\r\n",
               b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        cap = self.capture(lambda w: pg.tcp_session(
            w, 1.0, EXTRANET, 50000, "59.255.36.80", 80, *req))
        out = os.path.join(self.dir, "flows.json")
        r = run([COLLECTOR, "-q", "--config", DEMO, "--flows-json", out,
                 "-r", cap])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fp:
            flows = [json.loads(line) for line in fp]
        self.assertEqual([f["ndpi_proto"] for f in flows],
                         ["HTTP.GovServicePlatform"])

    def portal_flows(self, protos_text):
        """The applications of an HTTP request to www.zwfw.gov.cn and a
        TCP connection to port 8443, with protos_text as the file."""
        protos = os.path.join(self.dir, "protos.txt")
        with open(protos, "wb") as fp:
            fp.write(protos_text)
        req = (b"GET / HTTP/1.1\r\nHost: www.zwfw.gov.cn\r\n\r\n",
               b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        cap = self.capture(lambda w: (
            pg.tcp_session(w, 1.0, EXTRANET, 50000, "59.255.36.80", 80,
                           *req),
            pg.tcp_session(w, 2.0, EXTRANET, 50001, "59.255.36.81", 8443,
                           b"\x16\x00", b"\x00")))
        out = os.path.join(self.dir, "flows.json")
        r = run([COLLECTOR, "-q", "--protos", protos, "--flows-json", out,
                 "-r", cap])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fp:
            return sorted(json.loads(line)["ndpi_proto"] for line in fp)

    def test_a_file_saved_on_windows(self):
        # nDPI's own reader kept "\r" in the name and dropped the last
        # line, which has no newline here; Notepad begins the file with a
        # byte-order mark.
        text = (b"\xef\xbb\xbf# \xe6\x94\xbf\xe5\x8a\xa1 portal\r\n"
                b"   # an indented comment\r\n\r\n"
                b"host:\"zwfw.gov.cn\"@GovServicePlatform\r\n"
                b"  tcp:8443@GovVpn")
        self.assertEqual(self.portal_flows(text),
                         ["GovVpn", "HTTP.GovServicePlatform"])

    def test_mistakes_are_named_by_line(self):
        cases = [
            (b"garbage line", ":2: a space inside a definition"),
            (b"host:zwfw.gov.cn@Gov", ":2: host:zwfw.gov.cn: the name "
                                      "goes in double quotes"),
            (b"host:@Gov", ":2: host:: the name goes in double quotes"),
            (b'host:""@Gov', ':2: host:"": an empty name'),
            (b'host:"a.cn"', ":2: no '@' and application name"),
            (b'host:"a.cn"@', ":2: no application name after '@'"),
            (b'host:"a.cn"@Gov/CN', ":2: @Gov/CN: an application name"),
            (b'host:"\xe6\x94\xbf.cn"@Gov', ':2: host:"???.cn": letters'),
            (b"tcp:99999@Big", ":2: tcp:99999: a port (1 to 65535)"),
            (b"udp:5010-5000@R", ":2: udp:5010-5000: the range ends"),
            (b"tcp:80,,udp:53@X", ":2: an empty definition"),
            (b"ip:999.1.1.1@Bad", ":2: ip:999.1.1.1: an IPv4 address"),
            (b"ip:10.0.0.0/33@Bad", ":2: ip:10.0.0.0/33: an IPv4"),
            (b"ipv6:2001:db8::/32@X", ":2: ipv6:2001:db8::/32: not "
                                      "host:"),
            (b"tcp:80@A\x00", ":2: a NUL byte"),
            (b'host:"' + b"a" * 1100 + b'"@Long', ":2: line longer than"),
            (b"".join(b"tcp:%d@App%d\n" % (i + 1, i) for i in range(201)),
             ":202: more than 200 applications"),
        ]
        protos = os.path.join(self.dir, "bad-protos.txt")
        for line, want in cases:
            with self.subTest(want=want):
                with open(protos, "wb") as fp:
                    fp.write(b"# custom\n" + line + b"\n")
                r = run([COLLECTOR, "-q", "--protos", protos, "-r",
                         self.capture(lambda w: None)])
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(protos + want, r.stderr)
                self.assertNotIn("Unknown rule", r.stdout)

    def test_the_limits_themselves_are_taken(self):
        text = b"".join(b"tcp:%d@App%d\n" % (i + 10001, i)
                       for i in range(198))
        text += b'host:"' + b"a" * 253 + b'"@Long\n'
        text += b'host:"zwfw.gov.cn"@GovServicePlatform\n'
        self.assertEqual(self.portal_flows(text),
                         ["HTTP.GovServicePlatform", "Unknown"])

    def test_rules_may_name_custom_applications(self):
        rules = os.path.join(self.dir, "r.rules")
        with open(rules, "w") as fp:
            fp.write("rule 1 {\n severity info\n msg-zh \"政务服务\"\n"
                     " msg-en \"Government portal\"\n app GovCN\n}\n")
        protos = os.path.join(ROOT, "signatures", "protos.txt")
        conf = os.path.join(self.dir, "c.conf")
        for with_protos, want in ((True, 0), (False, 1)):
            with open(conf, "w") as fp:
                fp.write(f'rules "{rules}"\n')
                if with_protos:
                    fp.write(f'protos "{protos}"\n')
            r = run([COLLECTOR, "-n", "--config", conf])
            self.assertEqual(r.returncode, want, r.stderr)
            if want:
                self.assertIn("r.rules:5: rule 1: nDPI has no protocol "
                              "named GovCN", r.stderr)


class ZwctlMistakes(StoreCase):
    def test_every_mistake_is_said(self):
        """A usage error names what is wrong; none exits in silence."""
        cases = [
            (["trends", "site", "nancheng", "--since", "2026-13-01"],
             "--since 2026-13-01: a date such as"),
            (["trends", "site", "nancheng", "--format", "xml"],
             "--format xml: table or json"),
            (["trends", "site", "nancheng", "--source", "radio"],
             "--source radio: snmp or capture"),
            (["trends", "site", "nancheng", "--since", "2026-11-02",
              "--until", "2026-11-01"], "--since must come before --until"),
            (["events", "list", "--limit", "-3"],
             "--limit -3: a number of records"),
            (["events", "review", "x", "new", "--by", "a"],
             "event x: an event id is a number"),
            (["events", "review", "1", "bogus", "--by", "a"],
             "state bogus: new, acknowledged"),
            (["user", "list", "extra"], "user list: takes no arguments"),
            (["user", "passwd"], "user passwd: give one user name"),
            (["audit", "list", "extra"],
             "audit list: unexpected argument extra"),
            (["audit", "verify", "extra"],
             "audit verify extra: takes only --anchor ID:HASH"),
        ]
        for args, want in cases:
            with self.subTest(args=args):
                r = run([ZWCTL, "-c", DEMO, "-s", os.path.join(
                    self.dir, "none.db"), *args], stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(want, r.stderr)


class Settings(StoreCase):
    def test_mistakes(self):
        cases = [
            ("syslog s {\n port 514\n}", ":2: syslog s needs a server"),
            ("syslog s {\n server x\n transport tls\n}",
             ":4: transport tls: udp (RFC 5426) or tcp"),
            ("syslog s {\n server x\n facility kern\n}",
             ":4: facility kern"),
            ("syslog s {\n server x\n port 0\n}", ":4: port 0"),
            ("evidence-packets 65", ":2: evidence-packets 65"),
            ("dedupe-window 86401", ":2: dedupe-window 86401"),
            ("frobnicate 1", ':2: unknown keyword "frobnicate"'),
        ]
        for text, want in cases:
            with self.subTest(text):
                conf = self.conf(text)
                r = run([COLLECTOR, "-n", "--config", conf])
                self.assertEqual(r.returncode, 1)
                self.assertIn(os.path.basename(conf) + want, r.stderr)

    def test_detector_rule_mistakes(self):
        cases = [
            ("detect exits-per-district\n app Tor",
             "rule 9: detect exits-per-district takes only limit"),
            ("zones external internet\n limit 3",
             "rule 9: limit and window belong to detect rules"),
            ("detect botnet", "detect botnet: exits-per-district or "
             "hidden-router"),
            ("detect hidden-router\n limit 9", "limit 9: a number from 1"),
            ("detect hidden-router\n window 10", "window 10: seconds"),
        ]
        for body, want in cases:
            with self.subTest(body):
                rules = os.path.join(self.dir, "d.rules")
                with open(rules, "w") as fp:
                    fp.write(f"rule 9 {{\n severity low\n msg-zh \"x\"\n"
                             f" msg-en \"x\"\n {body}\n}}\n")
                conf = os.path.join(self.dir, "d.conf")
                with open(conf, "w") as fp:
                    fp.write(f'rules "{rules}"\n')
                r = run([COLLECTOR, "-n", "--config", conf])
                self.assertEqual(r.returncode, 1)
                self.assertIn("d.rules:", r.stderr)
                self.assertIn(want, r.stderr)


class Crash(StoreCase):
    """A store that is killed or starved of space keeps what it committed."""

    def looping(self, conf, status=None):
        # Each pass is new flows: the last pass's have idled out.
        def build(w):
            udp_flows(w, EXTRANET, INTERNET,
                      [1.0 + i * 0.01 for i in range(200)])
        cmd = [COLLECTOR, "-q", "--config", conf, "--store", self.store,
               "--loop", "0", "--speed", "1", "--idle-other", "1",
               "-r", self.capture(build)]
        if status:
            cmd += ["--status", status, "--status-interval", "1"]
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    def count(self):
        try:
            with sqlite3.connect(f"file:{self.store}?mode=ro",
                                 uri=True) as db:
                return db.execute("SELECT count(*) FROM violations"
                                  ).fetchone()[0]
        except sqlite3.Error:
            return 0

    def wait(self, cond, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            if cond():
                return True
            time.sleep(0.2)
        return False

    def test_kill_9_loses_no_committed_record(self):
        p = self.looping(self.conf("dedupe-window 0"))
        try:
            self.assertTrue(self.wait(lambda: self.count() >= 400))
            seen = self.count()
        finally:
            p.send_signal(signal.SIGKILL)
            p.communicate()
        with sqlite3.connect(self.store) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone(),
                             ("ok",))
            n = db.execute("SELECT count(*) FROM violations").fetchone()[0]
            ev = db.execute("SELECT count(*) FROM evidence").fetchone()[0]
        self.assertGreaterEqual(n, seen)
        self.assertGreater(ev, 0)
        # The next start continues the same database.
        self.collect([self.capture(lambda w: udp_flows(
            w, INTERNAL, INTERNET, [1.0]))])
        self.assertEqual(self.count(), n + 1)

    @unittest.skipUnless(os.geteuid() == 0, "mounting a tmpfs needs root")
    def test_full_disk_is_reported_and_recovers(self):
        mnt = os.path.join(self.dir, "small")
        os.mkdir(mnt)
        r = run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt])
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: " + r.stderr.strip())
        try:
            self.store = os.path.join(mnt, "events.db")
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as fp:
                fp.write(b"\0" * (700 * 1024))
            status = os.path.join(self.dir, "status.json")

            def store_status():
                try:
                    with open(status) as fp:
                        return json.load(fp)["store"]
                except (OSError, ValueError, KeyError):
                    return {}
            p = self.looping(self.conf("dedupe-window 0"), status)
            try:
                self.assertTrue(self.wait(
                    lambda: store_status().get("disk_full")),
                    f"never full: {store_status()}")
                full = store_status()
                self.assertGreater(full["commit_failures"], 0)
                self.assertGreater(full["pending"], 0)
                committed = self.count()
                os.unlink(filler)
                self.assertTrue(self.wait(
                    lambda: not store_status().get("failing", True) and
                    store_status()["created"] > full["created"]),
                    f"no recovery: {store_status()}")
            finally:
                p.send_signal(signal.SIGINT)
                _, err = p.communicate(timeout=60)
            self.assertIn("full", err)
            self.assertIn("writing again", err)
            with sqlite3.connect(self.store) as db:
                self.assertEqual(db.execute("PRAGMA integrity_check"
                                            ).fetchone(), ("ok",))
                self.assertGreater(db.execute("SELECT count(*) FROM "
                                              "violations").fetchone()[0],
                                   committed)
        finally:
            run(["umount", "-l", mnt])



SENDER = r"""
import socket, sys, time
# Frames given in hex on standard input, one a line, sent on zwb; then,
# with an argument, new flows (one frame each) at 50 a second until
# killed: every port its own flow.
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("zwb", 0))
lines = sys.stdin.read().split()
for h in lines[:-1] if len(sys.argv) > 1 else lines:
    s.send(bytes.fromhex(h))
print("sent", flush=True)
if len(sys.argv) > 1:
    frame = bytearray.fromhex(lines[-1])
    port = 1024
    while True:
        port = port + 1 if port < 65000 else 1024
        frame[34:36] = port.to_bytes(2, "big")
        s.send(bytes(frame))
        time.sleep(0.02)
"""


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and iproute2")
class Live(NetnsPair, StoreCase):
    """A collector on a veth of a namespace of its own, fed from the
    other end."""

    def setUp(self):
        NetnsPair.setUp(self)
        self.store = os.path.join(self.dir, "events.db")
        self.n = 0
        self.log = open(os.path.join(self.dir, "collector.log"), "w")
        self.addCleanup(self.log.close)

    def tearDown(self):
        pass

    def start(self, conf):
        st = os.path.join(self.dir, "status.json")
        if os.path.exists(st):
            os.unlink(st)
        p = subprocess.Popen(["ip", "netns", "exec", self.a, COLLECTOR,
                              "-q", "-i", "zwa", "--config", conf,
                              "--store", self.store, "--no-rrd",
                              "--idle-other", "600", "-f", "host 1.2.3.4",
                              "--status", st, "--status-interval", "1"],
                             stderr=self.log)
        self.addCleanup(p.kill)
        for _ in range(300):
            if os.path.exists(st) or p.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(st):
            with open(self.log.name) as fp:
                self.fail(f"no status: {fp.read()}")
        return p, st

    def send(self, frames, steady=False):
        p = subprocess.Popen(["ip", "netns", "exec", self.b, sys.executable,
                              "-c", SENDER, *(["steady"] if steady else [])],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        p.stdin.write("\n".join(f.hex() for f in frames) + "\n")
        p.stdin.close()
        self.assertEqual(p.stdout.readline().strip(), "sent")
        return p

    def rows(self, sql):
        with sqlite3.connect(f"file:{self.store}?mode=ro", uri=True) as db:
            return db.execute(sql).fetchall()



class LiveRecords(Live):
    """A violation is in the store at the writer's next commit after its
    rule fires, not when its flow ends; kill -9 loses at most the last
    commit interval's."""
    prefix = "zws"

    def test_kept_when_found_and_named_at_the_end(self):
        p, _ = self.start(self.conf())
        frame = pg.frame(EXTRANET, INTERNET, pg.UDP,
                         pg.udp(40000, 5000, b"zonewatch"))
        sent = time.monotonic()
        self.send([frame] * 10)
        got = []
        for _ in range(600):
            if os.path.exists(self.store):
                got = self.rows("SELECT rule, app, packets FROM violations")
                if got:
                    break
            time.sleep(0.05)
        # The flow lives on (idle timeout 600 s): not yet named, no count.
        self.assertEqual(got, [(1010, "", 0)])
        # Said, not asserted: how soon the record was there to read.
        print(f"\nrecord in the store {time.monotonic() - sent:.2f} s after "
              "the burst was sent", file=sys.stderr)
        self.assertIn("(not named)", self.zwctl("violations", "list").stdout)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0)
        got = self.rows("SELECT rule, app, packets, flows FROM violations")
        self.assertEqual(len(got), 1)
        self.assertEqual((got[0][0], got[0][2], got[0][3]), (1010, 10, 1))
        self.assertNotEqual(got[0][1], "")
        # Syslog, the MIB and the UI saw it at the first commit; the
        # update made no second record.
        self.assertEqual(self.zwctl("violations", "list").stdout.count(
            "1010"), 1)

    def test_full_disk_is_counted_and_nothing_is_lost(self):
        """Live, the store on a small tmpfs that fills: the failures are
        counted and shown, what waits is kept, and once space returns
        every record made is in the store."""
        mnt = os.path.join(self.dir, "small")
        os.mkdir(mnt)
        r = run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt])
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: " + r.stderr.strip())
        self.addCleanup(run, ["umount", "-l", mnt])
        self.store = os.path.join(mnt, "events.db")
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as fp:
            fp.write(b"\0" * (700 * 1024))
        p, st = self.start(self.conf("dedupe-window 0"))
        self.send([pg.frame(EXTRANET, INTERNET, pg.UDP,
                            pg.udp(40000, 5000, b"zonewatch"))], steady=True)

        def store():
            try:
                with open(st) as fp:
                    return json.load(fp).get("store", {})
            except (OSError, ValueError):
                return {}

        def until(cond):
            for _ in range(600):
                if cond():
                    return True
                time.sleep(0.1)
            return False
        self.assertTrue(until(lambda: store().get("disk_full")),
                        f"never full: {store()}")
        full = store()
        self.assertGreater(full["commit_failures"], 0)
        self.assertGreater(full["pending"], 0)
        os.unlink(filler)
        self.assertTrue(until(lambda: not store().get("failing", True) and
                              store()["created"] > full["created"] +
                              full["pending"]), f"no recovery: {store()}")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0)
        last = store()
        self.assertEqual((last["pending"], last["dropped"],
                          last["records_lost"]), (0, 0, 0), last)
        self.assertEqual(self.rows("PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(self.rows("SELECT count(*) FROM violations")[0][0],
                         last["created"])
        print(f"\nfull disk: {full['commit_failures']} commits refused, "
              f"{full['pending']} events waited; {last['created']} records "
              "kept", file=sys.stderr)

    def test_kill_9_loses_no_committed_record(self):
        import random
        conf = self.conf("dedupe-window 0")
        frame = pg.frame(EXTRANET, INTERNET, pg.UDP,
                         pg.udp(40000, 5000, b"zonewatch"))
        self.send([frame], steady=True)
        rnd = random.Random(27)
        count, kills = 0, 0
        for _ in range(30):
            p, st = self.start(conf)
            time.sleep(rnd.uniform(0.2, 2.0))
            with open(st) as fp:
                status = json.load(fp)  # always whole JSON
            p.kill()
            p.wait()
            kills += 1
            with open(st) as fp:
                json.load(fp)           # and after the kill too
            self.assertEqual(self.rows("PRAGMA integrity_check"), [("ok",)])
            n = self.rows("SELECT count(*) FROM violations")[0][0]
            # Never fewer; every record the status saw committed is kept.
            self.assertGreaterEqual(n, count)
            self.assertGreaterEqual(n, count + status["store"]["created"])
            count = n
        self.assertEqual(kills, 30)
        self.assertGreater(count, 30)
        print(f"\n{kills} kills, {count} records kept", file=sys.stderr)


class Exceptions(Live):
    """What the officer allows stays quiet: an exception made with zwctl
    while the collector runs holds for the next flows without a restart,
    counted on the exception and in the collector's status; an expired
    or revoked one no longer does; each change is in the audit trail."""
    prefix = "zwx"

    def status(self, st):
        with open(st) as fp:
            return json.load(fp)["store"]

    def flows_until(self, st, want, port):
        """Flows from EXTRANET, one every 0.2 s, until want(status)."""
        for _ in range(150):
            self.send([pg.frame(EXTRANET, INTERNET, pg.UDP,
                                pg.udp(port, 5000, b"zonewatch"))])
            port += 1
            time.sleep(0.2)
            if want(self.status(st)):
                return port
        self.fail(f"not seen: {self.status(st)}")

    def count(self):
        return self.rows("SELECT count(*) FROM violations")[0][0]

    def recorded(self, st):
        """Flows that went to a record, a new one or a repeat."""
        s = self.status(st)
        return s["created"] + s["repeated"]

    def test_life_cycle(self):
        p, st = self.start(self.conf())
        port = self.flows_until(st, lambda s: s["created"] >= 1, 41000)
        first = self.records()[0]
        made = self.zwctl("exceptions", "add", "--from", str(first["id"]),
                          "--any-app", "--until", "2099-12-31", "--reason",
                          "测试网段，经批准", "--by", "secadmin").stdout
        xid = re.match(r"exception (\d+)", made).group(1)
        # Applied within seconds, the collector still running.
        port = self.flows_until(st, lambda s: s["excepted"] >= 1, port)
        before = self.count()
        for i in range(5):
            self.send([pg.frame(EXTRANET, INTERNET, pg.UDP,
                                pg.udp(port + i, 5000, b"zonewatch"))])
        port += 5
        self.flows_until(st, lambda s: s["excepted"] >= 7, port)
        port += 200
        self.assertEqual(self.count(), before)
        self.assertEqual(p.poll(), None)
        listed = self.zwctl("exceptions", "list").stdout
        self.assertRegex(listed, rf"(?m)^{xid} +{re.escape(EXTRANET)} +1010 "
                         rf"+\* +{re.escape(INTERNET)} .* active +\d+ ")
        hits = self.rows(f"SELECT hits FROM exceptions WHERE id = {xid}")
        self.assertGreaterEqual(hits[0][0], 7)
        # Another host is not allowed by it.
        self.send([pg.frame("10.36.17.6", INTERNET, pg.UDP,
                            pg.udp(40000, 5000, b"zonewatch"))])
        self.flows_until(st, lambda s: s["created"] >= 2, port)
        port += 200
        # Revoked: records again.
        self.assertIn("revoked", self.zwctl("exceptions", "revoke", xid,
                                            "--by", "secadmin").stdout)
        self.assertIn("revoked already", self.zwctl(
            "exceptions", "revoke", xid, ok=False).stderr)
        n = self.recorded(st)
        port = self.flows_until(st, lambda s: self.recorded(st) > n, port)
        self.assertEqual(self.zwctl("exceptions", "list").stdout.count(
            "\n"), 1)
        self.assertIn("revoked", self.zwctl("exceptions", "list",
                                            "--all").stdout)
        # One that has run out (its end moved to the past, as time
        # would): records again, and listed as expired.
        made = self.zwctl("exceptions", "add", EXTRANET, "--until",
                          "2099-12-31", "--reason", "到期测试").stdout
        yid = re.match(r"exception (\d+)", made).group(1)
        x = self.status(st)["excepted"]
        port = self.flows_until(st, lambda s: s["excepted"] > x, port)
        with sqlite3.connect(self.store) as db:
            db.execute("UPDATE exceptions SET until_us = 1000000 WHERE "
                       f"id = {yid}")
        n = self.recorded(st)
        self.flows_until(st, lambda s: self.recorded(st) > n, port)
        self.assertRegex(self.zwctl("exceptions", "list", "--all").stdout,
                         rf"(?m)^{yid} .* expired ")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0)
        audit = [json.loads(line) for line in self.zwctl(
            "audit", "list", "--format", "json").stdout.splitlines()]
        said = [(a["action"], a["object"], a["outcome"]) for a in audit]
        self.assertIn(("exception-add", f"exception {xid}", "ok"), said)
        self.assertIn(("exception-revoke", f"exception {xid}", "ok"), said)
        self.assertIn(("exception-revoke", f"exception {xid}", "failed"),
                      said)
        self.assertIn(f"host {EXTRANET} rule 1010 app * peer {INTERNET}",
                      audit[0]["detail"])
        self.assertIn("测试网段，经批准", audit[0]["detail"])

    def test_mistakes(self):
        self.collect([self.capture(lambda w: None)])
        for args, said in (
                (["add", "10.0.0.300", "--until", "2099-01-01", "--reason",
                  "x"], "an IPv4 or IPv6 address"),
                (["add", EXTRANET, "--until", "2001-01-01", "--reason", "x"],
                 "a date still to come"),
                (["add", EXTRANET, "--until", "2099-01-01"], "usage"),
                (["add", "--from", "99", "--until", "2099-01-01",
                  "--reason", "x"], "no violation 99"),
                (["revoke", "7"], "no exception 7")):
            r = self.zwctl("exceptions", *args, ok=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(said, r.stderr, args)
        self.assertEqual(self.rows("SELECT count(*) FROM exceptions"),
                         [(0,)])

    def test_application_named_later(self):
        """Rule 1010 fires at a flow's first packet, before nDPI names
        it: an exception of the application removes the record when the
        name comes, and leaves the host's other traffic recorded."""
        def build(w):
            for i in range(3):
                w.add(1000 + i, pg.frame(EXTRANET, "8.8.8.8", pg.UDP,
                                         pg.udp(53000 + i, 53,
                                                pg.dns_query("a.example"))))
            udp_flows(w, EXTRANET, INTERNET, [1010])
        cap = self.capture(build)
        self.collect([self.capture(lambda w: None)])
        self.zwctl("exceptions", "add", EXTRANET, "--app", "DNS",
                   "--until", "2099-12-31", "--reason", "公共 DNS 已批准")
        self.collect([cap])
        got = self.rows("SELECT dst_ip, app, flows FROM violations")
        self.assertEqual([g[0] for g in got], [INTERNET], got)
        self.assertEqual(self.rows("SELECT hits FROM exceptions"), [(3,)])


class Upgrade(unittest.TestCase):
    """A store of the release before the split (schema 6, administrators
    and audit trail in the event store, tests/stores/v6) opened by this
    one: everything is there after, each in its own store."""

    HEAD = "4:19c2b2c8d33cf1f79892f2735a25c14652432705ffead7c11927c53de4591e46"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-upgrade-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        src = os.path.join(HERE, "..", "stores", "v6")
        for f in ("events.db", "audit.key"):
            shutil.copy(os.path.join(src, f), self.dir)
        os.chmod(os.path.join(self.dir, "audit.key"), 0o600)
        self.store = os.path.join(self.dir, "events.db")
        self.admin = os.path.join(self.dir, "admin", "admin.db")
        with open(os.path.join(src, "audit.key"), "rb") as fp:
            self.key = fp.read()

    def zwctl(self, *args):
        r = run([ZWCTL, "-s", self.store, *args])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def tables(self, path):
        with sqlite3.connect(path) as db:
            # SQLite's own (sqlite_sequence) aside.
            return {n for (n,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND"
                " name NOT LIKE 'sqlite%'")}

    def test_nothing_lost(self):
        # The accounts, sealed with the key that moved with them.
        out = self.zwctl("user", "list")
        for name, role in (("admin", "sysadmin"), ("sec", "secadmin"),
                           ("aud", "auditadmin")):
            self.assertRegex(out, rf"{name} +{role} +active")
        self.assertNotIn("FORGED", out)
        # The trail whole, holding the head it had before.
        out = self.zwctl("audit", "verify", "--anchor", self.HEAD)
        self.assertIn("audit chain OK", out)
        self.assertIn("holds the anchor", out)
        # The violations, their review and their evidence.
        rows = [json.loads(ln) for ln in self.zwctl(
            "violations", "list", "--format", "json").splitlines()]
        self.assertEqual(len(rows), 9)
        self.assertEqual([v["state"] for v in rows if v["id"] == 1],
                         ["acknowledged"])
        pcap = os.path.join(self.dir, "ev.pcap")
        self.zwctl("violations", "evidence", "1", "-o", pcap)
        self.assertGreater(os.path.getsize(pcap), 24)
        # Each where it belongs now: the key and the administrators'
        # tables left the event store, the review history with them;
        # the exceptions of schema 8 came.
        self.assertEqual(self.tables(self.store),
                         {"violations", "evidence", "events", "exceptions"})
        self.assertLessEqual({"users", "audit", "audit_anchor", "reviews",
                              "user_changes", "login_failures"},
                             self.tables(self.admin))
        with sqlite3.connect(self.admin) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM users")
                             .fetchone()[0], 3)
            self.assertEqual(db.execute("SELECT kind, record, new_state,"
                                        " who FROM reviews").fetchall(),
                             [("violation", 1, 1, "sec")])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "audit.key")))
        kpath = os.path.join(self.dir, "admin", "audit.key")
        with open(kpath, "rb") as fp:
            self.assertEqual(fp.read(), self.key)
        self.assertEqual(os.stat(kpath).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.admin).st_mode & 0o777, 0o600)
        # A second open finds nothing more to move, and adds nothing.
        self.assertEqual(self.zwctl("user", "list"), out2 := self.zwctl(
            "user", "list"))
        self.assertEqual(out2.count("active"), 3)

    def test_a_move_cut_short_is_finished(self):
        """A crash after the administrators' store committed and before
        the event store dropped its tables: the next open finishes the
        move, with no row twice."""
        self.zwctl("user", "list")
        with sqlite3.connect(os.path.join(HERE, "..", "stores", "v6",
                                          "events.db")) as old:
            dump = "\n".join(ln for ln in old.iterdump()
                             if "audit" in ln or "users" in ln)
        with sqlite3.connect(self.store) as db:
            db.executescript(dump)
        self.assertIn("users", self.tables(self.store))
        out = self.zwctl("user", "list")
        self.assertEqual(out.count("active"), 3, out)
        self.assertNotIn("users", self.tables(self.store))
        out = self.zwctl("audit", "verify", "--anchor", self.HEAD)
        self.assertIn("audit chain OK", out)
        with sqlite3.connect(self.admin) as db:
            self.assertEqual(db.execute(
                "SELECT count(*) FROM audit WHERE id <= 4").fetchone()[0], 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
