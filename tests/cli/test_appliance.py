#!/usr/bin/env python3
"""The appliance as an operator meets it.

- make install into a tree (PREFIX, SYSCONFDIR, LOCALSTATEDIR inside it),
  then the installed programs run from there with the installed
  configuration; a second install keeps a configuration the operator
  changed;
- systemd-analyze verify passes on every installed unit;
- a daemon started as root gives up root and every capability once its
  capture is open (uid, gid and capability sets read from /proc), and
  still captures (a veth pair between two namespaces the test makes);
- a backup restored gives the same store, configuration and RRDs;
- make deb builds a package with the programs, the units, the
  configuration as conffiles and maintainer scripts that make the user.

Binaries from ZW_COLLECTOR and ZW_ZWCTL; install and deb use the
release build (make install needs it: make check builds it first).
"""
import csv
import grp
import hashlib
import json
import os
import pwd
import re
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
from command import COLLECTOR, ZWCTL  # noqa: E402

DAEMONS = ("collector", "poller", "webui", "agentx")
# Reads a file's first block, as an account trying it would.
READ = ("dd", "of=/dev/null", "count=1", "status=none")
# The audit head of tests/stores/v6 (see its README).
V6_HEAD = ("4:19c2b2c8d33cf1f79892f2735a25c14652432705ffead7c11927c53de"
                "4591e46")



def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def make(*args, **kw):
    return run(["make", "--no-print-directory", "-C", ROOT, *args], **kw)


def own_demo(d):
    """The demo configuration and its signatures copied into d, with
    their modes made as an install makes them: a restore writes the
    configuration's files back, and must not write the checkout's; the
    user a daemon becomes reads them, and may not reach the checkout."""
    for sub in ("conf", "signatures"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(d, sub))
        os.chmod(os.path.join(d, sub), 0o755)
        for f in os.listdir(os.path.join(d, sub)):
            os.chmod(os.path.join(d, sub, f), 0o644)
    return os.path.join(d, "conf", "zonewatch.conf")


class Build(unittest.TestCase):

    def test_check_selects_the_sanitizer_build(self):
        """make BUILD=check builds every program with AddressSanitizer
        and UndefinedBehaviorSanitizer, into build/check."""
        r = make("-n", "-B", "BUILD=check")
        self.assertEqual(r.returncode, 0, r.stderr)
        for prog in ("zw-collector", "zw-poller", "zw-webui", "zw-agentx",
                     "zwctl"):
            link = [ln for ln in r.stdout.splitlines()
                    if f"-o build/check/{prog} " in ln]
            self.assertEqual(len(link), 1, prog)
            self.assertIn("-fsanitize=address,undefined", link[0], prog)


class Install(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="zw-install-")
        # The daemons' account must reach the installed tree, as it
        # reaches /usr, /etc and /var.
        os.chmod(cls.dir, 0o755)
        d = cls.dir
        # As root, the install makes accounts of the test's own for the
        # daemons, as a real one makes zw-collector and the others, and
        # gives them their directories and the configuration's group;
        # otherwise the daemons' account is the one running the test.
        n = os.getpid() % 100000
        if os.geteuid() == 0:
            cls.group, cls.prefix, create = f"zwi{n}", f"zwi{n}-", "yes"
        else:
            cls.group = grp.getgrgid(os.getegid()).gr_name
            cls.prefix, create = f"zwi{n}-", "no"
        cls.vars = [f"PREFIX={d}/usr", f"SYSCONFDIR={d}/etc",
                    f"LOCALSTATEDIR={d}/var",
                    f"SYSTEMDDIR={d}/lib/systemd/system",
                    f"TMPFILESDIR={d}/usr/lib/tmpfiles.d",
                    f"CREATE_USER={create}", f"DAEMON_PREFIX={cls.prefix}",
                    f"DAEMON_GROUP={cls.group}", "DESTDIR="]
        r = make("install", *cls.vars)
        assert r.returncode == 0, r.stdout + r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)
        if os.geteuid() == 0:
            for dm in DAEMONS:
                run(["userdel", cls.prefix + dm])
            run(["groupdel", cls.group])

    def account(self, daemon):
        return pwd.getpwnam(self.prefix + daemon)

    def test_layout(self):
        d = self.dir
        for f in ("usr/sbin/zw-collector", "usr/sbin/zw-poller",
                  "usr/sbin/zw-webui", "usr/sbin/zw-agentx", "usr/sbin/zwctl",
                  "usr/share/man/man8/zwctl.8",
                  "usr/share/man/man8/zw-webui.8",
                  "usr/share/man/man8/zw-poller.8",
                  "usr/share/zonewatch/signatures/isolation.rules",
                  "etc/zonewatch/zonewatch.conf", "etc/zonewatch/sites.conf",
                  "etc/default/zonewatch",
                  "usr/lib/tmpfiles.d/zonewatch.conf",
                  "lib/systemd/system/zonewatch-collector.service",
                  "lib/systemd/system/zonewatch-reports.timer"):
            self.assertTrue(os.path.exists(os.path.join(d, f)), f)
        with open(os.path.join(d, "etc/zonewatch/zonewatch.conf")) as fp:
            conf = fp.read()
        self.assertIn(f'rules "{d}/usr/share/zonewatch/signatures/'
                      'isolation.rules"', conf)
        for dm in DAEMONS:
            self.assertIn(f"\n{dm}-user {self.prefix}{dm}\n", conf)
        for dm, unit in (("collector", "collector"), ("poller", "poller"),
                         ("webui", "webui"), ("agentx", "agentx"),
                         ("webui", "reports")):
            with open(os.path.join(d, "lib/systemd/system/"
                                   f"zonewatch-{unit}.service")) as fp:
                self.assertIn(f"\nUser={self.prefix}{dm}\nGroup="
                              f"{self.group}\n", fp.read(), unit)
        with open(os.path.join(d, "usr/lib/tmpfiles.d/zonewatch.conf")) as fp:
            self.assertIn(f"d /run/zonewatch 1770 root {self.group} -",
                          fp.read())
        state = os.path.join(d, "var/lib/zonewatch")
        if os.geteuid() != 0:
            self.assertEqual(os.stat(state).st_mode & 0o7777, 0o750)
            return
        gid = grp.getgrnam(self.group).gr_gid
        # Who owns what: each daemon its directory, the web UI's account
        # the administrators'; the state itself root's, the group's to
        # add to (sticky: none removes another's).
        for sub, owner, mode in (("", "root", 0o1770),
                                 ("rrd", "collector", 0o1770),
                                 ("admin", "webui", 0o750),
                                 ("reports", "webui", 0o750),
                                 ("collector", "collector", 0o700),
                                 ("poller", "poller", 0o700),
                                 ("agentx", "agentx", 0o700)):
            st = os.stat(os.path.join(state, sub))
            uid = 0 if owner == "root" else self.account(owner).pw_uid
            self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o7777),
                             (uid, gid, mode), sub)
        for dm in DAEMONS:
            self.assertEqual(self.account(dm).pw_gid, gid)
        st = os.stat(os.path.join(d, "etc/zonewatch/zonewatch.conf"))
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777),
                         (0, gid, 0o640))

    def as_account(self, daemon, *cmd):
        pw = self.account(daemon)
        return run(["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
                    "--init-groups", *cmd])

    def test_daemons_carry_no_administrators_code(self):
        """The collector, the poller and the subagent are linked without
        libadmin: a bug in them has no code at hand to open the
        administrators' store or write the trail."""
        for prog in ("zw-collector", "zw-poller", "zw-agentx", "zw-webui"):
            r = run(["nm", os.path.join(self.dir, "usr/sbin", prog)])
            self.assertEqual(r.returncode, 0, r.stderr)
            defined = {ln.split()[-1] for ln in r.stdout.splitlines()
                       if " T " in ln}
            admin = {f for f in ("store_admin_open", "audit_append",
                                 "users_add", "users_login") if f in defined}
            self.assertEqual(admin, set() if prog != "zw-webui" else
                             {"store_admin_open", "audit_append",
                              "users_add", "users_login"}, prog)

    @unittest.skipUnless(os.geteuid() == 0, "needs root (the accounts)")
    def test_collector_cannot_open_the_administrators_store(self):
        """The packet parser's account writes the event store and
        cannot read the administrators' store, the audit key or the
        report key; the web UI's account can."""
        d = self.dir
        conf = os.path.join(d, "etc/zonewatch/zonewatch.conf")
        state = os.path.join(d, "var/lib/zonewatch")
        zwctl = os.path.join(d, "usr/sbin/zwctl")
        # The key where the default puts it, in this tree's state.
        with open(conf, "a") as fp:
            fp.write(f'report-key "{state}/admin/report-key.pem"\n')
        r = run([zwctl, "-c", conf, "user", "add", "owner", "--role",
                 "sysadmin", "--password-stdin"], input="Zonewatch-2026!\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([zwctl, "-c", conf, "report", "key"])
        self.assertEqual(r.returncode, 0, r.stderr)
        # Root's collector reading a file becomes the collector's account.
        status = os.path.join(state, "status.json")
        r = run([os.path.join(d, "usr/sbin/zw-collector"), "-q", "--config",
                 conf, "--store", os.path.join(state, "events.db"),
                 "--status", status, "-r",
                 os.path.join(ROOT, "tests/pcap/ndpi/tor.pcap")])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(os.path.join(state, "events.db")).st_uid,
                         self.account("collector").pw_uid)
        # Its status is for the web UI and the subagent to read.
        self.assertEqual(os.stat(status).st_uid,
                         self.account("collector").pw_uid)
        for dm in ("webui", "agentx"):
            r = self.as_account(dm, *READ, f"if={status}")
            self.assertEqual(r.returncode, 0, (dm, r.stderr))
        secrets = [os.path.join(state, "admin", f) for f in
                   ("admin.db", "audit.key", "report-key.pem")]
        for f in secrets:
            self.assertEqual(os.stat(f).st_uid, self.account("webui").pw_uid,
                             f)
            for dm in ("collector", "poller", "agentx"):
                r = self.as_account(dm, *READ, f"if={f}")
                self.assertNotEqual(r.returncode, 0, (dm, f))
                self.assertIn("Permission denied", r.stderr)
            r = self.as_account("webui", *READ, f"if={f}")
            self.assertEqual(r.returncode, 0, (f, r.stderr))
        # The trail's head is published for the daemons that send it out.
        r = self.as_account("agentx", "cat", os.path.join(state, "admin",
                                                          "audit-head"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^\d+ [0-9a-f]{64}\n$")
        # The web UI's account reviews in the event store.
        r = self.as_account("webui", zwctl, "-c", conf, "violations",
                            "review", "1", "acknowledged", "--by", "sec")
        self.assertEqual(r.returncode, 0, r.stderr)

    @unittest.skipUnless(os.geteuid() == 0, "needs root (the accounts)")
    def test_upgrade_from_one_shared_account(self):
        """The state of a release whose daemons shared one account (here
        nobody), its store of schema 6 with the administrators in it
        (tests/stores/v6): the install gives each file its owner, the
        first open moves the administrators over, nothing is lost, and
        the collector's account can no longer read the audit key."""
        d = tempfile.mkdtemp(prefix="zw-upgrade-")
        self.addCleanup(shutil.rmtree, d, True)
        os.chmod(d, 0o755)
        state = os.path.join(d, "var/lib/zonewatch")
        os.makedirs(state)
        for f in ("events.db", "audit.key"):
            shutil.copy(os.path.join(ROOT, "tests/stores/v6", f), state)
        for top, dirs, files in os.walk(state):
            for f in dirs + files + [""]:
                os.chown(os.path.join(top, f), 65534, 65534)
        os.chmod(state, 0o750)
        os.chmod(os.path.join(state, "audit.key"), 0o600)
        r = make("install", *[v.replace(self.dir, d) for v in self.vars])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        col, web = self.account("collector"), self.account("webui")
        for f, owner, mode in (("events.db", col, 0o660),
                               ("audit.key", web, 0o600)):
            st = os.stat(os.path.join(state, f))
            self.assertEqual((st.st_uid, st.st_mode & 0o7777),
                             (owner.pw_uid, mode), f)
        conf = os.path.join(d, "etc/zonewatch/zonewatch.conf")
        zwctl = os.path.join(d, "usr/sbin/zwctl")
        # The web UI's account opens it first, as zw-webui at its start.
        r = self.as_account("webui", zwctl, "-c", conf, "user", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("active"), 3, r.stdout)
        self.assertNotIn("FORGED", r.stdout)
        r = self.as_account("webui", zwctl, "-c", conf, "audit", "verify",
                            "--anchor", V6_HEAD)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("holds the anchor", r.stdout)
        r = run([zwctl, "-c", conf, "violations", "list", "--format", "json"])
        self.assertEqual(len(r.stdout.splitlines()), 9, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(state, "audit.key")))
        for f in ("admin/admin.db", "admin/audit.key"):
            self.assertEqual(os.stat(os.path.join(state, f)).st_uid,
                             web.pw_uid, f)
            r = self.as_account("collector", *READ,
                                f"if={os.path.join(state, f)}")
            self.assertIn("Permission denied", r.stderr, f)

    def test_installed_programs_run(self):
        d = self.dir
        conf = os.path.join(d, "etc/zonewatch/zonewatch.conf")
        for prog, args in (("zw-collector", ["-n", "--config", conf]),
                           ("zw-poller", ["-n", "--config", conf]),
                           ("zw-webui", ["-n", "-c", conf]),
                           ("zw-agentx", ["-n", "-c", conf])):
            r = run([os.path.join(d, "usr/sbin", prog), *args])
            self.assertEqual((r.returncode, r.stdout),
                             (0, "configuration OK\n"), r.stderr)
        r = run([os.path.join(d, "usr/sbin/zwctl"), "version"])
        self.assertRegex(r.stdout, r"^zonewatch \d+\.\d+\.\d+, store schema")
        # A capture through the installed collector and configuration.
        out = os.path.join(d, "var/lib/zonewatch/flows.json")
        r = run([os.path.join(d, "usr/sbin/zw-collector"), "-q", "--config",
                 conf, "--flows-json", out, "--store",
                 os.path.join(d, "var/lib/zonewatch/events.db"), "-r",
                 os.path.join(ROOT, "tests/pcap/ndpi/tor.pcap")])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([os.path.join(d, "usr/sbin/zwctl"), "-c", conf,
                 "violations", "list", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip())

    @unittest.skipUnless(shutil.which("systemd-analyze"),
                         "needs systemd-analyze")
    def test_units_exposure(self):
        """systemd-analyze security: every service under 2.0."""
        units = os.path.join(self.dir, "lib/systemd/system")
        for u in sorted(os.listdir(units)):
            if not u.endswith(".service"):
                continue
            with self.subTest(unit=u):
                r = run(["systemd-analyze", "security", "--offline=true",
                         "--no-pager", os.path.join(units, u)])
                got = re.search(r"Overall exposure level for \S+: "
                                r"([\d.]+)", r.stdout + r.stderr)
                self.assertIsNotNone(got, r.stdout + r.stderr)
                self.assertLess(float(got.group(1)), 2.0, r.stdout)

    def test_upgrade_keeps_the_configuration(self):
        conf = os.path.join(self.dir, "etc/zonewatch/zonewatch.conf")
        with open(conf, "a") as fp:
            fp.write("\n# the operator's\nretention-days 365\n")
        r = make("install", *self.vars)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(conf) as fp:
            self.assertIn("retention-days 365", fp.read())

    @unittest.skipUnless(shutil.which("systemd-analyze"),
                         "needs systemd-analyze")
    def test_units_verify(self):
        units = os.path.join(self.dir, "lib/systemd/system")
        for u in sorted(os.listdir(units)):
            with self.subTest(unit=u):
                r = run(["systemd-analyze", "verify", "--man=no",
                         os.path.join(units, u)])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual((r.stdout + r.stderr).strip(), "")


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip"),
                     "needs root and ip(8)")
class PrivilegeDrop(unittest.TestCase):
    """Started as root, the collector keeps nothing once capturing."""

    def sh(self, *cmd):
        r = run(list(cmd))
        if r.returncode != 0:
            raise AssertionError(f"{cmd}: {r.stderr}")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-priv-")
        os.chmod(self.dir, 0o777)
        self.demo = own_demo(self.dir)
        tag = f"{os.getpid() % 100000}"
        self.a, self.b = f"zwpa{tag}", f"zwpb{tag}"
        self.addCleanup(run, ["ip", "netns", "del", self.a])
        self.addCleanup(run, ["ip", "netns", "del", self.b])
        self.sh("ip", "netns", "add", self.a)
        self.sh("ip", "netns", "add", self.b)
        self.sh("ip", "link", "add", "zwcap0", "netns", self.a, "type",
                "veth", "peer", "name", "zwcap1", "netns", self.b)
        for ns, dev, addr in ((self.a, "zwcap0", "169.254.88.1/30"),
                              (self.b, "zwcap1", "169.254.88.2/30")):
            self.sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
            self.sh("ip", "-n", ns, "link", "set", dev, "up")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_root_gives_way(self):
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f'include "{self.demo}"\nuser nobody\n'
                     f'store "{self.dir}/events.db"\n')
        status = os.path.join(self.dir, "status.json")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.a, COLLECTOR, "-i", "zwcap0",
             "--config", conf, "--status", status, "--status-interval", "1",
             "--no-rrd"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            # ip netns exec execs the collector: the same process.
            pid = proc.pid
            for _ in range(100):
                time.sleep(0.1)
                if os.path.exists(status):
                    break
            self.assertTrue(os.path.exists(status), "no status written")
            run(["ip", "netns", "exec", self.b, "ping", "-c", "5", "-i",
                 "0.2", "169.254.88.1"])
            time.sleep(1.5)
            with open(f"/proc/{pid}/status") as fp:
                st = dict(line.split(":", 1) for line in fp)
            self.assertEqual(st["Uid"].split(), ["65534"] * 4)
            self.assertEqual(st["Gid"].split(), ["65534"] * 4)
            for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
                self.assertEqual(int(st[cap], 16), 0, cap)
            self.assertEqual(st["NoNewPrivs"].strip(), "1")
            # Every thread: a filter binds only the thread that lays it.
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/status") as fp:
                    ts = dict(line.split(":", 1) for line in fp)
                self.assertEqual(ts["Seccomp"].strip(), "2", tid)
            with open(f"/proc/{pid}/status") as fp:
                groups = [ln for ln in fp if ln.startswith("Groups:")][0]
            self.assertEqual(groups.split()[1:], ["65534"])
            with open(status) as fp:
                self.assertGreaterEqual(json.load(fp)["decode"]["packets"],
                                        10)
        finally:
            proc.terminate()
            proc.wait(30)


    def test_reading_files_as_root_gives_way(self):
        """-r as root: the capture is opened as root, the rest is done as
        the configuration's user (tcpdump's -Z)."""
        secret = os.path.join(self.dir, "root-only")
        os.mkdir(secret, 0o700)
        cap = os.path.join(secret, "c.pcap")
        w = pg.PcapWriter(cap)
        for i in range(10):
            w.add(1700000000 + i, pg.frame("10.36.17.5", "1.2.3.4", pg.UDP,
                                           pg.udp(40000, 53, b"q" * 60)))
        w.close()
        os.chmod(cap, 0o600)
        conf = os.path.join(self.dir, "zw.conf")
        with open(conf, "w") as fp:
            fp.write(f'include "{self.demo}"\nuser nobody\n')
        out = os.path.join(self.dir, "flows.csv")
        r = run([COLLECTOR, "-q", "--config", conf, "--no-rrd", "-r", cap,
                 "-r", cap, "--flows-csv", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        st = os.stat(out)
        self.assertEqual((st.st_uid, st.st_gid), (65534, 65534))
        with open(out) as fp:
            rows = list(csv.DictReader(fp))
        # One flow of both readings: the descriptor was read twice.
        self.assertEqual([r["packets"] for r in rows], ["20"])
        # Where the user may not write, nothing is written as root.
        locked = os.path.join(secret, "flows.csv")
        r = run([COLLECTOR, "-q", "--config", conf, "--no-rrd", "-r", cap,
                 "--flows-csv", locked])
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(locked))


@unittest.skipUnless(os.geteuid() == 0, "needs root")
class PlantedLinks(unittest.TestCase):
    """The daemons' account plants links in its own directory; root's
    zwctl writes there and must touch nothing outside."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-links-")
        os.chmod(self.dir, 0o755)
        self.state = os.path.join(self.dir, "state")
        os.mkdir(self.state)
        os.chown(self.state, 65534, 65534)
        self.victim = os.path.join(self.dir, "victim")
        with open(self.victim, "w") as fp:
            fp.write("root's own\n")
        self.conf = os.path.join(self.dir, "zw.conf")
        demo = own_demo(self.dir)
        with open(self.conf, "w") as fp:
            fp.write(f'include "{demo}"\nstore "{self.state}/events.db"\n'
                     f'report-key "{self.dir}/key.pem"\n'
                     f'report-dir "{self.state}/reports"\n')
        r = run([ZWCTL, "-c", self.conf, "-s", os.path.join(
            self.dir, "events.db"), "user", "add", "aud", "--role",
            "auditadmin", "--password-stdin"], input="Zonewatch-2026!\n")
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def plant(self, name, target=None):
        """A link made as nobody, the daemons' stand-in."""
        r = run(["setpriv", "--reuid=65534", "--regid=65534",
                 "--clear-groups", "ln", "-s", target or self.victim,
                 os.path.join(self.state, name)])
        self.assertEqual(r.returncode, 0, r.stderr)

    def untouched(self):
        with open(self.victim) as fp:
            self.assertEqual(fp.read(), "root's own\n")
        st = os.stat(self.victim)
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (0, 0o644))

    def test_signature_link(self):
        out = os.path.join(self.state, "r.csv")
        self.plant("r.csv.sig")
        r = run([ZWCTL, "-c", self.conf, "-s", os.path.join(
            self.dir, "events.db"), "report", "audit", "--since",
            "2026-11-01", "--until", "2026-11-02", "--format", "csv",
            "--output", out])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic links", r.stderr)
        self.untouched()

    def test_report_link(self):
        self.plant("r.csv")
        r = run([ZWCTL, "-c", self.conf, "-s", os.path.join(
            self.dir, "events.db"), "report", "audit", "--since",
            "2026-11-01", "--until", "2026-11-02", "--format", "csv",
            "--output", os.path.join(self.state, "r.csv")])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic links", r.stderr)
        self.untouched()

    def test_store_link(self):
        self.plant("events.db")
        r = run([ZWCTL, "-c", self.conf, "violations", "review", "1",
                 "acknowledged", "--by", "sec"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic link", r.stderr)
        self.untouched()

    def test_admin_store_link(self):
        """The administrators' directory, where root's zwctl makes the
        accounts, planted as a link to a directory outside."""
        outside = os.path.join(self.dir, "outside")
        os.mkdir(outside)
        self.plant("admin", outside)
        r = run([ZWCTL, "-c", self.conf, "user", "add", "admin", "--role",
                 "sysadmin", "--password-stdin"], input="Zonewatch-2026!\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic links", r.stderr)
        self.assertEqual(os.listdir(outside), [])
        self.untouched()

    def test_directory_link(self):
        """A directory on the way swapped for a link: not followed."""
        outside = os.path.join(self.dir, "outside")
        os.mkdir(outside)
        self.plant("reports", outside)
        r = run([ZWCTL, "-c", self.conf, "-s", os.path.join(
            self.dir, "events.db"), "report", "audit", "--since",
            "2026-11-01", "--until", "2026-11-02", "--format", "csv",
            "--output", os.path.join(self.state, "reports", "r.csv")])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("symbolic links", r.stderr)
        self.assertEqual(os.listdir(outside), [])


class BackupRestore(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-backup-")
        d = self.dir
        self.conf = os.path.join(d, "zw.conf")
        demo = own_demo(d)
        with open(self.conf, "w") as fp:
            fp.write(f'include "{demo}"\nstore "{d}/events.db"\n'
                     f'rrd-dir "{d}/rrd"\nreport-key "{d}/key.pem"\n')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def replay(self, t0, n):
        cap = os.path.join(self.dir, f"c{t0}.pcap")
        w = pg.PcapWriter(cap)
        for i in range(n):
            w.add(t0 + i * 0.5, pg.frame("10.36.17.%d" % (5 + i % 3),
                                         "1.2.3.4", pg.UDP,
                                         pg.udp(40000 + i, 53, b"q" * 60)))
        w.close()
        r = run([COLLECTOR, "-q", "--config", self.conf, "--rrd-dir",
                 os.path.join(self.dir, "rrd"), "--store",
                 os.path.join(self.dir, "events.db"), "-r", cap])
        self.assertEqual(r.returncode, 0, r.stderr)

    def snapshot(self):
        db = sqlite3.connect(os.path.join(self.dir, "events.db"))
        rows = db.execute("SELECT id, rule, src_ip, flows, state FROM"
                          " violations ORDER BY id").fetchall()
        db.close()
        rrds = {}
        for top, _, files in os.walk(os.path.join(self.dir, "rrd")):
            for f in files:
                with open(os.path.join(top, f), "rb") as fp:
                    rrds[f] = fp.read()
        with open(self.conf) as fp:
            return rows, rrds, fp.read()

    def test_backup_then_restore(self):
        self.replay(1767225600, 600)
        r = run([ZWCTL, "-c", self.conf, "report", "key"])
        self.assertEqual(r.returncode, 0, r.stderr)
        before = self.snapshot()
        self.assertTrue(before[0] and before[1])
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^\d+ files backed up")
        # Life goes on: more records, a review, a changed configuration.
        self.replay(1767230000, 600)
        r = run([ZWCTL, "-c", self.conf, "violations", "review", "1",
                 "acknowledged", "--by", "sec"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.conf, "a") as fp:
            fp.write("retention-days 400\n")
        self.assertNotEqual(self.snapshot(), before)
        r = run([ZWCTL, "-c", self.conf, "restore", bk])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.snapshot(), before)
        # The backup and the restore are both in the audit trail, which
        # the restore kept as it was (no --users).
        db = sqlite3.connect(os.path.join(self.dir, "admin", "admin.db"))
        acts = [a for (a,) in db.execute("SELECT action FROM audit")]
        db.close()
        self.assertIn("restore", acts)
        with open(os.path.join(bk, "MANIFEST")) as fp:
            self.assertIn("/signatures/protos.txt", fp.read())

    def resign(self, bk):
        """The manifest signed again with the appliance's own key: what
        the checks after the signature must hold against on their own."""
        r = run(["openssl", "dgst", "-sm3", "-sign",
                 os.path.join(self.dir, "key.pem"), "-out",
                 os.path.join(bk, "MANIFEST.sig"),
                 os.path.join(bk, "MANIFEST")])
        self.assertEqual(r.returncode, 0, r.stderr)

    def manifest(self, bk, text=None):
        path = os.path.join(bk, "MANIFEST")
        if text is None:
            with open(path) as fp:
                return fp.read()
        with open(path, "w") as fp:
            fp.write(text)

    def with_end(self, lines):
        """A manifest's items with the end line it should have."""
        body = "".join(lines)
        n = sum(1 for ln in lines if not ln.startswith(("#", "zonewatch")))
        return body + "end\t%d\t%s\n" % (
            n, hashlib.sha256(body.encode()).hexdigest())

    def restore_refused(self, bk, why, *extra):
        with open(self.conf) as fp:
            conf = fp.read()
        r = run([ZWCTL, "-c", self.conf, "restore", bk, *extra])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(why, r.stderr)
        with open(self.conf) as fp:
            self.assertEqual(fp.read(), conf)
        return r

    def test_backup_from_before_the_split(self):
        """A backup whose event store still holds the administrators
        (schema 6, tests/stores/v6): restored without --users, they are
        dropped there and the running accounts stay as they are."""
        self.replay(1767225600, 20)
        r = run([ZWCTL, "-c", self.conf, "user", "add", "now", "--role",
                 "auditadmin", "--password-stdin"], input="Zonewatch-2026!\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        old = os.path.join(bk, "events.db")
        shutil.copy(os.path.join(ROOT, "tests/stores/v6/events.db"), old)
        with open(old, "rb") as fp:
            data = fp.read()
        lines = [ln + "\n" for ln in self.manifest(bk).splitlines()
                 if not ln.startswith("end\t")]
        for i, ln in enumerate(lines):
            f = ln.rstrip("\n").split("\t")
            if f[0] == "store":
                f[2], f[3] = str(len(data)), hashlib.sha256(data).hexdigest()
                lines[i] = "\t".join(f) + "\n"
        self.manifest(bk, self.with_end(lines))
        self.resign(bk)
        r = run([ZWCTL, "-c", self.conf, "restore", bk])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        db = sqlite3.connect(os.path.join(self.dir, "events.db"))
        tables = {n for (n,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        n = db.execute("SELECT count(*) FROM violations").fetchone()[0]
        db.close()
        self.assertEqual(n, 9)
        self.assertFalse(tables & {"users", "audit", "reviews"}, tables)
        r = run([ZWCTL, "-c", self.conf, "user", "list"])
        self.assertRegex(r.stdout, r"now +auditadmin +active")
        self.assertNotIn("sec ", r.stdout)
        r = run([ZWCTL, "-c", self.conf, "audit", "verify"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_refused_while_this_appliance_runs(self):
        """A daemon of this appliance holds its store: restore refuses,
        naming it. A collector of another appliance (its own store),
        running all the while, is not this one's and blocks nothing."""
        self.replay(1767225600, 50)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        other = tempfile.mkdtemp(prefix="zw-other-")
        self.addCleanup(shutil.rmtree, other, True)
        cap = os.path.join(self.dir, "c1767225600.pcap")
        stranger = subprocess.Popen(
            [COLLECTOR, "-q", "--config", self.conf, "--store",
             os.path.join(other, "events.db"), "--no-rrd", "--loop", "0",
             "--speed", "1", "-r", cap], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.addCleanup(stranger.wait)
        self.addCleanup(stranger.kill)
        for _ in range(100):
            if os.path.exists(os.path.join(other, "events.db")):
                break
            time.sleep(0.05)
        self.assertIsNone(stranger.poll())
        r = run([ZWCTL, "-c", self.conf, "restore", bk])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The store held, as a daemon holds it: refused, by name and pid.
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys, time; "
             "db = sqlite3.connect(sys.argv[1]); "
             "db.execute('SELECT count(*) FROM violations').fetchall(); "
             "print('open', flush=True); time.sleep(60)",
             os.path.join(self.dir, "events.db")], stdout=subprocess.PIPE,
            text=True)
        self.addCleanup(holder.wait)
        self.addCleanup(holder.kill)
        self.assertEqual(holder.stdout.readline(), "open\n")
        r = self.restore_refused(bk, "has ")
        self.assertIn(f"(pid {holder.pid}) has {self.dir}/events.db open",
                      r.stderr)
        self.assertIsNone(stranger.poll())

    def test_changed_byte_refuses_the_whole_backup(self):
        self.replay(1767225600, 50)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.conf, "a") as fp:
            fp.write("retention-days 400\n")
        good = self.manifest(bk)
        self.manifest(bk, good.replace("events.db", "events.dc", 1))
        self.restore_refused(bk, "signature does not verify")
        self.manifest(bk, good)
        conf = os.path.join(bk, "etc", "0-zw.conf")
        with open(conf, "rb") as fp:
            data = bytearray(fp.read())
        data[0] ^= 1
        with open(conf, "wb") as fp:
            fp.write(data)
        self.restore_refused(bk, "etc/0-zw.conf was changed")
        # A manifest of another key is not this appliance's.
        os.rename(os.path.join(self.dir, "key.pem"),
                  os.path.join(self.dir, "key.old"))
        run([ZWCTL, "-c", self.conf, "report", "key"])
        data[0] ^= 1
        with open(conf, "wb") as fp:
            fp.write(data)
        self.restore_refused(bk, "signature does not verify")

    def test_audit_key_goes_with_the_accounts(self):
        """The store's key hashed the backup's trail and sealed its
        accounts: on a new appliance, --keys --users bring back a trail
        that verifies and accounts that are not forged; --keys alone
        over accounts kept from now is refused."""
        self.replay(1767225600, 20)
        r = run([ZWCTL, "-c", self.conf, "user", "add", "aud", "--role",
                 "auditadmin", "--password-stdin"], input="Zonewatch-2026!\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("key\tkeys/audit.key\t32\t", self.manifest(bk))
        with open(self.conf) as fp:
            conf = fp.read()
        r = run([ZWCTL, "-c", self.conf, "restore", bk, "--keys"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("restore both (--keys --users) or neither", r.stderr)
        with open(self.conf) as fp:
            self.assertEqual(fp.read(), conf)
        # A new appliance: no stores, no key.
        os.unlink(os.path.join(self.dir, "events.db"))
        shutil.rmtree(os.path.join(self.dir, "admin"))
        r = run([ZWCTL, "-c", self.conf, "restore", bk, "--keys",
                 "--users"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        st = os.stat(os.path.join(self.dir, "admin", "audit.key"))
        self.assertEqual(st.st_mode & 0o7777, 0o600)
        r = run([ZWCTL, "-c", self.conf, "audit", "verify"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = run([ZWCTL, "-c", self.conf, "user", "list"])
        self.assertRegex(r.stdout, r"aud +auditadmin +active")

    def test_crafted_backup_writes_nothing_outside(self):
        """A backup whose configuration points rrd-dir at a cron
        directory and holds a setuid file, signed as the appliance would:
        places come from the running configuration, modes are set."""
        self.replay(1767225600, 50)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        outside = tempfile.mkdtemp(prefix="zw-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        cron = os.path.join(outside, "cron.d")
        conf = os.path.join(bk, "etc", "0-zw.conf")
        with open(conf, "a") as fp:
            fp.write(f'rrd-dir "{cron}"\nwebui-key "{outside}/k"\n')
        evil = os.path.join(bk, "rrd", "evil")
        os.makedirs(os.path.dirname(evil), exist_ok=True)
        with open(evil, "w") as fp:
            fp.write("* * * * * root id > /tmp/owned\n")
        os.chmod(evil, 0o4755)
        lines = [ln + "\n" for ln in self.manifest(bk).splitlines()
                 if not ln.startswith("end\t")]
        for i, ln in enumerate(lines):
            f = ln.rstrip("\n").split("\t")
            if f[0] == "config" and f[1] == "etc/0-zw.conf":
                with open(conf, "rb") as fp:
                    data = fp.read()
                f[2], f[3] = str(len(data)), hashlib.sha256(data).hexdigest()
                lines[i] = "\t".join(f) + "\n"
        with open(evil, "rb") as fp:
            data = fp.read()
        lines.append(f"rrd\trrd/evil\t{len(data)}\t"
                     f"{hashlib.sha256(data).hexdigest()}\t{cron}/evil\n")
        self.manifest(bk, self.with_end(lines))
        self.resign(bk)
        # The keys with the accounts they go with (the audit key).
        r = run([ZWCTL, "-c", self.conf, "restore", bk, "--keys",
                 "--users"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(os.listdir(outside), [])
        placed = os.path.join(self.dir, "rrd", "evil")
        self.assertEqual(os.stat(placed).st_mode & 0o7777, 0o640)
        for top, dirs, files in os.walk(self.dir):
            if top == self.dir:
                dirs.remove("backup")     # the crafted one, as it came
            for f in files:
                mode = os.lstat(os.path.join(top, f)).st_mode
                self.assertEqual(mode & 0o7000, 0, os.path.join(top, f))

    def test_manifest_lines_checked_after_the_signature(self):
        """Even signed, a manifest that names a place outside or is
        malformed is refused with its file and line, nothing written."""
        self.replay(1767225600, 50)
        bk = os.path.join(self.dir, "backup")
        r = run([ZWCTL, "-c", self.conf, "backup", bk])
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = os.path.join(bk, "MANIFEST")
        lines = [ln + "\n" for ln in self.manifest(bk).splitlines()
                 if not ln.startswith("end\t")]
        with open(os.path.join(bk, "etc", "0-zw.conf"), "rb") as fp:
            data = fp.read()
        sha = hashlib.sha256(data).hexdigest()
        outside = tempfile.mkdtemp(prefix="zw-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        evil = os.path.join(outside, "evil.conf")
        size = len(data)
        cases = {
            "a place outside": (f"config\tetc/0-zw.conf\t{size}\t{sha}\t"
                                f"{evil}\n", "is not a file of this "
                                "appliance's configuration"),
            "a name climbing out": (f"rrd\trrd/../../etc/0-zw.conf\t{size}"
                                    f"\t{sha}\t{evil}\n",
                                    "not a plain relative"),
            "an unknown kind": (f"script\tetc/0-zw.conf\t{size}\t{sha}\t"
                                f"{evil}\n", "unknown kind"),
            "two fields": ("config\tetc/0-zw.conf\n", "five fields"),
            "a relative original": (f"config\tetc/0-zw.conf\t{size}\t"
                                    f"{sha}\tzw.conf\n",
                                    "not an absolute path"),
            "a file not in the backup": (f"rrd\trrd/none.rrd\t{size}\t"
                                         f"{sha}\t{evil}\n",
                                         "not a regular file of the backup"),
        }
        for what, (line, why) in cases.items():
            with self.subTest(what):
                self.manifest(bk, self.with_end(lines + [line]))
                self.resign(bk)
                self.restore_refused(bk, why)
                self.assertFalse(os.path.exists(evil))
                r = run([ZWCTL, "-c", self.conf, "restore", bk])
                self.assertIn(f"{manifest}:{len(lines) + 1}:", r.stderr)
        # Cut short, or counted wrong: refused in words.
        self.manifest(bk, "".join(lines))
        self.resign(bk)
        self.restore_refused(bk, "cut short")
        self.manifest(bk, self.with_end(lines).replace(
            "end\t%d" % (len(lines) - 2), "end\t%d" % (len(lines) + 5)))
        self.resign(bk)
        self.restore_refused(bk, "count of files does not match")

    def test_killed_backup_is_never_restored(self):
        """A backup killed at any point leaves no backup of its name, or
        a whole one; restore refuses anything else, in words."""
        import random
        self.replay(1767225600, 50)
        rrd = os.path.join(self.dir, "rrd", "bulk")
        os.makedirs(rrd)
        for i in range(1500):
            with open(os.path.join(rrd, f"p{i}.rrd"), "wb") as fp:
                fp.write(os.urandom(2048))
        rng = random.Random(7)
        whole = refused = 0
        for k in range(20):
            bk = os.path.join(self.dir, f"b{k}")
            p = subprocess.Popen([ZWCTL, "-c", self.conf, "backup", bk],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 1.5))
            p.kill()
            p.wait()
            r = run([ZWCTL, "-c", self.conf, "restore", bk])
            if os.path.isdir(bk):
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                whole += 1
            else:
                self.assertEqual(r.returncode, 1)
                self.assertIn(bk, r.stderr)
                refused += 1
            # What a killed backup left is refused too.
            for left in os.listdir(self.dir):
                if left.startswith(f"b{k}.tmp."):
                    r = run([ZWCTL, "-c", self.conf, "restore",
                             os.path.join(self.dir, left)])
                    self.assertEqual(r.returncode, 1)
                    self.assertTrue("signature" in r.stderr or
                                    "MANIFEST" in r.stderr, r.stderr)
        self.assertGreater(refused, 0)


class Package(unittest.TestCase):
    @unittest.skipUnless(shutil.which("dpkg-deb"), "needs dpkg-deb")
    def test_deb(self):
        out = tempfile.mkdtemp(prefix="zw-deb-")
        try:
            r = make("deb", f"DEB_DIR={out}")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            debs = [f for f in os.listdir(out) if f.endswith(".deb")]
            self.assertEqual(len(debs), 1)
            deb = os.path.join(out, debs[0])
            info = run(["dpkg-deb", "--info", deb]).stdout
            for want in ("Package: zonewatch", "Depends:", "libndpi",
                         "postinst", "prerm", "postrm", "conffiles"):
                self.assertIn(want, info)
            files = run(["dpkg-deb", "--contents", deb]).stdout
            for want in ("./usr/sbin/zw-collector", "./usr/sbin/zw-webui",
                         "./etc/zonewatch/zonewatch.conf",
                         "./lib/systemd/system/zonewatch-webui.service",
                         "./usr/share/snmp/mibs/ZONEWATCH-MIB.txt",
                         "./usr/share/doc/zonewatch/copyright"):
                self.assertIn(want, files)
            ctl = os.path.join(out, "control")
            run(["dpkg-deb", "--control", deb, ctl])
            with open(os.path.join(ctl, "conffiles")) as fp:
                self.assertIn("/etc/zonewatch/zonewatch.conf", fp.read())
            for script in ("postinst", "prerm", "postrm"):
                r = run(["sh", "-n", os.path.join(ctl, script)])
                self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    @unittest.skipUnless(shutil.which("debootstrap") and os.geteuid() == 0
                         and os.environ.get("ZW_TEST_CLEAN_ROOT", "1") ==
                         "1", "needs debootstrap, root and the mirror")
    def test_install_and_remove_in_a_clean_debian(self):
        """In a Debian 12 root made by debootstrap: apt installs the
        package with its dependencies, the programs run, the first
        administrator is made at the console, remove keeps the data,
        purge takes it and the user."""
        work = tempfile.mkdtemp(prefix="zw-root-")
        try:
            r = make("deb", f"DEB_DIR={work}")
            self.assertEqual(r.returncode, 0, r.stderr)
            deb = [f for f in os.listdir(work) if f.endswith(".deb")][0]
            root = os.path.join(work, "root")
            r = run(["debootstrap", "--variant=minbase", "bookworm", root,
                     "http://deb.debian.org/debian"], timeout=900)
            if r.returncode != 0:
                self.skipTest("debootstrap: " + r.stderr[-300:])
            shutil.copy(os.path.join(work, deb), os.path.join(root, "tmp"))

            def inside(script, ok=True):
                r = run(["chroot", root, "sh", "-c", script], timeout=900,
                        env=dict(os.environ, DEBIAN_FRONTEND=
                                 "noninteractive"))
                if ok:
                    self.assertEqual(r.returncode, 0, r.stdout[-2000:] +
                                     r.stderr[-2000:])
                return r
            inside("apt-get update -qq && apt-get install -y -qq "
                   f"/tmp/{deb}")
            r = inside("getent passwd zw-collector zw-poller zw-webui "
                       "zw-agentx; stat -c '%U %G %a' /var/lib/zonewatch "
                       "/var/lib/zonewatch/admin; zw-collector -n --config "
                       "/etc/zonewatch/zonewatch.conf; zwctl version")
            for dm in DAEMONS:
                self.assertIn(f"zw-{dm}:", r.stdout)
            self.assertIn("root zonewatch 1770", r.stdout)
            self.assertIn("zw-webui zonewatch 750", r.stdout)
            self.assertIn("configuration OK", r.stdout)
            r = inside("echo Zonewatch-2026! | zwctl user add admin --role "
                       "sysadmin --password-stdin && stat -c %U "
                       "/var/lib/zonewatch/admin /var/lib/zonewatch/admin/"
                       "admin.db")
            self.assertEqual(r.stdout.split()[-2:], ["zw-webui"] * 2)
            inside("dpkg -r zonewatch")
            r = inside("ls /usr/sbin/zw-collector; ls /var/lib/zonewatch",
                       ok=False)
            self.assertIn("No such file", r.stderr)
            self.assertIn("admin", r.stdout)
            inside("dpkg -P zonewatch")
            r = inside("getent passwd zw-collector zw-webui; getent group "
                       "zonewatch; ls /var/lib/zonewatch /etc/zonewatch",
                       ok=False)
            self.assertNotIn("zw-", r.stdout)
            self.assertNotIn("zonewatch:", r.stdout)
            self.assertEqual(r.stderr.count("No such file"), 2)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
