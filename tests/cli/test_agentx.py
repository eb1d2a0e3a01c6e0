#!/usr/bin/env python3
"""zw-agentx against a real snmpd (net-snmp) that the test starts on
127.0.0.1 with a private AgentX socket, and a real snmptrapd receiving
its notifications: ZONEWATCH-MIB walked over SNMPv2c and SNMPv3 returns
what a replayed capture put in the collector's status and the store; a
new violation and a link going down reach snmptrapd with their varbinds;
the subagent comes back when snmpd restarts; a broken status file is
survived and shown.

Binaries from ZW_COLLECTOR and ZW_AGENTX; needs snmpd and snmptrapd.
"""
import json
import os
import shutil
import socket
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
from command import AGENTX, COLLECTOR, DEMO, ZWCTL  # noqa: E402

SNMPD = shutil.which("snmpd") or "/usr/sbin/snmpd"
TRAPD = shutil.which("snmptrapd") or "/usr/sbin/snmptrapd"

ZW = ".1.3.6.1.4.1.32473"
EXTRANET = "10.36.17.5"         # 建昌镇 (nancheng-jianchang)
RIFENG = "10.36.33.9"           # 日峰镇 (lichuan-rifeng)
INTERNET = "1.2.3.4"
T0 = 1767225600                 # a multiple of 60


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_walk(text):
    """snmpwalk -On -Ox -Ot output: {oid: (type, value)}; octet strings
    come as bytes, numbers as int."""
    rows, cur = {}, None
    for line in text.splitlines():
        if line.startswith("."):
            oid, _, rest = line.partition(" = ")
            typ, _, val = rest.partition(": ")
            cur = [oid, typ, val]
            rows[oid] = cur
        elif cur is not None:           # a hex string goes on
            cur[2] += " " + line
    out = {}
    for oid, typ, val in rows.values():
        if val == "":                   # No Such Object, No Such Instance
            val = None
        elif typ in ("Hex-STRING", "STRING"):
            val = bytes.fromhex(val) if typ == "Hex-STRING" else \
                val.strip('"').encode()
        elif typ == "OID":
            pass
        else:
            val = int(val.split()[0])
        out[oid] = (typ, val)
    return out


class Snmpd:
    """snmpd with a private AgentX socket, v2c and v3 (authPriv) users,
    sending traps to the test's snmptrapd."""

    def __init__(self, d, port, trap_port):
        self.d, self.port = d, port
        self.socket = os.path.join(d, "agentx.sock")
        self.conf = os.path.join(d, "snmpd.conf")
        with open(self.conf, "w") as fp:
            fp.write(f"agentAddress udp:127.0.0.1:{port}\n"
                     "master agentx\n"
                     f"agentXSocket {self.socket}\n"
                     "agentXPerms 0660 0770\n"
                     "rocommunity public 127.0.0.1\n"
                     "createUser zwuser SHA \"authpass123\" AES "
                     "\"privpass123\"\nrouser zwuser authpriv\n"
                     f"trap2sink 127.0.0.1:{trap_port} public\n")
        os.makedirs(os.path.join(d, "persist"), exist_ok=True)
        self.proc = None

    def start(self):
        env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(
            self.d, "persist"), MIBS="")
        self.proc = subprocess.Popen(
            [SNMPD, "-f", "-C", "-c", self.conf, "-I", "-smux",
             "-Lf", os.path.join(self.d, "snmpd.log")], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(self.socket):
                return
            time.sleep(0.1)
        raise AssertionError("snmpd did not make its AgentX socket")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
            self.proc = None


@unittest.skipUnless(os.path.exists(SNMPD) and os.path.exists(TRAPD),
                     "needs snmpd and snmptrapd (net-snmp)")
class AgentX(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-agentx-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        os.chmod(self.dir, 0o755)
        self.port, self.trap_port = free_port(), free_port()
        self.traps = os.path.join(self.dir, "traps.log")
        with open(os.path.join(self.dir, "trapd.conf"), "w") as fp:
            fp.write(f"snmpTrapdAddr udp:127.0.0.1:{self.trap_port}\n"
                     "disableAuthorization yes\n")
        self.trapd = subprocess.Popen(
            [TRAPD, "-f", "-C", "-c", os.path.join(self.dir, "trapd.conf"),
             "-On", "-Lf", self.traps], env=dict(os.environ, MIBS=""),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self.trapd.wait, 30)
        self.addCleanup(self.trapd.terminate)
        self.snmpd = Snmpd(self.dir, self.port, self.trap_port)
        self.snmpd.start()
        self.addCleanup(self.snmpd.stop)
        self.agent = None
        self.addCleanup(self.stop_agent)
        self.store = os.path.join(self.dir, "events.db")
        self.status = os.path.join(self.dir, "status.json")
        self.conf = os.path.join(self.dir, "zw.conf")
        # An IPFIX collector of the test's own, never read.
        self.ipfix = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.ipfix.bind(("127.0.0.1", 0))
        self.addCleanup(self.ipfix.close)
        self.write_conf()

    def write_conf(self, extra=""):
        with open(self.conf, "w") as fp:
            fp.write(f"include \"{DEMO}\"\n"
                     f"agentx-socket {self.snmpd.socket}\n"
                     f"status {self.status}\n"
                     f"poller-status {self.dir}/poller.json\n"
                     f"store {self.store}\n"
                     f"rrd-dir {self.dir}/rrd\n"
                     f"ipfix \"udp:127.0.0.1:"
                     f"{self.ipfix.getsockname()[1]}\"\n" + extra)

    def start_agent(self):
        self.log = os.path.join(self.dir, "agentx.log")
        self.log_fp = open(self.log, "w")
        self.addCleanup(self.log_fp.close)
        self.agent = subprocess.Popen(
            [AGENTX, "-c", self.conf, "--refresh", "1"],
            stdout=subprocess.DEVNULL, stderr=self.log_fp)
        # Served once a GET of zwVersion answers.
        for _ in range(100):
            if self.get(ZW + ".1.1.1.0") is not None:
                return
            time.sleep(0.1)
        self.fail("the subagent did not register: " + self.agent_log())

    def stop_agent(self):
        if self.agent is not None:
            self.agent.terminate()
            self.assertEqual(self.agent.wait(30), 0, self.agent_log())
            self.agent = None

    def agent_log(self):
        with open(self.log) as fp:
            return fp.read()

    V2 = ["-v2c", "-c", "public"]
    V3 = ["-v3", "-l", "authPriv", "-u", "zwuser", "-a", "SHA", "-A",
          "authpass123", "-x", "AES", "-X", "privpass123"]

    def walk(self, auth=None):
        r = subprocess.run(["snmpwalk", *(auth or self.V2), "-On", "-Ox",
                            "-Ot", "-t", "3", f"127.0.0.1:{self.port}", ZW],
                           capture_output=True, text=True,
                           env=dict(os.environ, MIBS=""))
        self.assertEqual(r.returncode, 0, r.stderr)
        return parse_walk(r.stdout)

    def get(self, oid):
        r = subprocess.run(["snmpget", *self.V2, "-On", "-Ox", "-Ot", "-t",
                            "1", "-r", "0", f"127.0.0.1:{self.port}", oid],
                           capture_output=True, text=True,
                           env=dict(os.environ, MIBS=""))
        rows = parse_walk(r.stdout)
        if oid not in rows or rows[oid][1] is None:
            return None
        return rows[oid][1]

    def capture(self, build):
        path = os.path.join(self.dir, "c%d.pcap" % time.monotonic_ns())
        w = pg.PcapWriter(path)
        build(w)
        w.close()
        return path

    def replay(self, build):
        r = subprocess.run([COLLECTOR, "-q", "--config", self.conf,
                            "--store", self.store, "--status", self.status,
                            "--rrd-dir", os.path.join(self.dir, "rrd"),
                            "-r", self.capture(build)],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def wait_traps(self, want, tries=100):
        """The trap lines once `want` of them name a zonewatch
        notification (snmptrapd writes each on a line of its own)."""
        lines = []
        for _ in range(tries):
            if os.path.exists(self.traps):
                with open(self.traps, errors="replace") as fp:
                    text = fp.read()
                lines = [ln for ln in text.splitlines()
                         if ".1.3.6.1.6.3.1.1.4.1.0 = OID: " + ZW + ".0."
                         in ln]
                if len(lines) >= want:
                    return lines
            time.sleep(0.1)
        return lines

    def five_minutes(self, w):
        # 10 frames a second from 建昌镇 to the internet, 5 back.
        for i in range(3000):
            f = pg.frame(EXTRANET, INTERNET, pg.UDP,
                         pg.udp(40000, 53, b"q" * 100))
            self.out_len = len(f)
            w.add(T0 + i * 0.1, f)
            if i % 2 == 0:
                f = pg.frame(INTERNET, EXTRANET, pg.UDP,
                             pg.udp(53, 40000, b"a" * 300))
                self.in_len = len(f)
                w.add(T0 + i * 0.1 + 0.05, f)

    def test_walks_traps_and_a_restart(self):
        self.replay(self.five_minutes)
        with open(self.status) as fp:
            status = json.load(fp)
        self.start_agent()
        time.sleep(1.5)                 # a refresh after the first
        got = self.walk()

        def val(suffix):
            return got[ZW + suffix][1]
        # The capture, as the collector's snapshot has it.
        self.assertEqual(val(".1.1.1.0"), b"0.1.0")
        self.assertEqual(val(".1.2.1.0"), status["decode"]["packets"])
        self.assertEqual(val(".1.2.1.0"), 4500)
        self.assertEqual(val(".1.2.2.0"), 3000 * self.out_len +
                         1500 * self.in_len)
        self.assertEqual(val(".1.2.6.0"), status["flows"]["created"])
        self.assertEqual(val(".1.2.7.0"),
                         status["flows"]["ended"]["evicted"])
        self.assertEqual(got[ZW + ".1.2.6.0"][0], "Counter64")
        # The IPFIX export: records taken and lost.
        self.assertGreater(status["ipfix"]["records"], 0)
        self.assertEqual(val(".1.9.1.0"), status["ipfix"]["records"])
        self.assertEqual(val(".1.9.2.0"), status["ipfix"]["dropped"])
        self.assertEqual(got[ZW + ".1.9.1.0"][0], "Counter64")
        reasons = {got[o][1].decode():
                   val(".1.2.8.1.3." + o.rsplit(".", 1)[1])
                   for o in got if o.startswith(ZW + ".1.2.8.1.2.")}
        self.assertEqual(reasons, status["decode"]["reasons"])
        # Sites: every one of the configuration, its Chinese name in
        # UTF-8, and the area's rates over the last whole step.
        sites = {got[o][1].decode(): o.split(".")[-1] for o in got
                 if o.startswith(ZW + ".1.3.1.1.2.")}
        self.assertEqual(set(sites), {"fuzhou", "nancheng",
                                      "nancheng-jianchang",
                                      "nancheng-zhuliang", "lichuan",
                                      "lichuan-rifeng", "chongren",
                                      "chongren-bashan"})
        j = sites["nancheng-jianchang"]
        self.assertEqual(val(".1.3.1.1.3." + j).decode(), "建昌镇")
        self.assertEqual(val(".1.3.1.1.4." + j), int(sites["nancheng"]))
        self.assertEqual(val(".1.3.1.1.5." + j), 100_000_000)
        for name in ("nancheng-jianchang", "nancheng", "fuzhou"):
            i = sites[name]
            self.assertEqual(val(".1.3.1.1.7." + i), self.out_len * 80)
            self.assertEqual(val(".1.3.1.1.6." + i), self.in_len * 40)
        # 10 frames a second of a 100M contract, in hundredths of %.
        self.assertEqual(val(".1.3.1.1.8." + j),
                         self.out_len * 80 * 10000 // 100_000_000)
        self.assertEqual(val(".1.3.1.1.7." + sites["lichuan"]), 0)
        # Zone pairs: external (2) to internet (3).
        self.assertEqual(val(".1.4.1.1.3.2.3"), b"external")
        self.assertEqual(val(".1.4.1.1.4.2.3"), b"internet")
        self.assertEqual(val(".1.4.1.1.6.2.3"), self.out_len * 80)
        self.assertEqual(val(".1.4.1.1.5.2.3") % self.out_len, 0)
        # Violations, as the store has them.
        db = sqlite3.connect(self.store)
        total, newest = db.execute(
            "SELECT count(*), max(id) FROM violations").fetchone()
        self.assertGreater(total, 0)
        self.assertEqual(val(".1.5.1.0"), total)
        self.assertEqual(val(".1.5.2.0"), newest)
        for sev, state, n in db.execute(
                "SELECT severity, state, count(*) FROM violations"
                " GROUP BY severity, state"):
            self.assertEqual(val(f".1.5.3.1.3.{sev + 1}.{state + 1}"), n)
        # No poller status: the age says so.
        self.assertEqual(val(".1.6.5.0"), 4294967295)
        self.assertEqual(val(".1.6.1.0"), 0)
        self.assertLessEqual(val(".1.1.3.0"), 5)
        db.close()

        # SNMPv3 authPriv gives the same (ages and free space aside).
        v3 = self.walk(self.V3)
        moving = (".1.1.3.0", ".1.6.5.0", ".1.7.1.0", ".1.7.2.0",
                  ".1.7.3.0")
        self.assertEqual({k: v for k, v in v3.items()
                          if not k.endswith(moving)},
                         {k: v for k, v in got.items()
                          if not k.endswith(moving)})
        # A wrong key gets nothing.
        bad = subprocess.run(["snmpget", "-v3", "-l", "authPriv", "-u",
                              "zwuser", "-a", "SHA", "-A", "wrongpass1",
                              "-x", "AES", "-X", "privpass123", "-t", "1",
                              "-r", "0", f"127.0.0.1:{self.port}",
                              ZW + ".1.1.1.0"], capture_output=True,
                             text=True, env=dict(os.environ, MIBS=""))
        self.assertNotEqual(bad.returncode, 0)

        # Nothing was notified for the records there before the start.
        self.assertEqual(self.wait_traps(1, tries=5), [])
        # A new violation: 日峰镇 reaches the internet.
        self.replay(lambda w: [w.add(T0 + 400 + k, pg.frame(
            RIFENG, INTERNET, pg.TCP, pg.tcp(50000 + k, 443, pg.SYN)))
            for k in range(1)])
        traps = self.wait_traps(1)
        self.assertEqual(len(traps), 1, traps)
        t = traps[0]
        new_id = newest + 1
        self.assertIn(ZW + ".0.1\t", t + "\t")
        for part in (f"{ZW}.1.8.1.0 = Gauge32: {new_id}",
                     f"{ZW}.1.8.2.0 = Gauge32: 1010",
                     f"{ZW}.1.8.3.0 = INTEGER: 2",
                     f"{ZW}.1.8.4.0 = STRING: \"{RIFENG}\"",
                     f"{ZW}.1.8.5.0 = STRING: \"{INTERNET}\"",
                     f"{ZW}.1.8.6.0 = STRING: \"lichuan-rifeng\""):
            self.assertIn(part, t)
        msg = "违规外联".encode().hex(" ").upper()
        with open(self.traps, errors="replace") as fp:
            self.assertIn(msg[:20], fp.read().replace("\n", " "))

        # A link going down, recorded by the poller in the store.
        db = sqlite3.connect(self.store)
        db.execute("INSERT INTO events (kind, severity, device, port,"
                   " site, detail, at_us, created_us) VALUES ('link-down',"
                   " 1, 'sw-nancheng', 'GigabitEthernet0/0/1', 'nancheng',"
                   " 'oper down', 1, 1)")
        db.commit()
        db.close()
        traps = self.wait_traps(2)
        self.assertEqual(len(traps), 2, traps)
        self.assertIn(ZW + ".0.2\t", traps[1] + "\t")
        self.assertIn(f"{ZW}.1.8.9.0 = STRING: \"sw-nancheng\"", traps[1])
        self.assertIn(f"{ZW}.1.8.10.0 = STRING: \"GigabitEthernet0/0/1\"",
                      traps[1])

        # An officer's review: the audit trail's new head, notified and
        # served, is the one zwctl gives and verify takes as an anchor.
        r = subprocess.run([ZWCTL, "-s", self.store, "violations", "review",
                            str(new_id), "acknowledged", "--by", "sec1"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        head = subprocess.run([ZWCTL, "-s", self.store, "audit", "head"],
                              capture_output=True, text=True).stdout.strip()
        seq, hsh = head.split(":")
        traps = self.wait_traps(3)
        self.assertEqual(len(traps), 3, traps)
        self.assertIn(ZW + ".0.6\t", traps[2] + "\t")
        self.assertIn(f"{ZW}.1.10.1.0 = Gauge32: {seq}", traps[2])
        self.assertIn(f"{ZW}.1.10.2.0 = STRING: \"{hsh}\"", traps[2])
        self.assertEqual(self.get(ZW + ".1.10.1.0"), int(seq))
        self.assertEqual(self.get(ZW + ".1.10.2.0"), hsh.encode())

        # snmpd restarts: the subagent finds it again by itself.
        self.snmpd.stop()
        self.snmpd.start()
        back = None
        for _ in range(150):
            back = self.get(ZW + ".1.2.1.0")
            if back is not None:
                break
            time.sleep(0.1)
        self.assertEqual(back, 1)      # the second replay's one packet
        self.assertIsNone(self.agent.poll(), "the subagent exited")

    def test_thresholds_and_a_broken_status(self):
        """The capture losing packets faster than notify-drops, and a
        store disk fuller than notify-store, are notified once each; a
        status file that is not JSON is survived and shown by its age."""
        self.write_conf("notify-drops 1000\nnotify-store 1\n")

        def status(t, drops):
            tmp = self.status + ".tmp"
            with open(tmp, "w") as fp:
                json.dump({"time": t, "uptime": 10, "capture": {
                    "kernel_drops": drops,
                    "iface_drops": 0}}, fp)
            os.rename(tmp, self.status)
        now = int(time.time())
        status(now - 10, 0)
        self.start_agent()
        # The store's disk is more than 1% used: one notification.
        traps = self.wait_traps(1)
        self.assertEqual(len(traps), 1)
        self.assertIn(ZW + ".0.5\t", traps[0] + "\t")
        self.assertIn(f"{ZW}.1.8.12.0 = Gauge32: 1\t", traps[0] + "\t")
        status(now, 20000)              # 2,000 a second
        traps = self.wait_traps(2)
        self.assertEqual(len(traps), 2, traps)
        self.assertIn(ZW + ".0.4\t", traps[1] + "\t")
        self.assertIn(f"{ZW}.1.8.11.0 = Gauge32: 2000", traps[1])
        self.assertIn(f"{ZW}.1.8.12.0 = Gauge32: 1000\t", traps[1] + "\t")
        self.assertEqual(self.get(ZW + ".1.2.3.0"), 20000)
        # Still losing: not again.
        status(now + 10, 40000)
        time.sleep(2.5)
        self.assertEqual(len(self.wait_traps(3, tries=1)), 2)
        # Garbage where the status was: served on, shown as no status.
        with open(self.status, "wb") as fp:
            fp.write(b"{\"time\": 12, \"capture\": [\x00\xff")
        for _ in range(50):
            if self.get(ZW + ".1.1.3.0") == 4294967295:
                break
            time.sleep(0.1)
        self.assertEqual(self.get(ZW + ".1.1.3.0"), 4294967295)
        self.assertEqual(self.get(ZW + ".1.2.3.0"), 0)
        self.assertIsNone(self.agent.poll())
        self.stop_agent()
        self.assertIn("status.json:1:", self.agent_log())


class Mib(unittest.TestCase):
    @unittest.skipUnless(shutil.which("smilint"), "needs smilint (smitools)")
    def test_mib_lints_clean(self):
        r = subprocess.run(["smilint", "-s", "-l", "6", os.path.join(
            ROOT, "snmpd-ext", "ZONEWATCH-MIB.txt")],
            capture_output=True, text=True,
            env=dict(os.environ, SMIPATH=os.path.join(ROOT, "tests",
                                                      "mibs")))
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout + r.stderr, "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
