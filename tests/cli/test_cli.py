"""zw-collector as a user meets it: bad inputs, outputs, rights, a live
interface.  Run by tests/run.sh with ZW_COLLECTOR set to the binary under
test (the sanitizer build in `make check`).

Tests that need root (network namespaces, a small tmpfs, another user)
skip with the reason when they cannot run.
"""
import csv
import io
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import pcapgen as pg  # noqa: E402
from command import AGENTX, COLLECTOR, POLLER, ROOT, WEBUI, ZWCTL  # noqa: E402

PCAPS = os.path.join(HERE, "..", "pcap", "ndpi")


def run(*args, timeout=120):
    return subprocess.run([COLLECTOR, *args], capture_output=True, text=True,
                          timeout=timeout)


def rows(path):
    with open(path, newline="") as fp:
        return list(csv.DictReader(fp))


def read(path):
    with open(path) as fp:
        return fp.read()


def is_root():
    return os.geteuid() == 0


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def small_capture(self, name="small.pcap"):
        w = pg.PcapWriter(self.path(name))
        t = pg.tcp_session(w, 1700000000.0, "10.1.1.10", 50000,
                           "10.2.2.20", 80, b"GET / HTTP/1.1\r\nHost: "
                           b"portal.example.gov.cn\r\n\r\n",
                           b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        w.add(t, pg.frame("10.1.1.10", "10.2.2.53", pg.UDP,
                          pg.udp(40000, 53, pg.dns_query("www.example.cn"))))
        w.close()
        return self.path(name)


class BadInput(Base):
    def test_empty_file(self):
        open(self.path("empty.pcap"), "w").close()
        r = run("-r", self.path("empty.pcap"), "--flows-csv",
                self.path("o.csv"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("empty file", r.stderr)
        self.assertFalse(os.path.exists(self.path("o.csv")))

    def test_not_a_capture(self):
        with open(self.path("notes.txt"), "w") as fp:
            fp.write("this is not a capture file\n" * 10)
        r = run("-r", self.path("notes.txt"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a readable capture", r.stderr)

    def test_missing_file_and_directory(self):
        r = run("-r", self.path("nothere.pcap"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("No such file", r.stderr)
        r = run("-r", self.dir)
        self.assertEqual(r.returncode, 1)
        self.assertIn("is a directory", r.stderr)

    def test_truncated_last_record(self):
        good = self.small_capture()
        with open(good, "rb") as fp:
            data = fp.read()
        with open(self.path("cut.pcap"), "wb") as fp:
            fp.write(data[:-30])
        r = run("-r", self.path("cut.pcap"), "--flows-csv", self.path("o.csv"))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("damaged after", r.stderr)
        self.assertIn("truncated", r.stderr)
        # The complete records before the damage are all there.
        self.assertEqual(len(rows(self.path("o.csv"))), 1)

    def test_corrupt_record_length(self):
        w = pg.PcapWriter(self.path("bad.pcap"))
        w.add(1.0, pg.frame("10.0.0.1", "10.0.0.2", pg.UDP, pg.udp(1, 2)))
        w.raw(b"\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\x7f"
              b"\xff\xff\xff\x7f" + b"\x00" * 64)
        w.close()
        r = run("-r", self.path("bad.pcap"), "--flows-csv", self.path("o.csv"))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("damaged after 1 records", r.stderr)
        self.assertEqual(len(rows(self.path("o.csv"))), 1)

    def test_garbage_frames_are_counted(self):
        w = pg.PcapWriter(self.path("junk.pcap"))
        w.add(1.0, b"\x00" * 5)                               # link.truncated
        w.add(1.1, pg.ether(pg.MAC_B, pg.MAC_A, pg.IPV4, b"\x45\x00"))
        w.add(1.2, pg.ether(pg.MAC_B, pg.MAC_A, 0x0806, b"\x00" * 28))
        w.add(1.3, pg.frame("10.0.0.1", "10.0.0.2", pg.TCP, b"\x00" * 10))
        w.close()
        status = self.path("status.json")
        r = run("-r", self.path("junk.pcap"), "--status", status)
        self.assertEqual(r.returncode, 0, r.stderr)
        st = json.loads(read(status))
        reasons = st["decode"]["reasons"]
        self.assertEqual(reasons["link.truncated"], 1)
        self.assertEqual(reasons["ipv4.truncated"], 1)
        self.assertEqual(reasons["ether.non_ip"], 1)
        self.assertEqual(reasons["tcp.truncated"], 1)
        self.assertEqual(st["decode"]["malformed"], 3)
        self.assertEqual(st["flows"]["created"], 0)


class Usage(unittest.TestCase):
    def test_usage_errors(self):
        for args in ([], ["-r", "a", "-i", "lo"], ["-r", "a", "extra"],
                     ["--bogus"]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("usage:", r.stderr)

    def test_bad_numbers(self):
        for opt, val in (("--max-flows", "0"), ("--max-flows", "12x"),
                         ("--idle-tcp", "-5"), ("--speed", "fast")):
            r = run("-r", "x.pcap", opt, val)
            self.assertEqual(r.returncode, 1, (opt, val))
            self.assertIn(opt, r.stderr)
        # Every program says a bad number the same way: the option, the
        # value, why, the range; exit 1.
        for cmd, want in (
                ([COLLECTOR, "-r", "x.pcap", "--status-interval", "0"],
                 "--status-interval 0: too small (1 to "),
                ([POLLER, "--interval", "0"], "--interval 0: too small "
                 "(1 to 3600)"),
                ([POLLER, "--count", "x"], "--count x: invalid (1 to "),
                ([AGENTX, "--refresh", "9999"], "--refresh 9999: too large "
                 "(1 to 3600)")):
            r = subprocess.run(cmd, capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, cmd)
            self.assertIn(want, r.stderr)

    def test_every_program_takes_config(self):
        # One spelling for all, as the manual pages say.
        conf = os.path.join(ROOT, "conf", "zonewatch.conf")
        for cmd in ([COLLECTOR, "-n", "--config", conf],
                    [POLLER, "-n", "--config", conf],
                    [AGENTX, "-n", "--config", conf],
                    [WEBUI, "-n", "--config", conf],
                    [ZWCTL, "--config", conf, "check"]):
            with self.subTest(cmd[0]):
                r = subprocess.run(cmd, capture_output=True, text=True,
                                   timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("configuration OK", r.stdout)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("zw-collector "))


class Config(Base):
    """-n: the configuration check."""
    CONF = os.path.join(HERE, "..", "..", "conf", "zonewatch.conf")

    def test_shipped_config_ok(self):
        r = run("-n", "-v", "--config", self.CONF)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        self.assertIn("8 sites, 2 exits", r.stdout)

    def test_each_program_lists_the_settings_it_reads(self):
        """-n -v: one table says which program reads what; each lists
        those settings, with the values the file gave."""
        with open(self.path("z.conf"), "w") as fp:
            fp.write(f'include "{self.CONF}"\nworkers 3\n'
                     "webui-idle 600\nnotify-store 75\n"
                     "webui-metrics-token 0123456789abcdef0123\n")
        want = {COLLECTOR: ("workers 3\n", "webui-idle"),
                POLLER: ("max-outstanding 64\n", "workers"),
                WEBUI: ("webui-idle 600\n", "notify-store"),
                AGENTX: ("notify-store 75\n", "webui-idle")}
        for prog, (has, hasnot) in want.items():
            with self.subTest(prog):
                r = subprocess.run([prog, "-n", "-v", "--config",
                                    self.path("z.conf")],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(has, r.stdout)
                self.assertNotIn("\n" + hasnot + " ", r.stdout)
                self.assertIn("\nstore ", r.stdout)
                # The secret is never printed.
                self.assertNotIn("0123456789abcdef0123", r.stdout)
        r = subprocess.run([WEBUI, "-n", "-v", "--config",
                            self.path("z.conf")], capture_output=True,
                           text=True, timeout=60)
        self.assertIn("webui-metrics-token (set)\n", r.stdout)

    def test_zwctl_settings_and_the_manual_agree(self):
        """The man page's list is the table's own (make settings-man),
        and zwctl settings shows what the configuration says."""
        r = subprocess.run([ZWCTL, "settings", "--mdoc"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = read(os.path.join(ROOT, "conf", "zonewatch.conf.5"))
        start = page.index('.\\" settings: ')
        start = page.index("\n", start) + 1
        end = page.index('.\\" settings end')
        self.assertEqual(page[start:end], r.stdout,
                         "conf/zonewatch.conf.5 is stale: make settings-man")
        self.assertIn(".It Ic retention-days Ar number\n", r.stdout)
        with open(self.path("z.conf"), "w") as fp:
            fp.write(f'include "{self.CONF}"\ndedupe-window 42\n')
        r = subprocess.run([ZWCTL, "-c", self.path("z.conf"), "settings"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        line = [x for x in r.stdout.splitlines()
                if x.startswith("dedupe-window ")]
        self.assertEqual(line[0].split()[:3], ["dedupe-window", "42", "300"])
        with open(self.path("bad.conf"), "w") as fp:
            fp.write("dedupe-window forever\n")
        r = subprocess.run([ZWCTL, "-c", self.path("bad.conf"), "settings"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.conf:1: dedupe-window forever: a whole number",
                      r.stderr)

    def test_mistake_names_file_and_line(self):
        for name in ("zones.conf", "sites.conf", "exits.conf",
                     "zonewatch.conf"):
            shutil.copy(os.path.join(os.path.dirname(self.CONF), name),
                        self.dir)
        lines = read(self.path("sites.conf")).count("\n")
        with open(self.path("sites.conf"), "a") as fp:
            fp.write("site extra {\n\tlevel county\n\tbandwith 1G\n}\n")
        r = run("-n", "--config", self.path("zonewatch.conf"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(),
                         f"{self.path('sites.conf')}:{lines + 3}: unknown "
                         'keyword "bandwith" in site extra')
        self.assertNotIn("configuration OK", r.stdout)

    def test_flows_carry_zones_and_sites(self):
        w = pg.PcapWriter(self.path("z.pcap"))
        w.add(1.0, pg.frame("10.36.17.5", "8.8.8.8", pg.UDP,
                            pg.udp(1001, 53, pg.dns_query("www.gov.cn"))))
        w.add(1.1, pg.frame("172.16.1.1", "10.36.49.2", pg.TCP,
                            pg.tcp(1, 2)))
        w.close()
        r = run("-r", self.path("z.pcap"), "--config", self.CONF,
                "--flows-csv", self.path("o.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {(x["lower_zone"], x["upper_zone"], x["lower_site"],
                x["upper_site"]) for x in rows(self.path("o.csv"))}
        self.assertEqual(got, {
            ("internet", "external", "", "nancheng-jianchang"),
            ("external", "internal", "chongren-bashan", "")})
        # Without a configuration the columns are there, empty.
        r = run("-r", self.path("z.pcap"), "--flows-csv", self.path("n.csv"))
        self.assertEqual({x["lower_zone"] for x in rows(self.path("n.csv"))},
                         {""})

    def test_bad_config_stops_a_run(self):
        with open(self.path("bad.conf"), "w") as fp:
            fp.write("zone internal {\n")
        r = run("-r", self.small_capture(), "--config", self.path("bad.conf"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.conf:1: zone internal is not closed", r.stderr)

    def test_missing_config(self):
        r = run("-n", "--config", self.path("none.conf"))
        self.assertEqual(r.returncode, 1)
        # The file alone: no line 0, the name not twice.
        self.assertEqual(r.stderr.strip(), self.path("none.conf") +
                         ": No such file or directory")

    def test_text_that_is_not_utf8(self):
        site = "site a {{\n level city\n name-zh \"{}\"\n}}\n"
        cases = [
            # 建昌镇 saved as GBK by a Windows editor.
            (site.format("").encode().replace(b'""', b'"\xbd\xa8\xb2\xfd'
                                              b'\xd5\xf2"'),
             ":3: not UTF-8 (saved as GBK? save the file as UTF-8)"),
            (b"# \n\nzone\x00\n", ":3: a NUL byte: not a text file"),
        ]
        for text, want in cases:
            with self.subTest(want=want):
                with open(self.path("t.conf"), "wb") as fp:
                    fp.write(text)
                r = run("-n", "--config", self.path("t.conf"))
                self.assertEqual(r.returncode, 1)
                self.assertEqual(r.stderr.strip(), self.path("t.conf") + want)

    def test_a_file_saved_on_windows(self):
        # UTF-8 with a byte-order mark and CRLF line ends, as Notepad
        # saves it.
        text = ("\ufeff# 抚州市\r\nsite a {\r\n level city\r\n"
                " name-zh \"抚州市\"\r\n}\r\n").encode()
        with open(self.path("w.conf"), "wb") as fp:
            fp.write(text)
        r = run("-n", "--config", self.path("w.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)


class Outputs(Base):
    def test_csv_and_json_agree(self):
        cap = self.small_capture()
        r = run("-r", cap, "--flows-csv", self.path("o.csv"),
                "--flows-json", self.path("o.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        c = rows(self.path("o.csv"))
        j = [json.loads(line) for line in read(self.path("o.json")).splitlines()]
        self.assertEqual(len(c), 2)
        self.assertEqual(len(j), 2)
        http = [x for x in j if x["l4proto"] == "TCP"][0]
        self.assertEqual(http["ndpi_proto"], "HTTP")
        self.assertEqual(http["hostname"], "portal.example.gov.cn")
        self.assertEqual(http["packets"], 8)
        self.assertEqual(http["end_reason"], "fin")
        self.assertIsNone(http["vlan"])
        dns = [x for x in c if x["l4proto"] == "UDP"][0]
        self.assertEqual(dns["ndpi_proto"], "DNS")
        self.assertEqual(dns["hostname"], "www.example.cn")
        self.assertEqual(dns["end_reason"], "eof")

    def test_stdout(self):
        r = run("-q", "-r", self.small_capture(), "--flows-csv", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual(len(got), 2)

    def test_no_dpi(self):
        r = run("-r", self.small_capture(), "--no-dpi", "--flows-csv",
                self.path("o.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({x["ndpi_proto"] for x in rows(self.path("o.csv"))},
                         {"Unknown"})

    def test_loop_continues_time(self):
        cap = self.small_capture()
        r = run("-r", cap, "--loop", "2", "--flows-csv", self.path("o.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        got = sorted(rows(self.path("o.csv")),
                     key=lambda x: float(x["first_seen"]))
        # Two TCP connections (the second SYN follows the first's FIN),
        # and one DNS flow that the second pass continues.
        tcp = [x for x in got if x["l4proto"] == "TCP"]
        udp = [x for x in got if x["l4proto"] == "UDP"]
        self.assertEqual(len(tcp), 2)
        self.assertEqual(len(udp), 1)
        self.assertEqual(udp[0]["packets"], "2")
        self.assertGreater(float(tcp[1]["first_seen"]),
                           float(tcp[0]["last_seen"]))
        # The replay starts now, not in the capture's past.
        self.assertGreater(float(got[0]["first_seen"]), time.time() - 600)

    def test_status_that_cannot_be_written_is_said_once(self):
        """A status whose directory is missing is said once, not every
        interval, and once more when it can be written again."""
        status = self.path("later/status.json")
        proc = subprocess.Popen(
            [COLLECTOR, "-r", os.path.join(PCAPS, "1kxun.pcap"), "--loop",
             "0", "--speed", "1", "--status", status, "--status-interval",
             "1", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        try:
            time.sleep(3.5)
            os.mkdir(self.path("later"))
            for _ in range(100):
                if os.path.exists(status):
                    break
                time.sleep(0.1)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=60)
        self.assertTrue(os.path.exists(status), err)
        self.assertEqual(err.count(f"status: {status}: No such file"), 1, err)
        self.assertEqual(err.count(f"status: {status}: written again"), 1,
                         err)

    def test_vlan_in_key(self):
        w = pg.PcapWriter(self.path("vlan.pcap"))
        for vid in (10, 20):
            w.add(1.0, pg.frame("10.0.0.1", "10.0.0.2", pg.UDP,
                                pg.udp(1000, 2000, b"x"), vlans=(vid,)))
        w.close()
        r = run("-r", self.path("vlan.pcap"), "--flows-csv", self.path("o.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(x["vlan"] for x in rows(self.path("o.csv"))),
                         ["10", "20"])

    def test_full_disk(self):
        if not is_root():
            self.skipTest("needs root to mount a small tmpfs")
        mnt = self.path("small")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs",
                        mnt], check=True)
        try:
            out = os.path.join(mnt, "flows.csv")
            with open(out, "w") as fp:
                fp.write("previous\n")
            r = run("-r", os.path.join(PCAPS, "1kxun.pcap"), "-r",
                    os.path.join(PCAPS, "wechat.pcap"), "--flows-csv", out)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("No space left on device", r.stderr)
            # The previous file is intact and no temporary file is left.
            self.assertEqual(read(out), "previous\n")
            self.assertEqual(os.listdir(mnt), ["flows.csv"])
        finally:
            subprocess.run(["umount", mnt])


class Rights(Base):
    def test_capture_without_rights(self):
        if not is_root():
            self.skipTest("needs root to switch to an unprivileged user")
        r = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "--inh-caps=-all", "--bounding-set=-all", COLLECTOR, "-i", "lo",
             "-c", "1"], capture_output=True, text=True, timeout=30,
            cwd="/")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("no permission to capture", r.stderr)
        self.assertIn("CAP_NET_RAW", r.stderr)

    def test_no_such_interface(self):
        r = run("-i", "zw-nonexistent0", "-c", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("zw-nonexistent0", r.stderr)


class Live(Base):
    """A live capture on a veth pair between two namespaces of our own."""
    NS_A, NS_B = "zwtest-a", "zwtest-b"

    def ip(self, *args):
        subprocess.run(["ip", *args], check=True, capture_output=True)

    def setUp(self):
        super().setUp()
        if not is_root() or shutil.which("ip") is None or \
                shutil.which("ping") is None:
            self.skipTest("needs root, iproute2 and ping for namespaces")
        for ns in (self.NS_A, self.NS_B):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            self.ip("netns", "add", ns)
        self.ip("link", "add", "zwt0", "netns", self.NS_A, "type", "veth",
                "peer", "name", "zwt1", "netns", self.NS_B)
        self.ip("-n", self.NS_A, "addr", "add", "10.99.0.1/24", "dev", "zwt0")
        self.ip("-n", self.NS_B, "addr", "add", "10.99.0.2/24", "dev", "zwt1")
        for ns, dev in ((self.NS_A, "zwt0"), (self.NS_B, "zwt1")):
            self.ip("-n", ns, "link", "set", dev, "up")

    def tearDown(self):
        for ns in (self.NS_A, self.NS_B):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        super().tearDown()

    def test_live_icmp(self):
        out = self.path("live.csv")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.NS_A, COLLECTOR, "-i", "zwt0",
             "-f", "icmp", "-c", "6", "--flows-csv", out],
            stderr=subprocess.PIPE, text=True)
        line = proc.stderr.readline()
        self.assertIn("capturing on zwt0", line)
        subprocess.run(["ip", "netns", "exec", self.NS_B, "ping", "-c", "3",
                        "-i", "0.2", "-W", "1", "10.99.0.1"],
                       capture_output=True, timeout=30)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.fail("collector did not stop after 6 packets")
        self.assertEqual(proc.returncode, 0, proc.stderr.read())
        got = rows(out)
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["l4proto"], "ICMP")
        self.assertEqual((got[0]["lower_ip"], got[0]["upper_ip"]),
                         ("10.99.0.1", "10.99.0.2"))
        self.assertEqual(got[0]["packets"], "6")
        self.assertEqual(got[0]["ndpi_proto"], "ICMP")


class Demo(Base):
    """make run's demo: starts, shows traffic, stops cleanly on Ctrl-C."""

    def test_demo_runs_and_stops(self):
        """make run's appliance: replayed captures, simulated switches,
        the subagent, and the web UI answering its printed logins; Ctrl-C
        stops every process of it."""
        import http.client
        import re
        import socket
        import ssl

        def port():
            with socket.socket() as sk:
                sk.bind(("127.0.0.1", 0))
                return sk.getsockname()[1]
        web = port()
        env = dict(os.environ, ZW_DEMO_DIR=self.dir, ZW_DEMO_SPEED="50",
                   ZW_DEMO_LISTEN=f"127.0.0.1:{web}",
                   ZW_DEMO_SNMPSIM=str(port()), ZW_DEMO_SNMPD=str(port()),
                   ZW_COLLECTOR=COLLECTOR, ZW_WEBUI=WEBUI, ZW_POLLER=POLLER,
                   ZW_AGENTX=AGENTX, ZW_ZWCTL=ZWCTL)
        root = os.path.join(HERE, "..", "..")
        out_path = os.path.join(tempfile.mkdtemp(), "demo.out")
        out_fp = open(out_path, "w")
        # Ctrl-C as at a terminal, even when the suite itself runs in the
        # background (where a shell starts its children ignoring SIGINT,
        # and a shell cannot trap what it was started ignoring).
        proc = subprocess.Popen([os.path.join(root, "appliance", "demo.sh")],
                                cwd=root, env=env, stdout=out_fp,
                                stderr=subprocess.STDOUT, text=True,
                                preexec_fn=lambda: signal.signal(
                                    signal.SIGINT, signal.SIG_DFL))

        def stop():
            # A failed check must not leave the appliance running.
            if proc.poll() is None:
                proc.send_signal(2)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.addCleanup(stop)
        status = self.path("status.json")
        seen = 0
        for _ in range(120):
            time.sleep(0.5)
            try:
                seen = json.loads(read(status))["decode"]["packets"]
            except (OSError, ValueError):
                continue
            if seen > 1000:
                break
        ctx = ssl._create_unverified_context()
        # The logins as printed, under their heading: each one works.
        banner = read(out_path)
        table = re.search(r"\n  user +role +password\n((?:  \S+ +\S+ +Zw-\S+\n)+)",
                          banner)
        self.assertTrue(table, banner)
        logins = [line.split() for line in table.group(1).splitlines()]
        self.assertEqual([(u, r) for u, r, _ in logins],
                         [("admin", "sysadmin"), ("secadmin", "secadmin"),
                          ("auditor", "auditadmin"), ("viewer", "viewer")])
        conn = http.client.HTTPSConnection("127.0.0.1", web, context=ctx,
                                           timeout=20)
        for user, _, password in logins:
            conn.request("POST", "/api/login",
                         body=f"user={user}&password={password}",
                         headers={"X-Zonewatch-Login": "1", "Content-Type":
                                  "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            cookie = r.getheader("Set-Cookie", "").split(";")[0]
            r.read()
            self.assertEqual(r.status, 200, user)
            conn.request("GET", "/", headers={"Cookie": cookie})
            r = conn.getresponse()
            page = r.read().decode()
            self.assertEqual(r.status, 200, user)
            self.assertIn("概览", page)
        # The web UI reads what the collector and the poller publish
        # (other accounts, as root: their files are the group's to read).
        ages = {}
        for _ in range(60):
            conn.request("GET", "/health")
            r = conn.getresponse()
            ages = json.loads(r.read())
            if ages["status_age"] is not None and \
                    ages["poller_age"] is not None:
                break
            time.sleep(0.5)
        self.assertIsNotNone(ages["status_age"], ages)
        self.assertIsNotNone(ages["poller_age"], ages)
        conn.close()
        # Each daemon has put itself under the system-call filter and,
        # started by root, become its own account.
        for prog in ("zw-webui", "zw-poller", "zw-agentx", "zw-collector"):
            pids = subprocess.run(["pgrep", "-f", f"{prog} .*{self.dir}"],
                                  capture_output=True, text=True).stdout
            self.assertTrue(pids.split(), prog)
            if os.geteuid() == 0:
                with open(f"/proc/{pids.split()[0]}/status") as fp:
                    uid = [ln.split()[1:] for ln in fp
                           if ln.startswith("Uid:")][0]
                self.assertEqual(set(uid),
                                 {str(pwd.getpwnam(prog).pw_uid)}, prog)
            # Every thread: a filter binds only the thread that lays it.
            tasks = f"/proc/{pids.split()[0]}/task"
            for tid in os.listdir(tasks):
                with open(f"{tasks}/{tid}/status") as fp:
                    st = dict(line.split(":", 1) for line in fp)
                self.assertEqual(st["Seccomp"].strip(), "2", prog)
                self.assertEqual(st["NoNewPrivs"].strip(), "1", prog)
        proc.send_signal(2)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            self.fail("the demo did not stop on SIGINT")
        out_fp.close()
        out = read(out_path)
        self.assertGreater(seen, 1000)
        self.assertEqual(proc.returncode, 0, out)
        self.assertIn("zonewatch demo: the appliance on this machine", out)
        self.assertIn("zonewatch demo: stopped", out)
        self.assertIn("pkt/s", out)
        self.assertRegex(out, r"flows \d+ \(max active")
        records = [json.loads(x) for x in
                   read(self.path("flows.json")).splitlines()]
        self.assertGreater(len(records), 10)
        # Nothing of it is left running.
        time.sleep(0.5)
        left = subprocess.run(["pgrep", "-af", self.dir],
                              capture_output=True, text=True).stdout
        self.assertEqual(left, "")

if __name__ == "__main__":
    unittest.main(verbosity=2)
