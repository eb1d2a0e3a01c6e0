"""Several workers give the results of one.

- the project's copy of the nDPI corpus, read with 1, 2 and 4 workers:
  the same flow records (in another order) and the same totals;
- a generated capture made to catch a split done wrong: both directions
  of each flow, IPv4 datagrams in fragments (later fragments carry no
  ports), IPv6, VLANs, and flows that go idle and come back under the
  same key, so that the flow table's housekeeping must happen at the
  same traffic times in every worker as in one; every worker gets work;
- what workers cannot yet serve is refused with a clear message.

nDPI keeps caches across flows (STUN, for one): a flow classified thanks
to another flow's packets can be named differently when the two land in
different workers, as in ndpiReader's threads.  Two captures of nDPI's
201 show it (stun_signal, wa_voice); none of those used here does.

Binary from ZW_COLLECTOR.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import pcapgen as pg  # noqa: E402

COLLECTOR = os.path.abspath(os.environ.get("ZW_COLLECTOR",
                                           "build/check/zw-collector"))
DEMO = os.path.join(ROOT, "conf", "zonewatch.conf")
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

    def test_refusals(self):
        store = os.path.join(self.dir, "events.db")
        for extra in (["--config", DEMO, "--store", store], ["--status",
                                            os.path.join(self.dir, "s")],
                      ["--loop", "2"]):
            r = subprocess.run([COLLECTOR, "--workers", "2", "-r",
                                CORPUS[0], *extra],
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("--workers 2: for reading files", r.stderr)
        # Refused before anything is opened.
        self.assertFalse(os.path.exists(store))
        r = subprocess.run([COLLECTOR, "--workers", "65", "-r", CORPUS[0]],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--workers 65", r.stderr)


if __name__ == "__main__":
    unittest.main()
