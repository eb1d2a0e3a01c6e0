"""Several workers give the results of one.

- the project's copy of the nDPI corpus, read with 1, 2 and 4 workers:
  the same flow records (in another order) and the same totals;
- a generated capture made to catch a split done wrong: both directions
  of each flow, IPv4 datagrams in fragments (later fragments carry no
  ports), IPv6, VLANs, and flows that go idle and come back under the
  same key, so that the flow table's housekeeping must happen at the
  same traffic times in every worker as in one; every worker gets work;
- the outputs that keep state across flows (store with evidence,
  violations log, trends, status) hold the same figures;
- a count of frames (-c) live is refused with several workers.

nDPI keeps caches across flows (STUN, for one): a flow classified thanks
to another flow's packets can be named differently when the two land in
different workers, as in ndpiReader's threads.  Two captures of nDPI's
201 show it (stun_signal, wa_voice); none of those used here does.

Binary from ZW_COLLECTOR.
"""
import glob
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import command  # noqa: E402
import pcapgen as pg  # noqa: E402
from netns import NetnsPair  # noqa: E402
from command import COLLECTOR, DEMO  # noqa: E402

CORPUS = sorted(glob.glob(os.path.join(ROOT, "tests", "pcap", "ndpi", "*")))
T0 = 1767225600 * 1000000


def totals(stderr):
    """The summary, but the peak of active flows (a bound with workers)
    and the timing and worker lines."""
    keep = []
    for line in stderr.splitlines():
        if line.startswith(("time ", "workers ")) or "capture:" in line:
            continue
        keep.append(re.sub(r" \(max active \d+\)", "", line))
    return keep


def fragments(src, dst, sport, dport, data, ident):
    """A UDP datagram as IPv4 fragments of 64 payload bytes (RFC 791)."""
    dgram = pg.udp(sport, dport, data)
    out = []
    for off in range(0, len(dgram), 64):
        more = 0x2000 if off + 64 < len(dgram) else 0
        out.append(pg.ether(pg.MAC_B, pg.MAC_A, 0x0800,
                            pg.ipv4(src, dst, pg.UDP, dgram[off:off + 64],
                                    ident=ident, frag=more | off // 8)))
    return out


class Workers(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-workers-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_collector(self, n, files, *extra):
        out = os.path.join(self.dir, f"flows-{n}.json")
        args = [COLLECTOR, "--flows-json", out, "--workers", str(n),
                *extra]
        for f in files:
            args += ["-r", f]
        r = subprocess.run(args, capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 3), r.stderr)   # 3: a damaged file
        with open(out) as fp:
            records = sorted(fp.read().splitlines())
        each = re.search(r"^workers (\d+), packets each: ([\d ]+);",
                         r.stderr, re.M)
        return records, totals(r.stderr), each, r.stderr

    def same_as_one(self, files, *extra):
        one, t1, each, _ = self.run_collector(1, files, *extra)
        self.assertIsNone(each)
        self.assertGreater(len(one), 100)
        for n in (2, 4):
            recs, tn, each, err = self.run_collector(n, files, *extra)
            self.assertEqual(tn, t1, err)
            self.assertEqual(len(recs), len(one))
            self.assertEqual(recs, one)
            counts = [int(x) for x in each.group(2).split()]
            self.assertEqual(len(counts), n)
            self.assertTrue(all(c > 0 for c in counts), counts)
            self.assertEqual(sum(counts),
                             int(re.search(r"^packets (\d+)", err,
                                           re.M).group(1)))
        return one

    def test_corpus(self):
        self.assertGreater(len(CORPUS), 40)
        self.same_as_one(CORPUS)

    def test_generated(self):
        cap = os.path.join(self.dir, "gen.pcap")
        w = pg.PcapWriter(cap)
        t = T0
        frames = 0
        # Three rounds 20 s apart: with a 5 s idle timeout every flow ends
        # between rounds and the same keys start new flows.
        for rnd in range(3):
            for i in range(300):
                a = f"10.{i % 7}.{i % 200}.{1 + i % 250}"
                b = f"172.16.{i % 13}.{1 + (i * 7) % 250}"
                sp, dp = 40000 + i, (80, 443, 53, 8080)[i % 4]
                vl = (i % 5,) if i % 5 else ()
                for k in range(4):
                    t += 1000
                    w.add(t / 1e6, pg.frame(a, b, pg.TCP, pg.tcp(
                        sp, dp, pg.ACK, b"q" * (10 + k)), vlans=vl))
                    t += 1000
                    w.add(t / 1e6, pg.frame(b, a, pg.TCP, pg.tcp(
                        dp, sp, pg.ACK, b"r" * (20 + k)), vlans=vl))
                    frames += 2
                if i % 3 == 0:
                    for f in fragments(b, a, 5000 + i, 6000, bytes(300),
                                       ident=i + rnd * 1000):
                        t += 500
                        w.add(t / 1e6, f)
                        frames += 1
                if i % 4 == 0:
                    x, y = f"2001:db8::{i + 1:x}", f"2001:db8:1::{i + 1:x}"
                    t += 700
                    w.add(t / 1e6, pg.frame(x, y, pg.UDP, pg.udp(7000, 7001,
                                                          b"v6")))
                    t += 700
                    w.add(t / 1e6, pg.frame(y, x, pg.UDP, pg.udp(7001, 7000,
                                                          b"v6")))
                    frames += 2
            t += 20 * 1000000
        w.close()
        one = self.same_as_one([cap], "--idle-tcp", "5", "--idle-other",
                               "5")
        ends = "".join(one)
        self.assertIn('"idle"', ends)
        self.assertIn('"eof"', ends)
        # Each fragmented datagram is one flow, in every round.
        frag = [r for r in one if '"upper_port":6000' in r or
                '"lower_port":6000' in r]
        self.assertEqual(len(frag), 300)

    def sinks_run(self, n, cap):
        """A run with every output that keeps state across flows."""
        d = os.path.join(self.dir, f"run-{n}")
        os.mkdir(d)
        r = subprocess.run([COLLECTOR, "--config", DEMO, "--workers", str(n),
                            "--store", os.path.join(d, "events.db"),
                            "--violations", os.path.join(d, "v.jsonl"),
                            "--rrd-dir", os.path.join(d, "rrd"),
                            "--status", os.path.join(d, "status.json"),
                            "-r", cap], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = {}
        with open(os.path.join(d, "v.jsonl")) as fp:
            out["violations"] = sorted(fp.read().splitlines())
        db = sqlite3.connect(os.path.join(d, "events.db"))
        out["store"] = sorted(db.execute(
            "SELECT rule, severity, l4proto, src_ip, src_port, dst_ip, "
            "dst_port, src_site, dst_site, app, detail, first_us, last_us, "
            "flows, packets, bytes FROM violations").fetchall())
        out["evidence"] = sorted(db.execute(
            "SELECT v.src_ip, v.dst_ip, e.packets, length(e.pcap) FROM "
            "evidence e JOIN violations v ON v.id = e.violation").fetchall())
        db.close()
        with open(os.path.join(d, "status.json")) as fp:
            st = json.load(fp)
        for k in ("time", "uptime"):
            del st[k]
        del st["flows"]["max_active"]
        out["status"] = st
        rrd = {}
        for path in sorted(glob.glob(os.path.join(d, "rrd", "**", "*.rrd"),
                                     recursive=True)):
            f = subprocess.run(["rrdtool", "fetch", path, "AVERAGE", "-r",
                                "60", "-s", str(T0 // 1000000), "-e",
                                str(T0 // 1000000 + 600)],
                               capture_output=True, text=True)
            self.assertEqual(f.returncode, 0, f.stderr)
            rrd[os.path.relpath(path, d)] = f.stdout
        out["rrd"] = rrd
        return out, r.stderr

    def test_sinks(self):
        """Store, violations log, trends and status with workers: the
        figures of one pipeline.  Steps are summed over the workers
        before they are written, the detectors are shared."""
        cap = os.path.join(self.dir, "sites.pcap")
        w = pg.PcapWriter(cap)
        hosts = [f"10.36.17.{i}" for i in range(2, 30)] + \
                [f"10.36.33.{i}" for i in range(2, 30)]
        for sec in range(300):
            for j, h in enumerate(hosts):
                if (sec + j) % 3:
                    continue
                far = f"1.2.{j % 7}.{1 + sec % 9}"
                t = T0 + sec * 1000000 + j * 1000
                w.add(t / 1e6, pg.frame(h, far, pg.UDP, pg.udp(
                    40000 + j, 53, b"q" * (40 + j))))
                w.add((t + 300) / 1e6, pg.frame(far, h, pg.UDP, pg.udp(
                    53, 40000 + j, b"a" * (200 + j))))
                w.add((t + 500) / 1e6, pg.frame(h, hosts[-1 - j], pg.TCP,
                    pg.tcp(50000 + sec % 50, 8080, pg.ACK, b"x" * 60)))
        w.close()
        one, _ = self.sinks_run(1, cap)
        two, err = self.sinks_run(2, cap)
        self.assertRegex(err, r"workers 2, packets each: [1-9]\d* [1-9]")
        self.assertGreater(len(one["violations"]), 50)
        self.assertGreater(len(one["store"]), 50)
        self.assertTrue(one["evidence"])
        self.assertTrue(one["status"]["sites"])
        self.assertEqual(one["status"]["capture"]["received"], 16800)
        site = [k for k in one["rrd"] if "nancheng-jianchang" in k]
        self.assertTrue(site)
        self.assertRegex(one["rrd"][site[0]], r": [1-9]")
        for k in ("violations", "store", "evidence", "status"):
            self.assertEqual(two[k], one[k], k)
        self.assertEqual(sorted(two["rrd"]), sorted(one["rrd"]))
        for k in one["rrd"]:
            self.assertEqual(two["rrd"][k], one["rrd"][k], k)

    def test_refusals(self):
        r = subprocess.run([COLLECTOR, "--workers", "65", "-r", CORPUS[0]],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--workers 65", r.stderr)
        r = subprocess.run([COLLECTOR, "-v", "--workers", "2", "-c", "5",
                            "-i", "lo"], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("-c: with one worker only", r.stderr)
        self.assertNotIn("capturing on", r.stderr)     # refused first

    @unittest.skipUnless(os.geteuid() == 0, "needs root to capture")
    def test_count_takes_one_pipeline(self):
        """-c without --workers reads with one pipeline, whatever the
        configuration says."""
        conf = os.path.join(self.dir, "w.conf")
        with open(conf, "w") as fp:
            fp.write("workers 2\n")
        p = subprocess.Popen([COLLECTOR, "-v", "--config", conf, "-i", "lo",
                              "--no-store", "--no-rrd", "-c", "3", "-f",
                              "udp port 9"],
                             stderr=subprocess.PIPE, text=True)
        self.addCleanup(p.kill)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            for _ in range(100):
                u.sendto(b"x", ("127.0.0.1", 9))
                time.sleep(0.1)
                if p.poll() is not None:
                    break
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertRegex(err, r"(?m)^packets 3,")
        self.assertNotIn("workers 2", err)


class InPlaceReader(unittest.TestCase):
    """Classic pcap files are read in place (mapped), anything else by
    libpcap: both ways give the same records, the same totals and the
    same damage report.  A FIFO makes libpcap read a file it would
    otherwise map."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-inplace-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def read(self, name, files):
        out = os.path.join(self.dir, name + ".json")
        args = [COLLECTOR, "--flows-json", out]
        for f in files:
            args += ["-r", f]
        r = subprocess.run(args, capture_output=True, text=True)
        with open(out) as fp:
            return r.returncode, sorted(fp.read().splitlines()), \
                totals(r.stderr), [ln for ln in r.stderr.splitlines()
                                   if "damaged" in ln]

    def nsec_copy(self, path):
        """The same capture with nanosecond timestamps."""
        with open(path, "rb") as fp:
            data = bytearray(fp.read())
        out = bytearray(struct.pack("<I", 0xa1b23c4d)) + data[4:24]
        off = 24
        while off + 16 <= len(data):
            sec, usec, cap, wire = struct.unpack_from("<IIII", data, off)
            out += struct.pack("<IIII", sec, usec * 1000, cap, wire)
            out += data[off + 16:off + 16 + cap]
            off += 16 + cap
        path = os.path.join(self.dir, "nsec-" + os.path.basename(path))
        with open(path, "wb") as fp:
            fp.write(out)
        return path

    def test_same_as_libpcap(self):
        classic = []
        for f in CORPUS:
            with open(f, "rb") as fp:
                if fp.read(4) == struct.pack("<I", 0xa1b2c3d4):
                    classic.append(f)
        self.assertGreater(len(classic), 30)
        # One ends in a damaged record: last, as it stops nothing.
        classic.sort(key=lambda f: "fuzz" in f)
        mapped = self.read("mapped", classic)
        fifos, writers = [], []
        for i, f in enumerate(classic):
            fifo = os.path.join(self.dir, f"fifo-{i}")
            os.mkfifo(fifo)
            fifos.append(fifo)
            writers.append(subprocess.Popen(
                ["sh", "-c", f"cat '{f}' > '{fifo}'"]))
        streamed = self.read("streamed", fifos)
        for w in writers:
            w.wait(timeout=30)
        self.assertEqual(mapped[0], streamed[0])
        self.assertEqual(mapped[1], streamed[1])
        self.assertEqual(mapped[2], streamed[2])
        self.assertEqual(len(mapped[3]), len(streamed[3]))
        for a, b in zip(mapped[3], streamed[3]):
            self.assertEqual(a.split(": damaged after")[1],
                             b.split(": damaged after")[1])
        self.assertGreater(len(mapped[1]), 300)
        # Nanosecond timestamps: the same flows, to the microsecond.
        small = [f for f in classic if "fuzz" not in f][:10]
        self.assertEqual(self.read("usec", small)[1:3],
                         self.read("nsec", [self.nsec_copy(f)
                                            for f in small])[1:3])

    def test_shrinks_while_read(self):
        """A file cut short while it is read (mapped): the program says so
        and ends with the status of a damaged input, no records written."""
        path = os.path.join(self.dir, "shrinks.pcap")
        w = pg.PcapWriter(path)
        for i in range(40):
            w.add(T0 / 1e6 + i * 0.25, pg.frame("10.1.1.1", "10.2.2.2", pg.UDP,
                                               pg.udp(5000, 53, bytes(1400))))
        w.close()
        out = os.path.join(self.dir, "shrinks.json")
        p = subprocess.Popen([COLLECTOR, "--speed", "1", "--flows-json", out,
                              "-r", path], stderr=subprocess.PIPE, text=True)
        self.addCleanup(p.kill)
        time.sleep(1.5)
        os.truncate(path, 8192)
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("a capture file shrank while it was read", err)
        self.assertFalse(os.path.exists(out))
        # Nor its temporary.
        self.assertEqual([n for n in os.listdir(self.dir) if ".tmp." in n],
                         [])

    def test_truncated(self):
        """A record cut short, and one claiming more than libpcap's snap
        length: the records before it, and the damage named."""
        src = os.path.join(self.dir, "three.pcap")
        w = pg.PcapWriter(src)
        for i in range(3):
            w.add(T0 / 1e6 + i, pg.frame("10.1.1.1", "10.2.2.2", pg.UDP,
                                        pg.udp(5000, 53, b"x" * 30)))
        w.close()
        with open(src, "rb") as fp:
            data = fp.read()
        first = 24 + 16 + struct.unpack_from("<I", data, 24 + 8)[0]
        cut = os.path.join(self.dir, "cut.pcap")
        with open(cut, "wb") as fp:
            fp.write(data[:first + 20])
        huge = os.path.join(self.dir, "huge.pcap")
        with open(huge, "wb") as fp:
            fp.write(data[:first] + struct.pack("<IIII", 1, 0, 300000,
                                                300000) + bytes(64))
        for path, msg in ((cut, "truncated dump file"),
                          (huge, "invalid packet capture length 300000")):
            rc, recs, tot, dmg = self.read("t", [path])
            self.assertEqual(rc, 3)
            self.assertEqual(len(recs), 1)
            self.assertEqual(len(dmg), 1)
            self.assertIn("damaged after 1 records", dmg[0])
            self.assertIn(msg, dmg[0])


TRAFFIC = r"""
import socket, sys, time
kind = sys.argv[1]
if kind == "serve":
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("10.99.0.1", 8000)); t.listen(64)
    u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u4.bind(("10.99.0.1", 7000))
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.bind(("fd00:99::1", 7000))
    import select
    print("ready", flush=True)
    while True:
        r, _, _ = select.select([t, u4, u6], [], [])
        for s in r:
            if s is t:
                c, _ = t.accept(); d = c.recv(65536); c.sendall(d * 2)
                c.close()
            else:
                d, a = s.recvfrom(65536); s.sendto(d[:100], a)
else:
    for i in range(60):
        c = socket.create_connection(("10.99.0.1", 8000))
        c.sendall(b"x" * (100 + i)); c.recv(65536); c.close()
        for fam, addr in ((socket.AF_INET, "10.99.0.1"),
                          (socket.AF_INET6, "fd00:99::1")):
            u = socket.socket(fam, socket.SOCK_DGRAM)
            u.bind((("10.99.0.2" if fam == socket.AF_INET else
                     "fd00:99::2"), 30000 + i))
            # 3000 bytes: IPv4 fragments (RFC 791) and IPv6 ones (RFC 8200).
            u.sendto(b"y" * (3000 if i % 3 == 0 else 50 + i), (addr, 7000))
            u.settimeout(2); u.recv(65536); u.close()
        time.sleep(0.01)
"""


class EchoPair(NetnsPair):
    def serve(self):
        """The TCP and UDP echo server of TRAFFIC, in the first namespace."""
        server = subprocess.Popen(["ip", "netns", "exec", self.a,
                                   sys.executable, "-c", TRAFFIC, "serve"],
                                  stdout=subprocess.PIPE, text=True)
        self.addCleanup(server.kill)
        self.assertEqual(server.stdout.readline().strip(), "ready")


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and iproute2")
class LiveBoth(EchoPair):
    """A live interface read by two workers (a PACKET_FANOUT group, a
    socket each; `workers 2` in the configuration) and, at the same time,
    by one pipeline."""

    def collector(self, n):
        """One pipeline by the command line; two by the configuration."""
        out = os.path.join(self.dir, f"flows-{n}.json")
        conf = os.path.join(self.dir, f"zw-{n}.conf")
        with open(conf, "w") as fp:
            fp.write(f"workers {n}\n")
        p = subprocess.Popen(["ip", "netns", "exec", self.a, COLLECTOR,
                              "-v", "-i", "zwa", "--config", conf,
                              *(["--workers", "1"] if n == 1 else []),
                              "--no-store", "--no-rrd", "--flows-json", out,
                              # every flow ends at the stop, in both runs
                              "--idle-tcp", "600", "--idle-other", "600",
                              "--closed", "600",
                              # not the interface's own chatter at start
                              "-f", "net 10.99.0.0/24 or net fd00:99::/64",
                              "--status", os.path.join(self.dir, f"st-{n}"),
                              "--status-interval", "1"],
                             stderr=subprocess.PIPE, text=True)
        return p, out

    def both(self, send, least):
        """Runs one pipeline and two workers on zwa at the same time while
        send() sends (at least `least` frames); their flow records (times
        aside, which each socket stamps itself) and what each printed."""
        runs = [self.collector(1), self.collector(2)]
        for p, _ in runs:
            self.addCleanup(p.kill)
        # Both are capturing once their status files appear.
        for _ in range(100):
            if all(os.path.exists(os.path.join(self.dir, f"st-{n}"))
                   for n in (1, 2)):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        send()
        # The workers' counters reach the status within a second or two.
        for _ in range(100):
            time.sleep(0.1)
            with open(os.path.join(self.dir, "st-2")) as fp:
                st = json.load(fp)
            if st["decode"]["packets"] > least:
                break
        self.assertGreater(st["decode"]["packets"], least)
        time.sleep(0.5)
        records, errs = [], []
        for p, out in runs:
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0, err)
            errs.append(err)
            with open(out) as fp:
                recs = [json.loads(x) for x in fp]
            for r in recs:
                del r["first_seen"], r["last_seen"]
            records.append(sorted(json.dumps(r, sort_keys=True)
                                  for r in recs))
        self.assertIn("a socket per worker", errs[1])
        if os.environ.get("ZW_KEEP"):
            for n, recs in ((1, records[0]), (2, records[1])):
                with open(f"/tmp/fanout-{n}.txt", "w") as fp:
                    fp.write("\n".join(recs))
        each = re.search(r"^workers 2, packets each: (\d+) (\d+);.*"
                         r"passed on by their tunnel (\d+), lost (\d+)$",
                         errs[1], re.M)
        self.assertIsNotNone(each, errs[1])
        a, b, handed, lost = (int(x) for x in each.groups())
        total = int(re.search(r"^packets (\d+)", errs[0], re.M).group(1))
        # A frame passed on is counted by the worker that takes it.
        self.assertEqual(a + b, total)
        self.assertEqual(lost, 0)
        return records[0], records[1], (a, b, handed)


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and iproute2")
class LiveFanout(LiveBoth):
    """The same flows from two workers as from one pipeline.  The
    interface is a veth pair between two network namespaces the test
    makes; traffic: TCP connections, UDP over IPv4 and IPv6, fragmented
    datagrams of both."""

    def test_same_flows(self):
        self.serve()
        one, two, (a, b, handed) = self.both(lambda: self.sh(
            "ip", "netns", "exec", self.b, sys.executable, "-c", TRAFFIC,
            "send"), 500)
        self.assertGreater(len(one), 150)
        self.assertEqual(two, one)
        self.assertGreater(a, 0)
        self.assertGreater(b, 0)
        # Without tunnels every frame stays with the worker the kernel
        # gave it to: the program's hash and the workers' agree.
        self.assertEqual(handed, 0)


TUNNELS = r"""
import socket, struct, sys, time
# Inner flows whose two directions come through different tunnels (other
# outer addresses each way): IPv4 and IPv6 in IPv4, VXLAN, GTP-U.  The
# outer addresses are in 10.99.0.0/24, none of them this host's.
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("zwb", 0))
mac = s.getsockname()[4]

def csum(b):
    if len(b) % 2:
        b += b"\0"
    n = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while n >> 16:
        n = (n & 0xffff) + (n >> 16)
    return ~n & 0xffff

def ip4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

def ip6(src, dst, nh, payload):
    return (struct.pack("!IHBB", 6 << 28, len(payload), nh, 64) +
            socket.inet_pton(socket.AF_INET6, src) +
            socket.inet_pton(socket.AF_INET6, dst) + payload)

def udp(sp, dp, payload):
    return struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload

def tcp(sp, dp, seq, ack, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags,
                       65535, 0, 0) + payload

def eth(payload, etype=0x0800, dst=b"\xff" * 6, src=None):
    return dst + (src or mac) + struct.pack("!H", etype) + payload

def vxlan(sport, a, b, inner):
    return ip4(a, b, 17, udp(sport, 4789, struct.pack("!B3xI", 8, 100 << 8)
               + eth(inner, dst=b"\x02\0\0\0\0\x02", src=b"\x02\0\0\0\0\x01")))

def gtp(a, b, teid, inner):
    return ip4(a, b, 17, udp(2152, 2152, struct.pack("!BBHI", 0x30, 0xff,
               len(inner), teid) + inner))

flows = []

def exchange(there, back):
    # Three questions and their answers, each way through its tunnel.
    flows.append([there, back] * 3)

for k in range(16):
    up, down = f"10.99.0.{20 + k}", f"10.99.0.{40 + k}"
    c, v = f"10.200.{k}.1", f"10.200.{k}.2"
    exchange(ip4(up, "10.99.0.100", 4,
                 ip4(c, v, 17, udp(5000 + k, 6000, b"q" * 40))),
             ip4("10.99.0.101", down, 4,
                 ip4(v, c, 17, udp(6000, 5000 + k, b"r" * 60))))
    c, v = f"fd00:200::{k}:1", f"fd00:200::{k}:2"
    exchange(ip4(up, "10.99.0.100", 41,
                 ip6(c, v, 17, udp(5100 + k, 6100, b"q" * 30))),
             ip4("10.99.0.101", down, 41,
                 ip6(v, c, 17, udp(6100, 5100 + k, b"r" * 50))))
    c, v = f"10.202.{k}.1", f"10.202.{k}.2"
    a, b = f"10.99.0.{60 + k}", f"10.99.0.{80 + k}"
    flows.append([])
    for fwd, seg in ((1, tcp(7000 + k, 80, 1, 0, 0x02)),
                     (0, tcp(80, 7000 + k, 9, 2, 0x12)),
                     (1, tcp(7000 + k, 80, 2, 10, 0x10)),
                     (1, tcp(7000 + k, 80, 2, 10, 0x18,
                             b"GET / HTTP/1.1\r\n\r\n")),
                     (0, tcp(80, 7000 + k, 10, 20, 0x18,
                             b"HTTP/1.1 200 OK\r\n\r\n"))):
        if fwd:
            flows[-1].append(vxlan(40000 + k, a, "10.99.0.102",
                                   ip4(c, v, 6, seg)))
        else:
            flows[-1].append(vxlan(41000 + k, "10.99.0.103", b,
                                   ip4(v, c, 6, seg)))
    c, v = f"10.203.{k}.1", f"10.203.{k}.2"
    exchange(gtp(f"10.99.0.{120 + k}", "10.99.0.104", 1000 + k,
                 ip4(c, v, 17, udp(5200 + k, 53, b"q" * 30))),
             gtp("10.99.0.105", f"10.99.0.{140 + k}", 2000 + k,
                 ip4(v, c, 17, udp(53, 5200 + k, b"r" * 90))))
# The n-th frame of every flow, then the next ones well after: each
# socket hands its frames over in blocks, up to 250 ms after they came,
# so only frames further apart than that keep their order across
# sockets (as in one socket).
sent = 0
for n in range(max(len(f) for f in flows)):
    for f in flows:
        if n < len(f):
            s.send(eth(f[n]))
            sent += 1
    time.sleep(0.6)
print(sent)
"""


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and iproute2")
class LiveTunnels(LiveBoth):
    """The kernel spreads frames by their outer addresses; a flow inside a
    tunnel is named by its inner ones, and its two directions may come
    through two tunnels.  Such frames are passed on to the worker of their
    flow: the records are one pipeline's, every inner flow whole."""

    def test_inner_flows(self):
        sent = []
        one, two, (a, b, handed) = self.both(lambda: sent.append(int(
            self.sh("ip", "netns", "exec", self.b, sys.executable, "-c",
                    TUNNELS).stdout)), 350)
        self.assertEqual(sent, [16 * (6 + 6 + 5 + 6)])
        recs = [json.loads(r) for r in one]
        inner = [r for r in recs if r["tunnel"]]
        # Each inner flow is one record with both directions' packets.
        self.assertEqual(len(inner), 64, one)
        self.assertEqual(sorted({r["tunnel"] for r in inner}),
                         ["GTP", "IPIP", "VXLAN"])
        for r in inner:
            self.assertIn(r["packets"], (5, 6), r)
            self.assertGreater(r["upper_to_lower_pkts"], 0, r)
            self.assertGreater(r["lower_to_upper_pkts"], 0, r)
        self.assertEqual(two, one)
        # Half the flows, or so, had their two tunnels hash apart.
        self.assertGreater(handed, 20)


STEADY = r"""
import socket, sys, time
# Ten datagrams a second from each of eight addresses for the seconds
# asked, each answered (the server echoes).
end = time.monotonic() + float(sys.argv[1])
socks = []
for i in range(2, 10):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((f"10.99.0.{i}", 31000 + i))
    u.settimeout(1)
    socks.append(u)
while time.monotonic() < end:
    t = time.monotonic()
    for u in socks:
        u.sendto(b"z" * 200, ("10.99.0.1", 7000))
    for u in socks:
        try:
            u.recv(65536)
        except socket.timeout:
            pass
    time.sleep(max(0, 0.1 - (time.monotonic() - t)))
"""


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and iproute2")
class LiveTrends(EchoPair):
    """Live workers on their own clocks give each trend step their counts;
    the step is written summed, once: the site's traffic, step by step as
    the status shows it, is what one pipeline's shows.  (A worker's share
    alone, or one written over another, would be far less.)"""

    def setUp(self):
        super().setUp()
        for i in range(3, 10):
            self.sh("ip", "-n", self.b, "addr", "add", f"10.99.0.{i}/24",
                    "dev", "zwb")

    def test_steps_summed(self):
        self.serve()
        procs, status = [], []
        for n in (1, 2):
            conf = os.path.join(self.dir, f"zw-{n}.conf")
            with open(conf, "w") as fp:
                fp.write("zone external {\n\tnetwork 10.99.0.0/24\n}\n"
                         "site lab {\n\tname-zh \"实验室\"\n\tname-en \"Lab\"\n"
                         "\tlevel city\n\tnetwork 10.99.0.1/32\n"
                         "\tbandwidth 100M\n}\n"
                         f"poll-interval 10\nworkers {n}\n")
            self.sh(COLLECTOR, "-n", "--config", conf)
            status.append(os.path.join(self.dir, f"status-{n}.json"))
            p = subprocess.Popen(["ip", "netns", "exec", self.a, COLLECTOR,
                                  "-i", "zwa", "--config", conf,
                                  "--no-store", "--rrd-dir",
                                  os.path.join(self.dir, f"rrd-{n}"),
                                  "--status", status[-1],
                                  "--status-interval", "1",
                                  "-f", "udp and net 10.99.0.0/24"],
                                 stderr=subprocess.PIPE, text=True)
            self.addCleanup(p.kill)
            procs.append(p)
        time.sleep(1.5)
        sender = subprocess.Popen(["ip", "netns", "exec", self.b,
                                   sys.executable, "-c", STEADY, "45"])
        self.addCleanup(sender.kill)
        steps = [{}, {}]
        while sender.poll() is None:
            time.sleep(1)
            for k in (0, 1):
                try:
                    with open(status[k]) as fp:
                        st = json.load(fp)
                except (OSError, ValueError):
                    continue
                if "step" in st:
                    lab = [x for x in st["sites"] if x["name"] == "lab"][0]
                    steps[k][st["step"]["end"]] = (lab["in_bps"],
                                                   lab["out_bps"])
        errs = []
        for p in procs:
            p.send_signal(signal.SIGINT)
            errs.append(p.communicate(timeout=30)[1])
            self.assertEqual(p.returncode, 0, errs[-1])
        # The steps both saw whole, with the traffic on throughout.
        common = sorted(set(steps[0]) & set(steps[1]))[1:-1]
        self.assertGreaterEqual(len(common), 2, steps)
        self.assertIn("workers 2, packets each:", errs[1])
        each = re.search(r"packets each: (\d+) (\d+);", errs[1])
        self.assertGreater(int(each.group(1)), 0)
        self.assertGreater(int(each.group(2)), 0)
        # 80 frames a second in, of 242 bytes (155 kbit/s), and out, of
        # 142 (91 kbit/s).  A step ends at the first tick (once a second)
        # past its end, in each process: a step may take up to a second
        # of traffic more or less than the other process's, the next one
        # the rest; over the steps the sums agree within the two edges.
        for end in common:
            for x, y, low in zip(steps[0][end], steps[1][end],
                                 (120000, 70000)):
                self.assertGreater(x, low, steps)
                self.assertGreater(y, low, steps)
        for d in (0, 1):
            x = sum(steps[0][e][d] for e in common)
            y = sum(steps[1][e][d] for e in common)
            self.assertAlmostEqual(y, x, delta=x * 0.06, msg=steps)
        self.assertNotIn("came after their step", errs[1])


if __name__ == "__main__":
    unittest.main()
