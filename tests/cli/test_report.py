#!/usr/bin/env python3
"""Reports and the audit trail, through zwctl as an auditor meets them.

A fixed month: RRDs written with fixed timestamps (a county with an
uplink port that was down for two hours, its townships from the
capture, application categories), violations from crafted captures
replayed through the collector at known times, reviews and other
administrative actions.  The figures in the CSV, JSON and PDF (read back
with pdftotext) must be those the test computes from what it wrote; the
signatures verify with the stock openssl command and fail after a
one-byte change; the audit chain finds an edited, deleted or reordered
record.  The PDF pages are rendered to PNG in tests/out/reports/.

Binaries from ZW_COLLECTOR and ZW_ZWCTL.
"""
import csv
import io
import hashlib
import hmac
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import pcapgen as pg  # noqa: E402
from command import COLLECTOR, DEMO, ZWCTL  # noqa: E402

SAMPLES = os.path.join(ROOT, "tests", "out", "reports")

T0 = 1767225600                 # 2026-01-01 00:00 UTC
DAYS = 30
T1 = T0 + DAYS * 86400
STEP = 300
SLOTS = DAYS * 288
EXTRANET = "10.36.17.5"         # 建昌镇
RIFENG = "10.36.33.9"           # 日峰镇
INTERNET = "1.2.3.4"


# librrd (its graphs in the PDF) keeps a few strings for good; it is built
# without frame pointers, so LeakSanitizer sees it only on a full unwind,
# and then the suppression for it (tests/lsan.supp) applies.
ENV = dict(os.environ, ASAN_OPTIONS=os.environ.get(
    "ASAN_OPTIONS", "detect_leaks=1") + ":fast_unwind_on_malloc=0")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, env=ENV,
                          **kw)


def county_in(slot):            # bit/s: a daily swing with a busy hour
    h = (slot // 12) % 24
    return 200e6 + 10e6 * h + (600e6 if h == 10 and slot % 12 < 3 else 0)


def county_out(slot):
    return 50e6 + (slot % 7) * 1e6


def town_in(slot):
    return 20e6 + (slot % 288) * 1e5


def town_out(slot):
    return 5e6


DOWN = range(100, 124)          # the uplink was down two hours


def rrd(path, ds, values):
    """An RRD of 5-minute steps from T0 with the values of each slot."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run(["rrdtool", "create", path, "--step", str(STEP),
                    "--start", str(T0 - 1)] +
                   [f"DS:{d}:GAUGE:600:0:U" for d in ds] +
                   [f"RRA:AVERAGE:0.5:1:{SLOTS + 10}",
                    f"RRA:MAX:0.5:1:{SLOTS + 10}"], check=True)
    ups = [f"{T0 + (s + 1) * STEP}:" + ":".join(
        "U" if v is None else repr(v) for v in values(s))
        for s in range(SLOTS)]
    for i in range(0, len(ups), 2000):
        subprocess.run(["rrdtool", "update", path] + ups[i:i + 2000],
                       check=True)


def p95(vals):
    vals = sorted(vals)
    return vals[math.ceil(0.95 * len(vals)) - 1]


class Month(unittest.TestCase):
    """One data set for every test of the class."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="zw-report-")
        d = cls.dir
        cls.store = os.path.join(d, "events.db")
        cls.rrd = os.path.join(d, "rrd")
        cls.key = os.path.join(d, "report-key.pem")
        cls.conf = os.path.join(d, "zw.conf")
        with open(cls.conf, "w") as fp:
            fp.write(f"""
zone external {{
	network 10.0.0.0/8
}}
site fuzhou {{
	name-zh "抚州市"
	level city
	network 10.36.0.0/16
	bandwidth 10G
}}
site nancheng {{
	name-zh "南城县"
	level county
	parent fuzhou
	network 10.36.16.0/20
	bandwidth 1G
	uplink sw-nancheng GigabitEthernet0/0/1
}}
site nancheng-jianchang {{
	name-zh "建昌镇"
	level township
	parent nancheng
	network 10.36.17.0/24
	bandwidth 100M
}}
device sw-nancheng {{
	address 127.0.0.1
	community public
}}
store "{cls.store}"
rrd-dir "{cls.rrd}"
report-key "{cls.key}"
report-dir "{d}/reports"
""")
        # The county's uplink port, and the capture's figures.
        rrd(os.path.join(cls.rrd, "if", "sw-nancheng",
                         "GigabitEthernet0_0_1.rrd"),
            ["in", "out", "up", "speed"],
            lambda s: (county_in(s), county_out(s),
                       0 if s in DOWN else 1, 1e9))
        rrd(os.path.join(cls.rrd, "site", "nancheng-jianchang.rrd"),
            ["in", "out", "pkts_in", "pkts_out"],
            lambda s: (town_in(s), town_out(s), 100, 50))
        rrd(os.path.join(cls.rrd, "site", "fuzhou.rrd"),
            ["in", "out", "pkts_in", "pkts_out"],
            lambda s: (town_in(s) * 3, town_out(s) * 3, 300, 150))
        for cat, rate in (("Web", 8e6), ("Video", 2e6), ("VPN", 1e5)):
            rrd(os.path.join(cls.rrd, "cat", "fuzhou", cat + ".rrd"),
                ["in", "out"], lambda s, r=rate: (r, r / 2))
        # Violations at known times (one before the month).
        cls.times = [(EXTRANET, T0 + 86400), (EXTRANET, T0 + 2 * 86400),
                     (EXTRANET, T0 + 3 * 86400), (RIFENG, T0 + 4 * 86400),
                     (RIFENG, T0 - 86400)]
        for i, (src, t) in enumerate(cls.times):
            cap = os.path.join(d, f"v{i}.pcap")
            w = pg.PcapWriter(cap)
            w.add(t, pg.frame(src, INTERNET, pg.TCP,
                              pg.tcp(50000 + i, 443, pg.SYN)))
            w.add(t + 0.1, pg.frame(INTERNET, src, pg.TCP,
                                    pg.tcp(443, 50000 + i, pg.SYN | pg.ACK)))
            w.close()
            r = run([COLLECTOR, "-q", "--config", DEMO, "--store",
                     cls.store, "-r", cap])
            assert r.returncode == 0, r.stderr
        db = sqlite3.connect(cls.store)
        cls.ids = [i for (i,) in db.execute(
            "SELECT id FROM violations ORDER BY first_us")]
        db.close()
        for vid, state, extra in ((cls.ids[1], "acknowledged", []),
                                  (cls.ids[2], "resolved",
                                   ["--comment", "网线已拔除"])):
            r = run([ZWCTL, "-c", cls.conf, "violations", "review",
                     str(vid), state, "--by", "secadmin"] + extra)
            assert r.returncode == 0, r.stderr
        os.makedirs(SAMPLES, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def zwctl(self, *args, ok=True):
        r = run([ZWCTL, "-c", self.conf, *args])
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def report(self, kind, fmt):
        """The month; for the audit trail, written now, the days around."""
        out = os.path.join(self.dir, f"{kind}.{fmt}")
        now = int(time.time())
        since, until = (T0, T1) if kind != "audit" else (now - 86400,
                                                         now + 86400)
        self.zwctl("report", kind, "--since", f"@{since}", "--until",
                   f"@{until}", "--format", fmt, "--output", out,
                   "--by", "auditor")
        shutil.copy(out, os.path.join(SAMPLES, f"month-{kind}.{fmt}"))
        shutil.copy(out + ".sig",
                    os.path.join(SAMPLES, f"month-{kind}.{fmt}.sig"))
        return out

    def tables(self, path):
        """The CSV's tables: {English title: [rows as dicts]}."""
        with open(path, encoding="utf-8") as fp:
            text = fp.read()
        self.assertTrue(text.startswith("\ufeff"))
        out, title, head = {}, None, None
        for row in csv.reader(io.StringIO(text[1:])):
            if not row:
                title = head = None
            elif title is None and len(row) == 1 and " / " in row[0]:
                title = row[0].split(" / ", 1)[1]
                out[title] = []
            elif title is not None and head is None:
                head = [c.split(" / ", 1)[1] for c in row]
            elif title is not None and len(row) == len(head):
                out[title].append(dict(zip(head, row)))
        return out

    def test_network_figures(self):
        t = self.tables(self.report("network", "csv"))
        sites = {r["Site"]: r for r in t["Traffic per site"]}
        self.assertEqual(list(sites), ["fuzhou", "nancheng",
                                       "nancheng-jianchang"])
        # The county, from its uplink port (the switch's counters).
        c = sites["nancheng"]
        ins = [county_in(s) for s in range(SLOTS)]
        outs = [county_out(s) for s in range(SLOTS)]
        self.assertEqual(c["Source"], "snmp")
        self.assertEqual(c["Name"], "南城县")
        self.assertEqual(c["Level"], "县 county")
        self.assertEqual(int(c["Bytes in"]), round(sum(ins) * STEP / 8))
        self.assertEqual(int(c["Bytes out"]), round(sum(outs) * STEP / 8))
        self.assertEqual(c["Mean in Mbit/s"],
                         "%.3f" % (sum(ins) / SLOTS / 1e6))
        self.assertEqual(c["Peak in Mbit/s"], "%.3f" % (max(ins) / 1e6))
        self.assertEqual(c["95th in Mbit/s"], "%.3f" % (p95(ins) / 1e6))
        self.assertEqual(c["95th out Mbit/s"], "%.3f" % (p95(outs) / 1e6))
        self.assertEqual(c["95th utilisation %"],
                         "%.2f" % (p95(ins) / 1e9 * 100))
        # The township, from the capture, against its 100M contract.
        w = sites["nancheng-jianchang"]
        ins = [town_in(s) for s in range(SLOTS)]
        self.assertEqual(w["Source"], "capture")
        self.assertEqual(int(w["Bytes in"]), round(sum(ins) * STEP / 8))
        self.assertEqual(w["95th utilisation %"],
                         "%.2f" % (p95(ins) / 100e6 * 100))
        # The uplink: up all the month but two hours.
        link, = t["Link availability"]
        self.assertEqual(link["Port"], "GigabitEthernet0/0/1")
        self.assertEqual(link["Up %"], "%.3f" % ((SLOTS - 24) / SLOTS * 100))
        self.assertEqual(int(link["Samples"]), SLOTS)
        # Categories, largest first, with their share.
        cats = t["Top application categories"]
        self.assertEqual([r["Category"] for r in cats],
                         ["Web", "Video", "VPN"])
        web = 8e6 * 1.5 * SLOTS * STEP / 8
        total = (8e6 + 2e6 + 1e5) * 1.5 * SLOTS * STEP / 8
        self.assertEqual(int(cats[0]["Bytes"]), round(web))
        self.assertEqual(cats[0]["Share %"], "%.2f" % (web / total * 100))
        # JSON says the same.
        with open(self.report("network", "json")) as fp:
            j = json.load(fp)
        row = [r for r in j["tables"][0]["rows"] if r[0] == "nancheng"][0]
        self.assertEqual(row[5], int(c["Bytes in"]))

    def test_security_figures(self):
        t = self.tables(self.report("security", "csv"))
        rule, = t["By rule"]
        # Sites, severities and states as both languages say them.
        self.assertEqual((rule["Rule"], rule["Severity"], rule["Records"]),
                         ("1010", "高 high", "4"))
        self.assertIn("违规外联", rule["Message zh"])
        # (lichuan-rifeng is not in this configuration: its id.)
        self.assertEqual({r["Site"]: r["Records"] for r in t["By site"]},
                         {"建昌镇": "3", "lichuan-rifeng": "1"})
        self.assertEqual({(r["Severity"], r["State"]): r["Records"]
                          for r in t["By severity and state"]},
                         {("高 high", "新 new"): "2",
                          ("高 high", "已确认 acknowledged"): "1",
                          ("高 high", "已解决 resolved"): "1"})
        off, = t["Repeat offenders"]
        self.assertEqual((off["Address"], off["Site"], off["Records"]),
                         (EXTRANET, "建昌镇", "3"))
        ack, = t["Time to acknowledge"]
        self.assertEqual(ack["Reviewed"], "2")
        ev = t["Evidence"]
        self.assertEqual([int(r["Violation"]) for r in ev], self.ids[1:])
        self.assertTrue(all(int(r["Packets"]) == 2 for r in ev))

    def test_audit_figures(self):
        t = self.tables(self.report("audit", "csv"))
        acts = {r["Action"]: (r["Succeeded"], r["Failed or denied"])
                for r in t["Administrative actions"]}
        self.assertEqual(acts["violation-review"], ("2", "0"))
        chain, = t["Audit chain verification"]
        self.assertEqual(chain["Result"], "完整 OK")
        self.assertIn(chain["Algorithm"], ("HMAC-SM3", "HMAC-SHA256"))
        # The head, in the table and on the report's first line, is one
        # that verify --anchor takes, and the trail holds it.
        self.assertRegex(chain["Head"], r"^\d+:[0-9a-f]{64}$")
        for kind in ("network", "security", "audit"):
            with open(self.report(kind, "csv"), encoding="utf-8") as fp:
                first = next(csv.reader(io.StringIO(fp.readline()[1:])))
            self.assertRegex(first[-1], r"^\d+:[0-9a-f]{64}$", kind)
            r = run([ZWCTL, "-s", self.store, "audit", "verify", "--anchor",
                     first[-1]])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("holds the anchor", r.stdout)

    def test_pdf_reads_back_and_renders(self):
        for kind in ("network", "security", "audit"):
            pdf = self.report(kind, "pdf")
            r = run(["pdftotext", "-layout", pdf, "-"])
            self.assertEqual(r.returncode, 0, r.stderr)
            text = r.stdout
            if kind == "network":
                for want in ("网络运行报告", "Network report", "南城县",
                             "建昌镇", "各站点流量", "链路可用性"):
                    self.assertIn(want, text)
                csvt = self.tables(self.report("network", "csv"))
                c = [r for r in csvt["Traffic per site"]
                     if r["Site"] == "nancheng"][0]
                for col in ("Bytes in", "95th in Mbit/s",
                            "95th utilisation %"):
                    self.assertIn(c[col], text)
                self.assertIn("%.3f" % ((SLOTS - 24) / SLOTS * 100), text)
            elif kind == "security":
                for want in ("安全违规报告", "违规外联", "重复违规终端",
                             EXTRANET, "acknowledged"):
                    self.assertIn(want, text)
            else:
                for want in ("审计报告", "审计链校验", "完整 OK",
                             "violation-review"):
                    self.assertIn(want, text)
            prefix = os.path.join(SAMPLES, f"month-{kind}")
            r = run(["pdftoppm", "-r", "80", "-png", pdf, prefix])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.exists(prefix + "-1.png"))

    def test_signatures(self):
        pdf = self.report("audit", "pdf")
        pub = os.path.join(self.dir, "report-key.pub")
        r = self.zwctl("report", "key")
        with open(pub, "w") as fp:
            fp.write(r.stdout)
        digest = "-sm3" if "SM2" in r.stderr else "-sha256"
        ok = run(["openssl", "dgst", digest, "-verify", pub,
                  "-signature", pdf + ".sig", pdf])
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("Verified OK", ok.stdout)
        self.assertIn("good", self.zwctl("report", "verify", pdf).stdout)
        # One byte changed in the middle: refused by both.
        bad = os.path.join(self.dir, "changed.pdf")
        data = bytearray(open(pdf, "rb").read())
        data[len(data) // 2] ^= 0x01
        open(bad, "wb").write(bytes(data))
        shutil.copy(pdf + ".sig", bad + ".sig")
        no = run(["openssl", "dgst", digest, "-verify", pub,
                  "-signature", bad + ".sig", bad])
        self.assertNotEqual(no.returncode, 0)
        self.assertIn("Verification failure", no.stdout + no.stderr)
        r = self.zwctl("report", "verify", bad, ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("BAD", r.stdout)
        # Every export was audited.
        db = sqlite3.connect(os.path.join(os.path.dirname(self.store),
                                          "admin", "admin.db"))
        n = db.execute("SELECT count(*) FROM audit WHERE action ="
                       " 'report-export' AND actor = 'auditor'").fetchone()
        self.assertGreater(n[0], 0)
        db.close()

    def test_scheduled(self):
        out = os.path.join(self.dir, "reports")
        r = self.zwctl("report", "scheduled", "--at", f"@{T0 + 31 * 86400}")
        self.assertIn("27 reports made", r.stdout)
        for period, first in (("daily", "2026-01-31"),
                              ("weekly", "2026-01-19"),
                              ("monthly", "2026-01-01")):
            for kind in ("network", "security", "audit"):
                for fmt in ("pdf", "csv", "json"):
                    f = os.path.join(out, period, f"{first}-{kind}.{fmt}")
                    self.assertTrue(os.path.exists(f), f)
                    self.assertTrue(os.path.exists(f + ".sig"), f)
        # Made once: a second run has nothing to do.
        r = self.zwctl("report", "scheduled", "--at", f"@{T0 + 31 * 86400}")
        self.assertIn("0 reports made", r.stdout)


class Chain(unittest.TestCase):
    """zwctl audit verify against a database changed by hand."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-audit-")
        self.store = os.path.join(self.dir, "events.db")
        self.admin = os.path.join(self.dir, "admin", "admin.db")
        cap = os.path.join(self.dir, "c.pcap")
        w = pg.PcapWriter(cap)
        for i in range(6):
            w.add(T0 + i * 1000, pg.frame(EXTRANET, INTERNET, pg.TCP,
                                          pg.tcp(50000 + i, 443, pg.SYN)))
        w.close()
        r = run([COLLECTOR, "-q", "--config", DEMO, "--store", self.store,
                 "-r", cap])
        self.assertEqual(r.returncode, 0, r.stderr)
        for vid in range(1, 6):
            r = run([ZWCTL, "-s", self.store, "violations", "review",
                     str(vid), "acknowledged", "--by", f"sec{vid}"])
            self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def verify(self):
        return run([ZWCTL, "-s", self.store, "audit", "verify"])

    def tamper(self, sql):
        db = sqlite3.connect(self.admin)
        db.executescript(sql)
        db.commit()
        db.close()

    def test_intact(self):
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"audit chain OK: 5 records, 1 to 5, "
                         r"HMAC-(SM3|SHA256), head 5:[0-9a-f]{64}\n")

    def test_edited(self):
        self.tamper("UPDATE audit SET actor = 'nobody' WHERE id = 3")
        r = self.verify()
        self.assertEqual(r.returncode, 1)
        self.assertIn("BROKEN at record 3: record 3 was changed", r.stdout)

    def test_deleted(self):
        self.tamper("DELETE FROM audit WHERE id = 2")
        r = self.verify()
        self.assertEqual(r.returncode, 1)
        self.assertIn("BROKEN at record 3: record 2 is missing", r.stdout)

    def test_reordered(self):
        self.tamper("UPDATE audit SET id = 100 WHERE id = 2;"
                    "UPDATE audit SET id = 2 WHERE id = 4;"
                    "UPDATE audit SET id = 4 WHERE id = 100")
        r = self.verify()
        self.assertEqual(r.returncode, 1)
        self.assertIn("BROKEN at record 2", r.stdout)

    def head(self):
        r = run([ZWCTL, "-s", self.store, "audit", "head"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^\d+:[0-9a-f]{64}\n$")
        return r.stdout.strip()

    def rewrite(self, key):
        """The attack of a script with write access to the store: drop
        records 2 and 3, renumber the rest and hash the chain again, as
        HMAC with key, or plain when key is None."""
        db = sqlite3.connect(self.admin)
        rows = db.execute("SELECT id, at_us, actor, role, address, action,"
                          " object, detail, outcome, alg FROM audit"
                          " ORDER BY id").fetchall()
        self.assertTrue(rows[0][9].startswith("HMAC-"), rows[0])
        digest = rows[0][9][5:].lower()
        kept = [r for r in rows if r[0] not in (2, 3)]
        db.execute("DELETE FROM audit")
        prev = "0" * 64
        for n, r in enumerate(kept, 1):
            alg = r[9] if key is not None else r[9][5:]
            f = [str(n), str(r[1]), *r[2:9], alg]
            data = prev.encode() + b"".join(
                f"{len(x.encode())}:".encode() + x.encode() + b","
                for x in f)
            h = (hmac.new(key, data, digest) if key is not None
                 else hashlib.new(digest, data)).hexdigest()
            db.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (n, *r[1:9], alg, prev, h))
            prev = h
        db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'",
                   (len(kept),))
        db.commit()
        db.close()
        return len(kept)

    def test_rewritten_without_the_key(self):
        n = self.rewrite(None)
        r = self.verify()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertRegex(r.stdout, r"BROKEN at record 1: .*key")
        self.assertNotIn(f"{n} records", r.stdout)

    def test_rewritten_with_the_key_misses_the_anchor(self):
        """One who reads the key too (the trail's writer taken over)
        hashes a chain that verify alone accepts; a head seen outside
        the box before the rewrite is no longer in it."""
        anchor = self.head()
        with open(os.path.join(self.dir, "admin", "audit.key"), "rb") as fp:
            key = fp.read()
        self.assertEqual(len(key), 32)
        self.assertEqual(os.stat(os.path.join(self.dir, "admin", "audit.key"))
                         .st_mode & 0o777, 0o600)
        n = self.rewrite(key)
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(f"OK: {n} records", r.stdout)
        r = run([ZWCTL, "-s", self.store, "audit", "verify", "--anchor",
                 anchor])
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("BROKEN", r.stdout)
        self.assertIn("anchor", r.stdout)

    def test_anchor_held(self):
        anchor = self.head()
        self.assertTrue(anchor.startswith("5:"), anchor)
        r = run([ZWCTL, "-s", self.store, "violations", "review", "1",
                 "false-positive", "--by", "sec9", "--comment", "lab"])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([ZWCTL, "-s", self.store, "audit", "verify", "--anchor",
                 anchor])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("6 records", r.stdout)
        self.assertIn("holds the anchor", r.stdout)
        for bad in ("5", "5:zz", "x:" + "0" * 64):
            r = run([ZWCTL, "-s", self.store, "audit", "verify", "--anchor",
                     bad])
            self.assertEqual(r.returncode, 2, (bad, r.stdout, r.stderr))

    def test_list_and_export(self):
        out = os.path.join(self.dir, "audit.csv")
        r = run([ZWCTL, "-s", self.store, "audit", "export", "--output", out,
                 "--by", "auditor"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8-sig") as fp:
            rows = list(csv.DictReader(fp))
        self.assertEqual([r["actor"] for r in rows],
                         ["sec1", "sec2", "sec3", "sec4", "sec5"])
        self.assertEqual(rows[0]["action"], "violation-review")
        # The export is itself in the trail, and the chain still holds.
        r = run([ZWCTL, "-s", self.store, "audit", "list", "--action",
                 "audit-export", "--format", "json"])
        got = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual([(g["actor"], g["outcome"]) for g in got],
                         [("auditor", "ok")])
        self.assertEqual(self.verify().returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
