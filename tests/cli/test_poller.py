"""zw-poller against recordings of real switches served by snmpsim on
127.0.0.1: every interface of each found with the right name and speed
(read independently from the recording here), rates of moving counters
within 1% across a 32-bit wrap and into the RRD files, an agent restart
that gives no spike, and devices that never answer or answer garbage
that hold up nobody.  Run by tests/run.sh (suite "poller") with
ZW_POLLER set; skipped where snmpsim is not installed.
"""
import json
import os
import re
import shutil
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
RECS = os.path.join(ROOT, "tests", "snmprec")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import command  # noqa: E402
from command import POLLER, ZWCTL  # noqa: E402
SNMPSIMD = shutil.which("snmpsimd") or shutil.which("snmpsimd.py")

IF = "1.3.6.1.2.1.2.2.1."
IFX = "1.3.6.1.2.1.31.1.1.1."
REAL = ["vrp_5720-32x-ei", "vrp_s5328c-ei", "comware", "comware_a5500",
        "ruijie", "mypoweros", "zxr10_5928", "ios_2960x", "iosxe_c9500h-svl",
        "nxos_n3k-3064pq", "junos_qfx5100", "linux_ntc"]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def text(typ, value):
    if typ.endswith("x"):
        return bytes.fromhex(value).decode("utf-8", "replace")
    return value


def expected(name):
    """{ifIndex: (label, speed)} read from the recording: ifName, else
    ifDescr; ifHighSpeed in Mbit/s when non-zero, else ifSpeed unless
    saturated."""
    cols = {}
    with open(os.path.join(RECS, name + ".snmprec"), encoding="utf-8",
              errors="replace") as fp:
        for line in fp:
            oid, typ, value = line.rstrip("\n").split("|", 2)
            for prefix, col in ((IFX + "1.", "name"), (IF + "2.", "descr"),
                                (IFX + "15.", "high"), (IF + "5.", "speed"),
                                (IF + "8.", "oper"), (IFX + "6.", "hc")):
                if oid.startswith(prefix) and oid[len(prefix):].isdigit():
                    idx = int(oid[len(prefix):])
                    cols.setdefault(idx, {})[col] = text(typ, value)
    out = {}
    for idx, c in cols.items():
        label = c.get("name") or c.get("descr") or f"if{idx}"
        speed = 0
        if int(c.get("high", "0").split(":")[0] or 0) > 0:
            speed = int(c["high"]) * 1000000
        elif "speed" in c and int(c["speed"]) != 4294967295:
            speed = int(c["speed"])
        out[idx] = (label, speed)
    return out


class Snmpsim:
    def __init__(self, data=RECS, port=None, probe="linux_ntc", extra=()):
        self.probe = probe
        self.dir = tempfile.mkdtemp(prefix="zw-snmpsim-")
        self.port = port or free_port()
        cache = os.path.join(self.dir, "cache")
        os.mkdir(cache)
        args = [SNMPSIMD, f"--data-dir={data}", f"--cache-dir={cache}",
                f"--agent-udpv4-endpoint=127.0.0.1:{self.port}",
                "--logging-method=null", *extra]
        if os.geteuid() == 0:
            # As root, snmpsimd becomes nobody, who reads the recordings
            # where the test puts them, not where the checkout is.
            shutil.chown(cache, "nobody", "nogroup")
            os.chmod(self.dir, 0o755)
            shutil.copytree(data, os.path.join(self.dir, "data"))
            args[1] = f"--data-dir={os.path.join(self.dir, 'data')}"
            args += ["--process-user=nobody", "--process-group=nogroup"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        end = time.time() + 60
        while time.time() < end:
            if self.answers():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("snmpsimd did not start")

    def answers(self):
        # A GET of sysObjectID.0 (SNMPv2c), by hand.
        def tlv(tag, body):
            return bytes([tag, len(body)]) + body
        vb = tlv(0x30, tlv(0x06, bytes.fromhex("2b06010201010200")) +
                 b"\x05\x00")
        pdu = tlv(0xa0, b"\x02\x01\x01\x02\x01\x00\x02\x01\x00" +
                  tlv(0x30, vb))
        req = tlv(0x30, b"\x02\x01\x01" +
                  tlv(0x04, self.probe.encode()) + pdu)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.3)
            s.sendto(req, ("127.0.0.1", self.port))
            try:
                return len(s.recv(4096)) > 0
            except OSError:
                return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)


class Garbage(threading.Thread):
    """Answers every request with bytes that are not SNMP."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.start()

    def run(self):
        try:
            while True:
                _, peer = self.sock.recvfrom(4096)
                self.sock.sendto(b"\x30\x82\xff\xff garbage " * 20, peer)
        except OSError:
            pass


def ber(tag, body):
    """A BER TLV (X.690), definite length."""
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def tlvs(data):
    """The TLVs one after another in data: (tag, body) each."""
    out, i = [], 0
    while i < len(data):
        tag, n = data[i], data[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7f
            n = int.from_bytes(data[i:i + k], "big")
            i += k
        out.append((tag, data[i:i + n]))
        i += n
    return out


class Echo(Garbage):
    """An agent that answers each request with the very OIDs it was asked
    for (each with an INTEGER 0): a walk of it never moves forward."""

    def run(self):
        try:
            while True:
                data, peer = self.sock.recvfrom(65536)
                (_, msg), = tlvs(data)
                version, community, (_, pdu) = tlvs(msg)
                reqid, _, _, (_, binds) = tlvs(pdu)
                names = [tlvs(b)[0] for _, b in tlvs(binds)]
                vbs = b"".join(ber(0x30, ber(0x06, oid) + ber(0x02, b"\0"))
                               for _, oid in names)
                body = (ber(0x02, reqid[1]) + ber(0x02, b"\0") +
                        ber(0x02, b"\0") + ber(0x30, vbs))
                self.sock.sendto(ber(0x30, ber(0x02, version[1]) +
                                     ber(0x04, community[1]) +
                                     ber(0xa2, body)), peer)
        except (OSError, ValueError, IndexError):
            pass


@unittest.skipUnless(SNMPSIMD, "snmpsim is not installed")
class Poller(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Snmpsim()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-poller-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def conf(self, devices, extra=""):
        path = os.path.join(self.dir, "zw.conf")
        with open(path, "w") as fp:
            fp.write(f'rrd-dir "{self.dir}/rrd"\n{extra}\n')
            for name, body in devices:
                fp.write(f"device {name} {{\n{body}\n}}\n")
        return path

    def sim_device(self, community, port=None, extra=""):
        return (community.replace("_", "-"),
                f" address 127.0.0.1\n port {port or self.sim.port}\n"
                f" community {community}\n timeout-ms 3000\n{extra}")

    def poll(self, conf, *args):
        out = os.path.join(self.dir, "dump.json")
        r = subprocess.run([POLLER, "--config", conf, "--dump", out, "--store",
                            os.path.join(self.dir, "events.db"), *args],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fp:
            return {d["name"]: d for d in json.load(fp)["devices"]}, r.stderr

    def test_discovery_of_every_recording(self):
        conf = self.conf([self.sim_device(n) for n in REAL],
                         "max-outstanding 4")
        got, _ = self.poll(conf, "--count", "1", "--no-rrd")
        for name in REAL:
            with self.subTest(name):
                d = got[name.replace("_", "-")]
                self.assertTrue(d["ok"], d["error"])
                self.assertEqual(d["bad_values"], 0)
                want = expected(name)
                have = {i["index"]: (i["name"] or i["descr"] or
                                     f"if{i['index']}", i["speed"])
                        for i in d["interfaces"]}
                self.assertEqual(have, want)
        # The ZTE has no ifXTable: 32-bit counters, names from ifDescr.
        zte = got["zxr10-5928"]["interfaces"]
        self.assertEqual({i["counter_bits"] for i in zte}, {32})
        self.assertEqual({i["counter_bits"] for i in
                          got["vrp-5720-32x-ei"]["interfaces"]}, {64})

    def test_v1_and_bulk_sizes(self):
        conf = self.conf([
            self.sim_device("ruijie", extra=" version 1"),
            ("ruijie-bulk1", f" address 127.0.0.1\n port {self.sim.port}\n"
             " community ruijie\n max-repetitions 1"),
        ])
        got, _ = self.poll(conf, "--count", "1", "--no-rrd")
        want = expected("ruijie")
        for name in ("ruijie", "ruijie-bulk1"):
            self.assertTrue(got[name]["ok"], got[name]["error"])
            self.assertEqual({i["index"] for i in got[name]["interfaces"]},
                             set(want))
        # SNMPv1 has no Counter64: the 32-bit counters are read.
        self.assertEqual({i["counter_bits"] for i in
                          got["ruijie"]["interfaces"]}, {32})
        self.assertGreater(got["ruijie"]["requests"],
                           got["ruijie-bulk1"]["requests"] / 20)

    def test_v1_on_a_switch_with_64_bit_counters_only_says_why(self):
        """A recording without the 32-bit octet counters, polled with
        SNMPv1 (which reads no Counter64): no rate, and the reason, in
        the dump and once in the log."""
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        for name, drop in (("linux_ntc", ()),
                           ("hconly", ("1.3.6.1.2.1.2.2.1.10.",
                                       "1.3.6.1.2.1.2.2.1.16."))):
            with open(os.path.join(RECS, "linux_ntc.snmprec")) as fp:
                lines = [ln for ln in fp if not ln.startswith(drop)]
            with open(os.path.join(data, name + ".snmprec"), "w") as fp:
                fp.writelines(lines)
        sim = Snmpsim(data=data)
        try:
            conf = self.conf([("hconly", f" address 127.0.0.1\n port "
                               f"{sim.port}\n community hconly\n"
                               " version 1\n timeout-ms 3000")])
            got, err = self.poll(conf, "--count", "2", "--interval", "1",
                                 "--no-rrd")
        finally:
            sim.stop()
        ports = got["hconly"]["interfaces"]
        self.assertTrue(ports)
        self.assertTrue(all(p["in_bps"] is None for p in ports), ports)
        self.assertEqual({p["unknown"] for p in ports},
                         {"no octet counters read: the agent has no 32-bit "
                          "ones, and SNMPv1 cannot read the 64-bit ones "
                          "(use version 2c)"})
        self.assertEqual(err.count("SNMPv1 cannot read"), 1, err)

    def test_dead_and_garbage_devices_hold_up_nobody(self):
        garbage = Garbage()
        dead = free_port()
        conf = self.conf([
            ("dead", f" address 127.0.0.1\n port {dead}\n community x\n"
             " timeout-ms 2000\n retries 1"),
            ("garbage", f" address 127.0.0.1\n port {garbage.port}\n"
             " community x\n timeout-ms 2000\n retries 1"),
            self.sim_device("comware"),
        ], "max-outstanding 8")
        got, err = self.poll(conf, "--count", "1", "--no-rrd")
        self.assertTrue(got["comware"]["ok"])
        self.assertEqual(len(got["comware"]["interfaces"]),
                         len(expected("comware")))
        for name in ("dead", "garbage"):
            self.assertFalse(got[name]["ok"])
            self.assertIn(name + ":", err)
        # The big walk finished first, though the others were asked first.
        self.assertEqual(got["comware"]["finished"], 1)
        garbage.sock.close()

    def test_an_echoing_agent_is_not_a_device_without_ports(self):
        """Each answer the OIDs asked: no column moves forward, and that
        is said, not reported as a switch with no interfaces."""
        echo = Echo()
        conf = self.conf([("echo", f" address 127.0.0.1\n port {echo.port}"
                           "\n community x\n timeout-ms 2000\n retries 0")])
        got, err = self.poll(conf, "--count", "1", "--no-rrd")
        self.assertFalse(got["echo"]["ok"], got["echo"])
        self.assertIn("make no progress", got["echo"]["error"])
        self.assertIn("echo:", err)
        echo.sock.close()

    def test_status_that_cannot_be_written_is_said_once(self):
        status = os.path.join(self.dir, "missing", "status.json")
        conf = self.conf([self.sim_device("comware")])
        r = subprocess.run([POLLER, "--config", conf, "--count", "3",
                            "--interval", "1", "--no-rrd", "--no-store",
                            "--status", status],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count(f"status: {status}: No such file"),
                         1, r.stderr)

    def test_status_to_standard_output(self):
        """--status /dev/stdout (the manual's example) prints the poll,
        and the name stays the link it was: a link of the test's own to
        the standard output, so that a mistake replaces nothing else."""
        link = os.path.join(self.dir, "stdout")
        os.symlink("/proc/self/fd/1", link)
        conf = self.conf([self.sim_device("comware")])
        r = subprocess.run([POLLER, "--config", conf, "--count", "1",
                            "--no-rrd", "--no-store", "--status", link],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(r.stdout)["devices"]
        self.assertTrue(got[0]["ok"])
        self.assertEqual(len(got[0]["interfaces"]), len(expected("comware")))
        self.assertEqual(os.readlink(link), "/proc/self/fd/1")


@unittest.skipUnless(SNMPSIMD, "snmpsim is not installed")
class Rates(unittest.TestCase):
    """Moving counters: a fresh snmpsim per test, as its clock starts
    with it (the 32-bit wrap comes 5 s after start)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-rates-")
        self.sim = Snmpsim()

    def tearDown(self):
        self.sim.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_poller(self, *args):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            for name in ("dynamic-demo", "dynamic-demo-32bit"):
                fp.write(f"device {name} {{\n address 127.0.0.1\n port "
                         f"{self.sim.port}\n community {name}\n}}\n")
        out = os.path.join(self.dir, "dump.json")
        r = subprocess.run([POLLER, "--config", conf, "--dump", out,
                            "--rrd-dir", os.path.join(self.dir, "rrd"),
                            "--no-store", *args], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fp:
            return {d["name"]: {i["index"]: i for i in d["interfaces"]}
                    for d in json.load(fp)["devices"]}

    def near(self, got, want):
        self.assertIsNotNone(got)
        self.assertLess(abs(got - want) / want, 0.01, f"{got} vs {want}")

    def test_rates_across_a_wrap_and_into_the_rrd(self):
        got = self.run_poller("--interval", "4", "--count", "3")
        hc, c32 = got["dynamic-demo"], got["dynamic-demo-32bit"]
        self.near(hc[6]["in_bps"], 50e6)
        self.near(hc[6]["out_bps"], 10e6)
        self.near(hc[7]["in_bps"], 900e6)
        self.near(hc[7]["out_bps"], 100e6)
        self.near(c32[3]["in_bps"], 500e6)
        self.near(c32[3]["out_bps"], 100e6)
        self.assertEqual(c32[3]["counter_bits"], 32)
        # Static counters: nothing moved.
        self.assertEqual(hc[8]["in_bps"], 0)
        # The file is named by the port, made safe: "xgei_5_1_some_...".
        safe = re.sub(r"[^A-Za-z0-9.-]", "_", c32[3]["descr"])
        rrd = os.path.join(self.dir, "rrd", "if", "dynamic-demo-32bit",
                           safe + ".rrd")
        r = subprocess.run(["rrdtool", "lastupdate", rrd],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        names, _, values = r.stdout.strip().splitlines()
        vals = dict(zip(names.split(), values.split(":")[1].split()))
        self.near(float(vals["in"]), 500e6)
        self.near(float(vals["out"]), 100e6)
        self.assertEqual(float(vals["up"]), 1.0)

    @unittest.skipUnless(shutil.which("rrdcached"), "rrdcached missing")
    def test_through_rrdcached(self):
        base = os.path.join(self.dir, "base")
        os.makedirs(base)
        port = free_port()
        for addr in (f"unix:{self.dir}/rrdc.sock", f"127.0.0.1:{port}"):
            with self.subTest(addr):
                shutil.rmtree(os.path.join(base, "if"), ignore_errors=True)
                cached = subprocess.Popen(
                    ["rrdcached", "-g", "-l", addr, "-b", base, "-B", "-R",
                     "-F", "-p", os.path.join(self.dir, "rrdc.pid"), "-j",
                     self.dir], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
                try:
                    time.sleep(0.5)
                    conf = os.path.join(self.dir, "c.conf")
                    with open(conf, "w") as fp:
                        # A local daemon's files are named absolutely:
                        # rrd-dir is its base directory.
                        fp.write(f'rrdcached "{addr}"\nrrd-dir "{base}"\n'
                                 "device dynamic-demo {\n address 127.0.0.1"
                                 f"\n port {self.sim.port}\n community "
                                 "dynamic-demo\n}\n")
                    r = subprocess.run([POLLER, "--config", conf,
                                        "--no-store", "--interval", "3",
                                        "--count", "2"],
                                       capture_output=True, text=True,
                                       timeout=60)
                    self.assertEqual(r.returncode, 0, r.stderr)
                finally:
                    cached.terminate()      # -F: flushed at shutdown
                    cached.wait(30)
                rrd = os.path.join(base, "if", "dynamic-demo",
                                   "GigabitEthernet0_0_1.rrd")
                r = subprocess.run(["rrdtool", "lastupdate", rrd],
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                names, _, values = r.stdout.strip().splitlines()
                vals = dict(zip(names.split(),
                                values.split(":")[1].split()))
                self.near(float(vals["in"]), 50e6)

    def test_agent_restart_gives_no_spike(self):
        # The agent's clock runs 6 s, is read, then starts again from
        # nothing: the next reading's sysUpTime is lower.
        time.sleep(6)
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f"device dynamic-demo {{\n address 127.0.0.1\n port "
                     f"{self.sim.port}\n community dynamic-demo\n}}\n")
        out = os.path.join(self.dir, "dump.json")
        proc = subprocess.Popen([POLLER, "--config", conf, "--dump", out,
                                 "--no-rrd", "--no-store", "--interval",
                                 "4", "--count", "2"],
                                stderr=subprocess.PIPE, text=True)
        end = time.time() + 30
        while not os.path.exists(out) and time.time() < end:
            time.sleep(0.05)
        port = self.sim.port
        self.sim.stop()
        self.sim = Snmpsim(port=port)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        with open(out) as fp:
            dev = json.load(fp)["devices"][0]
        self.assertTrue(dev["ok"], dev["error"])
        for i in dev["interfaces"]:
            self.assertIsNone(i["in_bps"], i)
            self.assertEqual(i["unknown"], "agent restarted")


@unittest.skipUnless(SNMPSIMD, "snmpsim is not installed")
class Recordings(unittest.TestCase):
    """Recordings of the test's own, edited copies of tests/snmprec's,
    served by snmpsim; self.dir holds them and what the test writes."""

    def serve(self, probe, files):
        """files: {community: (recording, edit(oid, line) or None)}."""
        self.dir = tempfile.mkdtemp(prefix="zw-sim-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        for name, (src, edit) in files.items():
            with open(os.path.join(RECS, src + ".snmprec")) as fp, \
                    open(os.path.join(data, name + ".snmprec"), "w") as out:
                for line in fp:
                    out.write(edit(line.split("|", 1)[0], line) if edit
                              else line)
        os.chmod(self.dir, 0o755)
        os.chmod(data, 0o755)
        self.sim = Snmpsim(data=data, probe=probe)
        self.addCleanup(self.sim.stop)


class DeviceText(Recordings):
    """Port descriptions typed in Chinese on a switch's console come as
    UTF-8 or as GBK: both are shown as Chinese."""

    ALIASES = {
        1: "至南城县".encode("gb18030"),          # GBK, as a console sends
        2: "建昌镇上联".encode(),                 # UTF-8
        3: b"\xff\xfe\x80 x",                    # neither: kept as it came
        285: ("南" * 70).encode(),               # cut at 127 bytes
        291: ("南" * 70).encode("gb18030"),      # the same in GBK
    }

    def setUp(self):
        def alias(oid, line):
            idx = int(oid[len(IFX) + 3:]) if oid.startswith(IFX + "18.") \
                else None
            return (f"{oid}|4x|{self.ALIASES[idx].hex()}\n"
                    if idx in self.ALIASES else line)
        self.serve("text", {"text": ("linux_ntc", alias)})

    def test_gbk_and_utf8_descriptions(self):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f"device text {{\n address 127.0.0.1\n port "
                     f"{self.sim.port}\n community text\n}}\n")
        out = os.path.join(self.dir, "dump.json")
        r = subprocess.run([POLLER, "--config", conf, "--dump", out,
                            "--no-store", "--no-rrd", "--count", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fp:
            dev = json.load(fp)["devices"][0]
        alias = {i["index"]: i["alias"] for i in dev["interfaces"]}
        self.assertEqual(alias[1], "至南城县")
        self.assertEqual(alias[2], "建昌镇上联")
        self.assertEqual(alias[3], "\xff\xfe\x80 x")
        # 127 bytes hold 42 whole characters of three bytes; none is cut.
        self.assertEqual(alias[285], "南" * 42)
        # 127 bytes of GBK hold 63 characters, 189 bytes of UTF-8: as many
        # as the 127 bytes shown hold.
        self.assertEqual(alias[291], "南" * 42)


@unittest.skipUnless(SNMPSIMD and shutil.which("snmpset"),
                     "snmpsim and snmpset are needed")
class Events(Recordings):
    """Link state and utilisation become events in the store."""

    def setUp(self):
        # linux_ntc with eth0's ifOperStatus settable (snmpsim writecache).
        def settable(oid, line):
            return ("1.3.6.1.2.1.2.2.1.8.2|2:writecache|value=1\n"
                    if oid == "1.3.6.1.2.1.2.2.1.8.2" else line)
        self.serve("linkflap", {"linkflap": ("linux_ntc", settable),
                                "dynamic-demo": ("dynamic-demo", None)})

    def test_link_down_and_utilisation(self):
        dead = free_port()
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write("utilisation-alert 85\n"
                     "site county {\n level county\n bandwidth 1G\n"
                     " uplink dynamic-demo GigabitEthernet0/0/2\n}\n")
            for name, port in (("linkflap", self.sim.port),
                               ("dynamic-demo", self.sim.port),
                               ("dead", dead)):
                fp.write(f"device {name} {{\n address 127.0.0.1\n port "
                         f"{port}\n community {name}\n timeout-ms 500\n"
                         f" retries 0\n}}\n")
        out = os.path.join(self.dir, "dump.json")
        db = os.path.join(self.dir, "events.db")
        proc = subprocess.Popen([POLLER, "--config", conf, "--dump", out,
                                 "--store", db, "--no-rrd", "--interval",
                                 "3", "--count", "2"],
                                stderr=subprocess.PIPE, text=True)
        end = time.time() + 30
        while not os.path.exists(out) and time.time() < end:
            time.sleep(0.05)
        r = subprocess.run(["snmpset", "-v2c", "-c", "linkflap",
                            f"127.0.0.1:{self.sim.port}",
                            "1.3.6.1.2.1.2.2.1.8.2", "i", "2"],
                           capture_output=True, text=True,
                           env=dict(os.environ, MIBS="",
                                    SNMP_PERSISTENT_DIR=self.dir))
        self.assertEqual(r.returncode, 0, r.stderr)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        r = subprocess.run([ZWCTL,
                            "-s", db, "events", "list", "--format", "json"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = sorted((e["kind"], e["device"], e["port"], e["site"],
                      e["severity"])
                     for e in map(json.loads, r.stdout.splitlines()))
        self.assertEqual(got, [
            ("device-down", "dead", "", "", "high"),
            ("link-down", "linkflap", "eth0", "", "medium"),
            ("utilisation", "dynamic-demo", "GigabitEthernet0/0/2",
             "county", "medium")])
        # Reviewed as a violation is: a state it has not, a reason for a
        # resolution, into the review history and the audit trail.
        down = [e["id"] for e in map(json.loads, r.stdout.splitlines())
                if e["kind"] == "link-down"][0]

        def review(*args):
            return subprocess.run([ZWCTL, "-s", db, "events", "review",
                                   str(down), *args], capture_output=True,
                                  text=True)
        r = review("acknowledged", "--by", "sys")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"event {down}: acknowledged\n")
        r = review("acknowledged", "--by", "sys")
        self.assertEqual(r.returncode, 2)
        self.assertIn("already acknowledged", r.stderr)
        r = review("resolved", "--by", "sys")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--comment", r.stderr)
        r = review("resolved", "--by", "sys", "--comment", "光纤已熔接")
        self.assertEqual(r.returncode, 0, r.stderr)
        admin = os.path.join(self.dir, "admin", "admin.db")
        with sqlite3.connect(admin) as adb:
            self.assertEqual(adb.execute(
                "SELECT kind, record, old_state, new_state, who, comment"
                " FROM reviews ORDER BY id").fetchall(),
                [("event", down, 0, 1, "sys", ""),
                 ("event", down, 1, 2, "sys", "光纤已熔接")])
            self.assertEqual([a for (a,) in adb.execute(
                "SELECT outcome FROM audit WHERE action = 'event-review'"
                " ORDER BY id")], ["ok", "failed", "ok"])


class DeadDevice(unittest.TestCase):
    """A device that stays dead across restarts of the poller is recorded
    down once, not again at each start."""

    def test_two_restarts_one_device_down(self):
        d = tempfile.mkdtemp(prefix="zw-dead-")
        self.addCleanup(shutil.rmtree, d, True)
        conf = os.path.join(d, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f"device dead {{\n address 127.0.0.1\n port "
                     f"{free_port()}\n community dead\n timeout-ms 300\n"
                     f" retries 0\n}}\n")
        db = os.path.join(d, "events.db")
        for _ in range(3):
            r = subprocess.run([POLLER, "--config", conf, "--store", db,
                                "--no-rrd", "--count", "1"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([ZWCTL, "-s", db, "events", "list", "--format",
                            "json"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(e["kind"], e["device"]) for e in
                          map(json.loads, r.stdout.splitlines())],
                         [("device-down", "dead")])


@unittest.skipUnless(SNMPSIMD, "snmpsim is not installed")
class V3(unittest.TestCase):
    """SNMPv3 authPriv (SHA, AES): snmpsim with one USM user, the file
    chosen by the context name."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-v3-")
        self.sim = Snmpsim(extra=("--v3-user=monitor",
                                  "--v3-auth-key=authpass123",
                                  "--v3-auth-proto=SHA",
                                  "--v3-priv-key=privpass123",
                                  "--v3-priv-proto=AES"))

    def tearDown(self):
        self.sim.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_auth_priv_and_a_dead_v3_device(self):
        def v3(name, port, context, auth="authpass123"):
            return (f"device {name} {{\n address 127.0.0.1\n port {port}\n"
                    f" version 3\n user monitor\n auth SHA {auth}\n"
                    f" priv AES privpass123\n context {context}\n"
                    f" timeout-ms 1500\n retries 1\n}}\n")
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            # The dead one first: its discovery must not hold the others.
            fp.write(v3("deadv3", free_port(), "ruijie"))
            fp.write(v3("badkey", self.sim.port, "ruijie", "wrongpass1"))
            fp.write(v3("ruijie", self.sim.port, "ruijie"))
            fp.write(v3("linux", self.sim.port, "linux_ntc"))
        out = os.path.join(self.dir, "dump.json")
        r = subprocess.run([POLLER, "--config", conf, "--dump", out,
                            "--no-rrd", "--no-store", "--count", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as fp:
            got = {d["name"]: d for d in json.load(fp)["devices"]}
        for name, rec in (("ruijie", "ruijie"), ("linux", "linux_ntc")):
            self.assertTrue(got[name]["ok"], got[name]["error"])
            self.assertEqual({i["index"] for i in got[name]["interfaces"]},
                             set(expected(rec)))
            self.assertLess(got[name]["finished"], got["deadv3"]["finished"])
        self.assertFalse(got["deadv3"]["ok"])
        self.assertIn("engine discovery", got["deadv3"]["error"])
        self.assertFalse(got["badkey"]["ok"])


SNMPD = shutil.which("snmpd") or (os.path.exists("/usr/sbin/snmpd") and
                                  "/usr/sbin/snmpd")


@unittest.skipUnless(SNMPD and os.geteuid() == 0 and shutil.which("ip"),
                     "needs root, iproute2 and snmpd")
class RealAgent(unittest.TestCase):
    """net-snmp's snmpd in a network namespace the test makes, polled over
    a veth pair from another (SNMPv3 authPriv, SHA-256 and AES), with
    real traffic between them and a link set down."""

    def sh(self, *cmd, ok=True):
        return command.sh(*cmd, ok=ok)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-agent-")
        os.chmod(self.dir, 0o755)
        tag = f"{os.getpid() % 100000}"
        self.sw, self.pl = f"zwsw{tag}", f"zwpl{tag}"
        self.addCleanup(self.sh, "ip", "netns", "del", self.pl, ok=False)
        self.addCleanup(self.sh, "ip", "netns", "del", self.sw, ok=False)
        self.sh("ip", "netns", "add", self.sw)
        self.sh("ip", "netns", "add", self.pl)
        self.sh("ip", "link", "add", "veth-sw", "netns", self.sw, "type",
                "veth", "peer", "name", "veth-pl", "netns", self.pl)
        for ns, dev, addr in ((self.sw, "veth-sw", "169.254.77.1/30"),
                              (self.pl, "veth-pl", "169.254.77.2/30")):
            self.sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
            self.sh("ip", "-n", ns, "link", "set", dev, "up")
            self.sh("ip", "-n", ns, "link", "set", "lo", "up")
        # A second port of the "switch": a veth pair of its own.
        self.sh("ip", "-n", self.sw, "link", "add", "uplink0", "type",
                "veth", "peer", "name", "uplink0p")
        self.sh("ip", "-n", self.sw, "link", "set", "uplink0p", "up")
        self.sh("ip", "-n", self.sw, "link", "set", "uplink0", "up")
        conf = os.path.join(self.dir, "snmpd.conf")
        with open(conf, "w") as fp:
            fp.write("agentAddress udp:169.254.77.1:161\n"
                     "createUser monitor256 SHA-256 \"authpass123\" AES "
                     "\"privpass123\"\nrouser monitor256 authpriv\n"
                     "createUser monauth SHA \"authpass123\"\n"
                     "rouser monauth auth\n"
                     "createUser monnone\nrouser monnone noauth\n")
        os.makedirs(os.path.join(self.dir, "persist"))
        self.snmpd = subprocess.Popen(
            ["ip", "netns", "exec", self.sw, "env",
             f"SNMP_PERSISTENT_DIR={self.dir}/persist", "MIBS=", SNMPD,
             "-f", "-C", "-c", conf, "-I", "-smux", "-Lf",
             os.path.join(self.dir, "snmpd.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)

    def tearDown(self):
        self.snmpd.terminate()
        self.snmpd.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_security_levels(self):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            for name, body in (
                    ("authpriv", "user monitor256\n auth SHA-256 authpass123"
                     "\n priv AES privpass123"),
                    ("authnopriv", "user monauth\n level authNoPriv\n"
                     " auth SHA authpass123"),
                    ("noauth", "user monnone\n level noAuthNoPriv"),
                    ("wrongauth", "user monauth\n level authNoPriv\n"
                     " auth SHA wrongpass1")):
                fp.write(f"device {name} {{\n address 169.254.77.1\n"
                         f" version 3\n {body}\n timeout-ms 1000\n"
                         f" retries 0\n}}\n")
        dump = os.path.join(self.dir, "dump.json")
        self.sh("ip", "netns", "exec", self.pl, POLLER, "--config", conf,
                "--dump", dump, "--no-rrd", "--no-store", "--count", "1")
        with open(dump) as fp:
            got = {d["name"]: d for d in json.load(fp)["devices"]}
        for name in ("authpriv", "authnopriv", "noauth"):
            self.assertTrue(got[name]["ok"], got[name]["error"])
            self.assertIn("veth-sw", [i["name"] for i in
                                      got[name]["interfaces"]])
        self.assertFalse(got["wrongauth"]["ok"])

    def test_traffic_and_link_down(self):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write("site town {\n level county\n bandwidth 100M\n"
                     " uplink sw uplink0\n}\n"
                     "device sw {\n address 169.254.77.1\n version 3\n"
                     " user monitor256\n auth SHA-256 authpass123\n"
                     " priv AES privpass123\n timeout-ms 2000\n}\n")
        dump = os.path.join(self.dir, "dump.json")
        db = os.path.join(self.dir, "events.db")

        def poll():
            self.sh("ip", "netns", "exec", self.pl, POLLER, "--config", conf,
                    "--dump", dump, "--no-rrd", "--no-store", "--count", "1")
            with open(dump) as fp:
                d = json.load(fp)["devices"][0]
            self.assertTrue(d["ok"], d["error"])
            return {i["name"]: i for i in d["interfaces"]}
        before = poll()["veth-sw"]
        self.assertEqual(before["counter_bits"], 64)
        # 50 MiB from the poller's side to a sink on the agent's.
        sink = subprocess.Popen(
            ["ip", "netns", "exec", self.sw, sys.executable, "-c",
             "import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,"
             "socket.SO_REUSEADDR,1);s.bind(('169.254.77.1',5001));"
             "s.listen(1);c,_=s.accept();n=0\nwhile True:\n d=c.recv(65536)"
             "\n if not d: break\n n+=len(d)\nprint(n)"],
            stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        self.sh("ip", "netns", "exec", self.pl, sys.executable, "-c",
                "import socket\ns=socket.create_connection(('169.254.77.1',"
                "5001));b=bytes(65536)\nfor _ in range(800): s.sendall(b)\n"
                "s.close()")
        self.assertEqual(int(sink.communicate(timeout=60)[0]), 800 * 65536)
        time.sleep(4)                   # snmpd caches ifTable for 3 s
        after = poll()["veth-sw"]
        got = after["in_octets"] - before["in_octets"]
        self.assertGreaterEqual(got, 800 * 65536)
        self.assertLess(got, 800 * 65536 * 1.06)      # + TCP/IP headers
        # A link goes down between two polls of one poller.
        proc = subprocess.Popen(["ip", "netns", "exec", self.pl, POLLER,
                                 "--config", conf, "--store", db, "--no-rrd",
                                 "--interval", "6", "--count", "2"],
                                stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        # The far end goes: uplink0 is still up by its administrator, but
        # its link is down.  (uplink0p, shut by hand, is no event.)
        self.sh("ip", "-n", self.sw, "link", "set", "uplink0p", "down")
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        r = subprocess.run([ZWCTL,
                            "-s", db, "events", "list", "--format", "json"],
                           capture_output=True, text=True)
        events = [json.loads(x) for x in r.stdout.splitlines()]
        self.assertEqual([(e["kind"], e["port"], e["site"], e["severity"])
                          for e in events],
                         [("link-down", "uplink0", "town", "high")])


class Trends(unittest.TestCase):
    """The query over a known day: mean, peak and 95th percentile of the
    5-minute averages, for a port and for a site of two uplinks."""

    T0 = 1767225600             # 2026-01-01 00:00 UTC, a multiple of 300

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-trends-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def make_rrd(self, path, value_in, value_out):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run(["rrdtool", "create", path, "--step", "60",
                        "--start", str(self.T0 - 1),
                        "DS:in:GAUGE:120:0:U", "DS:out:GAUGE:120:0:U",
                        "DS:speed:GAUGE:120:0:U",
                        "RRA:AVERAGE:0.5:1:2880", "RRA:AVERAGE:0.5:5:4032",
                        "RRA:MAX:0.5:5:4032"], check=True)
        ups = []
        for slot in range(288):
            for k in range(1, 6):
                t = self.T0 + slot * 300 + k * 60
                ups.append(f"{t}:{value_in(slot)}:{value_out(slot)}:1e9")
        for i in range(0, len(ups), 500):
            subprocess.run(["rrdtool", "update", path] + ups[i:i + 500],
                           check=True)

    def query(self, *args):
        r = subprocess.run([ZWCTL,
                            "-c", os.path.join(self.dir, "zw.conf"),
                            "trends", *args, "--rrd-dir",
                            os.path.join(self.dir, "rrd"),
                            "--since", f"@{self.T0}",
                            "--until", f"@{self.T0 + 86400}",
                            "--format", "json"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_port_and_site(self):
        def heavy(slot):
            return 900e6 if slot % 29 == 0 else 100e6 + slot * 1000

        def flat(slot):
            return 50e6
        rrd = os.path.join(self.dir, "rrd", "if")
        self.make_rrd(os.path.join(rrd, "sw1", "Gi0_0_1.rrd"), heavy, flat)
        self.make_rrd(os.path.join(rrd, "sw2", "Gi0_0_2.rrd"), flat, flat)
        with open(os.path.join(self.dir, "zw.conf"), "w") as fp:
            fp.write("site nancheng {\n level county\n bandwidth 1G\n"
                     " uplink sw1 Gi0/0/1\n uplink sw2 Gi0/0/2\n}\n"
                     "device sw1 {\n address 127.0.0.1\n community x\n}\n"
                     "device sw2 {\n address 127.0.0.1\n community x\n}\n")
        ins = [heavy(s) for s in range(288)]
        rank = -(-95 * 288 // 100)          # nearest rank: ceil(0.95 n)
        q = self.query("port", "sw1", "Gi0/0/1")
        self.assertEqual(q["samples"], 288)
        self.assertAlmostEqual(q["in"]["mean_bps"] / (sum(ins) / 288), 1, 6)
        self.assertAlmostEqual(q["in"]["peak_bps"], 900e6, 0)
        self.assertAlmostEqual(q["in"]["p95_bps"], sorted(ins)[rank - 1], 0)
        self.assertAlmostEqual(q["out"]["p95_bps"], 50e6, 0)
        self.assertEqual(q["capacity_bps"], 1e9)       # the port's speed
        # The site is the sum of its uplinks, against its contract.
        q = self.query("site", "nancheng")
        sums = sorted(x + 50e6 for x in ins)
        self.assertAlmostEqual(q["in"]["p95_bps"], sums[rank - 1], 0)
        self.assertAlmostEqual(q["in"]["peak_pct"], 95.0, 6)
        self.assertAlmostEqual(q["out"]["mean_pct"], 10.0, 6)
        self.assertEqual(q["source"], "snmp")

    def test_site_from_the_capture(self):
        """A site without uplink ports: its area's trend from the capture
        (site/NAME.rrd, written by the collector), against its contract."""
        def ramp(slot):
            return 1e6 * (slot % 100)
        self.make_rrd(os.path.join(self.dir, "rrd", "site", "nancheng.rrd"),
                      ramp, lambda slot: 2e6)
        with open(os.path.join(self.dir, "zw.conf"), "w") as fp:
            fp.write("site nancheng {\n level county\n bandwidth 100M\n}\n")
        q = self.query("site", "nancheng")
        self.assertEqual(q["source"], "capture")
        self.assertEqual(q["samples"], 288)
        ins = sorted(ramp(s) for s in range(288))
        self.assertAlmostEqual(q["in"]["p95_bps"],
                               ins[-(-95 * 288 // 100) - 1], 0)
        self.assertAlmostEqual(q["in"]["peak_pct"], 99.0, 6)
        self.assertAlmostEqual(q["out"]["mean_pct"], 2.0, 6)
        # A range with no averages: no figures (JSON null, "-"), not NaN.
        base = [ZWCTL, "-c", os.path.join(self.dir, "zw.conf"), "trends",
                "site", "nancheng", "--rrd-dir",
                os.path.join(self.dir, "rrd"), "--since",
                f"@{self.T0 + 5 * 86400}", "--until",
                f"@{self.T0 + 6 * 86400}"]
        r = subprocess.run(base + ["--format", "json"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        q = json.loads(r.stdout)
        self.assertEqual(q["samples"], 0)
        self.assertEqual(set(q["in"].values()) | set(q["out"].values()),
                         {None})
        r = subprocess.run(base, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotRegex(r.stdout, r"\bnan\b")
        self.assertRegex(r.stdout, r"\n  in( +-){6}\n  out( +-){6}\n")
        # Asked for the switches' view, it has none.
        r = subprocess.run([ZWCTL,
                            "-c", os.path.join(self.dir, "zw.conf"),
                            "trends", "site", "nancheng", "--source", "snmp",
                            "--rrd-dir", os.path.join(self.dir, "rrd")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("site nancheng has no uplink ports", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
