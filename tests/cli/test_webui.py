#!/usr/bin/env python3
"""zw-webui as its users and its attackers meet it, on 127.0.0.1.

The data is fed as on an appliance: a replayed capture through the
collector (violations with evidence, the status, site RRDs) and a switch
simulated by snmpsim polled once by zw-poller.  Then:

- the security table: every endpoint, for no session and for each of the
  four roles, answers as the role allows (200 or a redirect), refuses
  (403), or asks for a login (401, or 303 to /login);
- CSRF tokens are required; path traversal, oversized headers and bodies
  and malformed requests are refused; five wrong passwords lock an
  account; logins are rate-limited; TLS below 1.2 is refused (openssl
  s_client);
- the browser test (tests/browser/ui.mjs) runs in Debian's chromium with
  playwright-core: each role logs in and sees what was fed in, the
  security administrator acknowledges a violation and downloads its
  evidence, the audit administrator is refused that and sees it in the
  trail, the language switches; screenshots in tests/out/browser/.

Binaries from ZW_WEBUI, ZW_COLLECTOR, ZW_ZWCTL, ZW_POLLER.
"""
import base64
import hashlib
import hmac
import http.client
import json
import struct
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, HERE)
import pcapgen as pg  # noqa: E402
from test_poller import Snmpsim, SNMPSIMD  # noqa: E402
from command import COLLECTOR, DEMO, POLLER, WEBUI, ZWCTL  # noqa: E402

BROWSER = os.path.join(ROOT, "tests", "browser")
SHOTS = os.path.join(ROOT, "tests", "out", "browser")
CHROMIUM = "/usr/bin/chromium"

PASSWORD = "Zonewatch-2026!"
USERS = {"admin": "sysadmin", "sec": "secadmin", "aud": "auditadmin",
         "view": "viewer"}
EXTRANET = "10.36.17.5"
INTERNET = "1.2.3.4"

# librrd, drawn into reports: see test_report.py.
ENV = dict(os.environ, ASAN_OPTIONS=os.environ.get(
    "ASAN_OPTIONS", "detect_leaks=1") + ":fast_unwind_on_malloc=0")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, env=ENV,
                          **kw)


class Appliance:
    """A configuration, fed data, users, and zw-webui listening."""

    def __init__(self, login_rate=1000, idle=900, request_rate=None):
        self.dir = tempfile.mkdtemp(prefix="zw-webui-")
        self.port = free_port()
        self.snmp_port = free_port()
        # An IPFIX collector of the test's own, never read: the export's
        # figures reach the overview and /metrics.
        self.ipfix = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.ipfix.bind(("127.0.0.1", 0))
        d = self.dir
        self.conf = os.path.join(d, "zw.conf")
        with open(self.conf, "w") as fp:
            fp.write(f"""include "{DEMO}"
store "{d}/events.db"
rrd-dir "{d}/rrd"
status "{d}/status.json"
poller-status "{d}/poller.json"
report-dir "{d}/reports"
report-key "{d}/report-key.pem"
webui-cert "{d}/webui.crt"
webui-key "{d}/webui.key"
webui-listen "127.0.0.1:{self.port}"
webui-login-rate {login_rate}
webui-idle {idle}
{f"webui-request-rate {request_rate}" if request_rate else ""}
webui-metrics-token "prometheus-scrape-token"
ipfix "udp:127.0.0.1:{self.ipfix.getsockname()[1]}"
site test-uplink {{
	name-zh "测试县"
	level county
	parent fuzhou
	network 10.36.240.0/20
	bandwidth 1G
	uplink sw-nancheng GigabitEthernet0/0/1
}}
device sw-nancheng {{
	address 127.0.0.1
	port {self.snmp_port}
	community dynamic-demo
	timeout-ms 2000
}}
""")
        self.proc = None
        self.snmpsim = None

    def feed(self):
        d = self.dir
        cap = os.path.join(d, "c.pcap")
        w = pg.PcapWriter(cap)
        # Fifteen minutes ending five minutes ago, so that the day's trend
        # has whole 5-minute averages of them.
        t0 = int(time.time()) // 300 * 300 - 1200
        for i in range(9000):
            w.add(t0 + i * 0.1, pg.frame(EXTRANET, INTERNET, pg.UDP,
                                         pg.udp(40000, 53, b"q" * 100)))
        pg.tcp_session(w, t0 + 10, EXTRANET, 50000, INTERNET, 3128,
                       b"CONNECT example.org:443 HTTP/1.1\r\n"
                       b"Host: example.org:443\r\n\r\n",
                       b"HTTP/1.1 200 Connection established\r\n\r\n")
        w.close()
        r = run([COLLECTOR, "-q", "--config", self.conf, "--store",
                 f"{d}/events.db", "--status", f"{d}/status.json",
                 "--rrd-dir", f"{d}/rrd", "-r", cap,
                 "-r", os.path.join(ROOT, "tests", "pcap", "ndpi",
                                    "tor.pcap")])
        assert r.returncode == 0, r.stderr
        with open(f"{d}/status.json") as fp:
            self.status = json.load(fp)
        if SNMPSIMD:
            self.snmpsim = Snmpsim(port=self.snmp_port)
            # Two polls a second apart: the ports have rates.
            r = run([POLLER, "--config", self.conf, "--count", "2",
                     "--interval", "1", "--status", f"{d}/poller.json"])
            assert r.returncode == 0, r.stderr
        for name, role in USERS.items():
            r = run([ZWCTL, "-c", self.conf, "user", "add", name, "--role",
                     role, "--password-stdin"], input=PASSWORD + "\n")
            assert r.returncode == 0, r.stderr

    def start(self):
        self.log = open(os.path.join(self.dir, "webui.log"), "w")
        self.proc = subprocess.Popen([WEBUI, "-c", self.conf],
                                     stdout=self.log, stderr=self.log,
                                     env=ENV)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("zw-webui did not listen")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            rc = self.proc.wait(30)
            self.log.close()
            self.proc = None
            return rc
        return 0

    def close(self):
        self.stop()
        self.ipfix.close()
        if self.snmpsim is not None:
            self.snmpsim.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    """HTTPS to the appliance, with a cookie jar of one session."""

    def __init__(self, app, source=None):
        self.app = app
        self.source = (source, 0) if source else None
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.app.port,
                                        context=self.ctx, timeout=60,
                                        source_address=self.source)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in
                                    self.cookies.items())
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
            if isinstance(body, dict):
                body = "&".join(f"{k}={v}" for k, v in body.items())
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), \
            data

    def login(self, user, password=PASSWORD):
        s, _, data = self.request("POST", "/api/login",
                                  {"user": user, "password": password},
                                  {"X-Zonewatch-Login": "1"})
        if s == 200:
            self.csrf = json.loads(data)["csrf"]
        return s


ALL = set(USERS)
SYS, SEC, AUD = {"admin"}, {"sec"}, {"aud"}

# method, path, who may, a body for POSTs
TABLE = [
    ("GET", "/", ALL, None),
    ("GET", "/bandwidth", ALL, None),
    ("GET", "/bandwidth/nancheng", ALL, None),
    ("GET", "/violations", ALL, None),
    ("GET", "/violations/1", ALL, None),
    ("GET", "/evidence/1", SEC | AUD, None),
    ("POST", "/review/1", SEC, {"state": "acknowledged"}),
    ("GET", "/exceptions", SEC | AUD, None),
    ("POST", "/exceptions", SEC, {"from": "1", "until": "2099-12-31",
                                  "reason": "table"}),
    ("POST", "/exceptions/999", SEC, {"do": "revoke"}),
    ("GET", "/devices", ALL, None),
    ("GET", "/devices/sw-nancheng", ALL, None),
    ("GET", "/ports/sw-nancheng/GigabitEthernet0_0_1", ALL, None),
    ("GET", "/audit", AUD, None),
    ("GET", "/audit/export.csv", AUD, None),
    ("GET", "/reports", AUD | SEC, None),
    ("POST", "/reports", AUD | SEC, {"kind": "security",
                                     "since": "2026-01-01",
                                     "until": "2026-01-02", "format": "csv"}),
    ("GET", "/users", SYS, None),
    ("POST", "/users", SYS, {"name": "extra", "role": "viewer",
                             "password": "Another-pass1"}),
    ("POST", "/users/view", SYS, {"op": "unlock"}),
    ("GET", "/user-changes", SYS | SEC | AUD, None),
    ("POST", "/user-changes/999", SYS | SEC | AUD, {"op": "refuse"}),
    ("GET", "/settings", SYS, None),
    ("GET", "/account", ALL, None),
    ("POST", "/account/password", ALL, {"current": "wrong", "new": "x"}),
    ("POST", "/account/totp", ALL, {"op": "off"}),
    ("GET", "/metrics", ALL, None),
]


class WebUI(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.app = Appliance()
        try:
            cls.app.feed()
            cls.app.start()
        except Exception:
            cls.app.close()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.app.stop()
        with open(os.path.join(cls.app.dir, "webui.log")) as fp:
            log = fp.read()
        cls.app.close()
        assert rc == 0, f"zw-webui exited {rc}:\n{log[-4000:]}"

    def client(self, user=None):
        c = Client(self.app)
        if user:
            self.assertEqual(c.login(user), 200)
        return c

    def test_links_only_where_the_role_may_go(self):
        """The evidence is listed to every role, linked only for those the
        evidence page lets in; /favicon.ico is the appliance's icon."""
        sec = self.client("sec")
        s, _, data = sec.request("GET", "/api/violations")
        rows = [v for v in json.loads(data)["rows"] if v["evidence"] > 0]
        self.assertTrue(rows)
        vid = rows[0]["id"]
        for user, linked in (("sec", True), ("aud", True), ("admin", False),
                             ("view", False)):
            s, _, html = self.client(user).request("GET",
                                                   f"/violations/{vid}")
            self.assertEqual(s, 200, user)
            self.assertIn(f"violation-{vid}-1.pcap", html.decode(), user)
            self.assertEqual(f'href="/evidence/{vid}?i=1"' in html.decode(),
                             linked, user)
        s, h, body = self.client().request("GET", "/favicon.ico")
        self.assertEqual(s, 200)
        self.assertEqual(h.get("content-type"), "image/svg+xml")
        self.assertTrue(body.startswith(b"<svg"), body[:40])

    def test_security_table(self):
        sessions = {u: self.client(u) for u in USERS}
        anon = self.client()
        for method, path, allowed, body in TABLE:
            for api in ("", "/api"):
                p = api + path
                with self.subTest(who="nobody", method=method, path=p):
                    s, h, _ = anon.request(method, p, body)
                    if method == "GET" and not api and path != "/metrics":
                        self.assertEqual(s, 303)
                        self.assertTrue(h["location"].endswith("/login"))
                    elif method == "POST":
                        self.assertIn(s, (401, 403))
                    else:
                        self.assertEqual(s, 401)
                for user, c in sessions.items():
                    with self.subTest(who=user, method=method, path=p):
                        b = dict(body or {})
                        if method == "POST":
                            b["csrf"] = c.csrf
                        s, _, data = c.request(method, p, b if method ==
                                               "POST" else None)
                        if user in allowed:
                            self.assertNotIn(s, (401, 403), data[:200])
                            self.assertLess(s, 500, data[:200])
                        else:
                            self.assertEqual(s, 403, data[:200])
        # Denials are audited.
        aud = sessions["aud"]
        s, _, data = aud.request("GET", "/api/audit?action=access-denied")
        self.assertEqual(s, 200)
        rows = json.loads(data)["rows"]
        self.assertTrue(any(r["actor"] == "view" and r["object"] ==
                            "/users" for r in rows), rows[:3])
        for c in sessions.values():
            s, _, _ = c.request("POST", "/logout", {"csrf": c.csrf})
            self.assertEqual(s, 303)
            s, _, _ = c.request("GET", "/api/")
            self.assertEqual(s, 401)

    def test_csrf(self):
        c = self.client("sec")
        # A record no other test has reviewed (the browser's takes one).
        s, _, data = c.request("GET", "/api/violations?state=new")
        self.assertEqual(s, 200)
        new = json.loads(data)["rows"][-1]["id"]
        s, _, data = c.request("POST", f"/review/{new}", {"state":
                                                          "acknowledged"})
        self.assertEqual(s, 403)
        self.assertIn(b"bad_csrf", data)
        s, _, _ = c.request("POST", f"/review/{new}", {
            "state": "acknowledged", "csrf": "0" * 64})
        self.assertEqual(s, 403)
        s, _, _ = c.request("POST", f"/api/review/{new}", {
            "state": "acknowledged"}, {"X-CSRF-Token": c.csrf})
        self.assertEqual(s, 200)
        # A login from a form needs the form's own token.
        anon = self.client()
        s, _, _ = anon.request("POST", "/login", {"user": "sec",
                                                  "password": PASSWORD})
        self.assertEqual(s, 403)
        s, _, page = anon.request("GET", "/login")
        pre = page.split(b'name="pre" value="')[1][:32].decode()
        s, h, _ = anon.request("POST", "/login", {"user": "sec", "password":
                                                  PASSWORD, "pre": pre})
        self.assertEqual((s, h["location"]), (303, "/"))

    def test_hostile_requests(self):
        c = self.client("aud")
        for path in ("/static/../webui.key", "/reports/file/../zw.conf",
                     "/reports/file/%2e%2e/zw.conf", "/static//style.css",
                     "/violations/%00", "/a\\b"):
            with self.subTest(path=path):
                s, _, _ = c.request("GET", path)
                self.assertEqual(s, 400)
        self.assertEqual(c.request("GET", "/static/style.css")[0], 200)
        # Oversized headers and bodies.
        s, _, _ = c.request("GET", "/", headers={"X-Big": "a" * 10000})
        self.assertIn(s, (400, 413, 431))
        s, _, _ = c.request("POST", "/login", "user=" + "a" * 100000)
        self.assertEqual(s, 413)
        # A request line that is not HTTP, over TLS.
        raw = socket.create_connection(("127.0.0.1", self.app.port), 5)
        tls = c.ctx.wrap_socket(raw)
        tls.sendall(b"GARBAGE\r\n\r\n")
        reply = tls.recv(4096)
        tls.close()
        self.assertTrue(reply == b"" or reply.startswith(b"HTTP/1.1 400"),
                        reply[:80])
        # A form field too long for its cap.
        s, _, _ = c.request("GET", "/violations?ip=" + "1" * 3000)
        self.assertEqual(s, 400)
        # Every response carries the security headers.
        s, h, _ = c.request("GET", "/")
        self.assertIn("max-age=", h["strict-transport-security"])
        self.assertIn("default-src 'self'", h["content-security-policy"])
        self.assertEqual(h["x-frame-options"], "DENY")

    def test_lockout(self):
        """Failures lock the account for their address only; the answer
        is the one a wrong password gets."""
        r = run([ZWCTL, "-c", self.app.conf, "user", "add", "lockme",
                 "--role", "viewer", "--password-stdin"],
                input="Lock-me-2026\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        c = self.client()
        for _ in range(5):
            self.assertEqual(c.login("lockme", "wrong-password"), 401)
        s, _, data = c.request("POST", "/api/login", {
            "user": "lockme", "password": "Lock-me-2026"},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual((s, json.loads(data)["error"]), (401, "bad_login"))
        # The attacker's address is not the owner's.
        self.assertEqual(Client(self.app, "127.0.0.2").login(
            "lockme", "Lock-me-2026"), 200)
        s, _, data = self.client("aud").request(
            "GET", "/api/audit?action=login&outcome=denied")
        self.assertTrue(any(r["object"] == "lockme" and
                            r["detail"] == "account locked"
                            for r in json.loads(data)["rows"]))
        r = run([ZWCTL, "-c", self.app.conf, "user", "unlock", "lockme"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(c.login("lockme", "Lock-me-2026"), 200)

    def test_tls_versions(self):
        def handshake(*args):
            r = subprocess.run(["openssl", "s_client", "-connect",
                                f"127.0.0.1:{self.app.port}", "-cipher",
                                "DEFAULT:@SECLEVEL=0", *args],
                               input="", capture_output=True, text=True,
                               timeout=20)
            return r.returncode, r.stdout + r.stderr
        for old in ("-tls1", "-tls1_1"):
            rc, out = handshake(old)
            self.assertNotEqual(rc, 0, out)
        rc, out = handshake("-tls1_2")
        self.assertEqual(rc, 0, out)
        self.assertIn("TLSv1.2", out)
        rc, out = handshake("-tls1_3")
        self.assertEqual(rc, 0, out)
        self.assertIn("TLSv1.3", out)

    def test_metrics_and_health(self):
        anon = self.client()
        s, _, data = anon.request("GET", "/health")
        self.assertEqual(s, 200)
        self.assertEqual(json.loads(data)["status"], "ok")
        s, _, _ = anon.request("GET", "/metrics", headers={
            "Authorization": "Bearer wrong-token-wrong-token"})
        self.assertEqual(s, 401)
        s, h, data = anon.request("GET", "/metrics", headers={
            "Authorization": "Bearer prometheus-scrape-token"})
        self.assertEqual(s, 200)
        self.assertTrue(h["content-type"].startswith("text/plain"))
        text = data.decode()
        self.assertIn("zonewatch_capture_packets_total %d" %
                      self.app.status["decode"]["packets"], text)
        self.assertIn('zonewatch_violations{severity="high",state="new"}',
                      text)
        # The IPFIX export's figures, as the collector wrote them.
        ipfix = self.app.status["ipfix"]
        self.assertGreater(ipfix["records"], 0)
        self.assertIn("zonewatch_ipfix_records_total %d\n" % ipfix["records"],
                      text)
        self.assertIn("zonewatch_ipfix_dropped_total %d\n" % ipfix["dropped"],
                      text)
        c = self.client("view")
        s, _, data = c.request("GET", "/api/")
        self.assertEqual(json.loads(data)["ipfix"], {
            "records": ipfix["records"], "dropped": ipfix["dropped"]})
        s, _, html = c.request("GET", "/?lang=zh")
        self.assertIn("<span>IPFIX 未送达记录</span><b id=\"ipfix_dropped\">"
                      "%d</b>" % ipfix["dropped"], html.decode())

    def test_pages_show_the_data(self):
        c = self.client("view")
        s, _, data = c.request("GET", "/api/")
        m = json.loads(data)
        self.assertEqual(m["capture"]["packets"],
                         self.app.status["decode"]["packets"])
        self.assertGreater(m["violations"]["total"], 0)
        s, _, data = c.request("GET", "/api/bandwidth")
        sites = {x["name"]: x for x in json.loads(data)["sites"]}
        self.assertEqual(sites["nancheng-jianchang"]["depth"], 2)
        s, _, data = c.request("GET", "/api/bandwidth/nancheng-jianchang"
                               "?range=day")
        self.assertEqual(s, 200)
        trend = json.loads(data)
        out = [v for v in trend["out"] if v is not None]
        self.assertTrue(out, "the fed traffic is in the day's trend")
        self.assertGreater(trend["samples"], 0)
        s, _, html = c.request("GET", "/bandwidth/nancheng-jianchang")
        self.assertIn(b"<svg class=\"chart\"", html)
        # Sites as people name them, levels in the page's language.
        s, _, html = c.request("GET", "/bandwidth")
        self.assertIn(">建昌镇</a></td><td>乡镇</td>", html.decode())
        self.assertIn(">南城县</a></td><td>县</td>", html.decode())
        s, _, html = c.request("GET", "/bandwidth?lang=en")
        self.assertIn(">Jianchang Town</a></td><td>Township</td>",
                      html.decode())
        s, _, html = c.request("GET", "/violations?lang=zh&site="
                               "nancheng-jianchang")
        self.assertIn("<td>建昌镇</td>", html.decode())
        self.assertNotIn("<td>nancheng-jianchang</td>", html.decode())
        s, _, data = c.request("GET", "/api/violations?site="
                               "nancheng-jianchang")
        by_id = json.loads(data)["rows"]
        vid = by_id[0]["id"]
        # The site filter takes the name people know too, in either language.
        for name in ("%E5%BB%BA%E6%98%8C%E9%95%87", "Jianchang%20Town"):
            s, _, data = c.request("GET", f"/api/violations?site={name}")
            self.assertEqual(json.loads(data)["rows"], by_id, name)
        # So does the zone filter (政务外网: external).
        s, _, data = c.request("GET", "/api/violations?zone=external")
        by_zone = json.loads(data)["rows"]
        self.assertTrue(by_zone)
        for name in ("%E6%94%BF%E5%8A%A1%E5%A4%96%E7%BD%91", "Extranet"):
            s, _, data = c.request("GET", f"/api/violations?zone={name}")
            self.assertEqual(json.loads(data)["rows"], by_zone, name)
        s, _, html = c.request("GET", f"/violations/{vid}?lang=zh")
        self.assertIn("<dt>区域</dt><dd>政务外网 → 互联网</dd>", html.decode())
        self.assertIn("<dt>站点</dt><dd>建昌镇 → -</dd>", html.decode())
        self.assertIn("<dt>主机名</dt>", html.decode())
        self.assertRegex(html.decode(), r"<dt>流 / 报文 / 字节</dt><dd>\d+ / "
                         r"[1-9]\d* / [1-9]\d*</dd>")
        # A record whose flows have not ended has no packets yet: not 0.
        with sqlite3.connect(os.path.join(self.app.dir, "events.db")) as db:
            db.execute("UPDATE violations SET packets = 0, bytes = 0 WHERE"
                       " id = ?", (vid,))
        s, _, html = c.request("GET", f"/violations/{vid}?lang=zh")
        self.assertRegex(html.decode(), r"<dt>流 / 报文 / 字节</dt><dd>\d+ / "
                         r"- / - \(流结束时计入\)</dd>")
        # The day's 95th percentile: none without a trend (not 0), and
        # the fed township's once its averages are in (fed from 20 to 5
        # minutes ago: today, unless the test runs just after midnight).
        have = {f[:-4] for f in os.listdir(os.path.join(self.app.dir, "rrd",
                                                        "site"))}
        self.assertIn("nancheng-jianchang", have)
        self.assertLess(len(have), len(sites))     # some have no trend
        for name, site in sites.items():
            if name not in have:
                self.assertIsNone(site["p95_in_today"], name)
                self.assertIsNone(site["p95_out_today"], name)
        lt = time.localtime()
        if lt.tm_hour * 60 + lt.tm_min >= 25:
            self.assertGreater(sites["nancheng-jianchang"]["p95_out_today"],
                               0)
        s, _, data = c.request("GET", "/api/violations?severity=high")
        rows = json.loads(data)["rows"]
        self.assertTrue(rows)
        self.assertTrue(all(r["severity"] in ("critical", "high")
                            for r in rows))
        if SNMPSIMD:
            # A site with an uplink port: the overview ranks it by the
            # port's rates, as the bandwidth page shows them.
            s, _, data = c.request("GET", "/api/")
            top = {x["name"]: x for x in json.loads(data)["top_sites"]}
            s, _, data = c.request("GET", "/api/bandwidth")
            bw = {x["name"]: x for x in json.loads(data)["sites"]}
            self.assertGreater(bw["test-uplink"]["in_bps"], 0)
            for d in ("in_bps", "out_bps"):       # an integer, and a real
                self.assertAlmostEqual(top["test-uplink"][d],
                                       bw["test-uplink"][d], delta=0.5)
            s, _, data = c.request("GET", "/api/devices/sw-nancheng")
            ports = json.loads(data)["interfaces"]
            self.assertIn("GigabitEthernet0/0/1", [p["name"] for p in
                                                   ports])
            # The port's trend, linked from the device page.
            s, _, html = c.request("GET", "/devices/sw-nancheng?lang=zh")
            self.assertIn(b'href="/ports/sw-nancheng/GigabitEthernet0_0_1"',
                          html)
            # Port states in the page's language (IF-MIB's up, down).
            self.assertIn("<th>描述</th>", html.decode())
            self.assertRegex(html.decode(), r"GigabitEthernet0/0/1</a></td>"
                             r"<td>[^<]*</td><td class=\"num\">[^<]*</td>"
                             r"<td>正常</td>")
            self.assertNotRegex(html.decode(), r"<td>(up|down|admin down)"
                                r"</td>")
            s, _, data = c.request("GET", "/api/ports/sw-nancheng/"
                                   "GigabitEthernet0_0_1?range=week")
            self.assertEqual(s, 200)
            self.assertEqual(json.loads(data)["range"], "week")
            self.assertEqual(c.request("GET", "/api/ports/sw-nancheng/"
                                       "nothing")[0], 404)

    def test_violation_filters(self):
        """Last of the class: it adds rows to the shared store."""
        c = self.client("view")
        # A filter that is not right is named, what was typed kept.
        s, _, html = c.request("GET", "/violations?lang=zh&since=garbage")
        self.assertEqual(s, 400)
        self.assertIn("<p class=\"error\" id=\"filter-error\">此筛选条件"
                      "无效: 首次发现</p>", html.decode())
        self.assertIn("name=\"since\" type=\"date\" value=\"garbage\"",
                      html.decode())
        s, _, data = c.request("GET", "/api/violations?until=2026-13-45")
        self.assertEqual(s, 400)
        self.assertEqual(json.loads(data)["filter"], "until")
        # since = until: that whole day (the officer's "today").
        s, _, data = c.request("GET", "/api/violations")
        rows = json.loads(data)["rows"]
        self.assertTrue(rows)
        day = time.strftime("%Y-%m-%d",
                            time.localtime(rows[0]["last"]))
        s, _, data = c.request("GET", f"/api/violations?since={day}"
                               f"&until={day}")
        self.assertEqual(s, 200)
        self.assertIn(rows[0]["id"],
                      [v["id"] for v in json.loads(data)["rows"]])
        # A page of 50 and more: the next page's link keeps the filters as
        # values of a URL ('&' in one stays in it).
        with sqlite3.connect(os.path.join(self.app.dir, "events.db")) as db:
            cols = [r[1] for r in db.execute("PRAGMA table_info(violations)")
                    if r[1] != "id"]
            row = db.execute("SELECT id FROM violations WHERE src_zone = "
                             "'external' LIMIT 1").fetchone()
            for _ in range(60):
                db.execute(f"INSERT INTO violations ({', '.join(cols)}) "
                           f"SELECT {', '.join(cols)} FROM violations "
                           f"WHERE id = ?", row)
            db.execute("UPDATE violations SET app = 'a&b c' WHERE "
                       "src_zone = 'external'")
        s, _, html = c.request("GET", "/violations?zone=%E6%94%BF%E5%8A%A1"
                               "%E5%A4%96%E7%BD%91&app=a%26b%20c")
        self.assertEqual(s, 200)
        self.assertIn("?zone=%E6%94%BF%E5%8A%A1%E5%A4%96%E7%BD%91&amp;"
                      "app=a%26b+c&amp;before=", html.decode())

    def test_settings_speak_the_page_language(self):
        c = self.client("admin")
        s, _, html = c.request("GET", "/settings?lang=zh")
        self.assertEqual(s, 200)
        self.assertIn("<dt>日志保存天数</dt><dd>180</dd>", html.decode())
        self.assertNotIn("<dt>retention_days</dt>", html.decode())
        s, _, html = c.request("GET", "/settings?lang=en")
        self.assertIn("<dt>Days records are kept</dt>", html.decode())

    def test_settings_page_is_the_table_of_settings(self):
        """Every setting, its value, default and readers, from the one
        table; the metrics token is a secret: never on the page."""
        c = self.client("admin")
        s, _, data = c.request("GET", "/api/settings")
        self.assertEqual(s, 200)
        rows = {r["name"]: r for r in json.loads(data)["settings"]}
        self.assertGreaterEqual(len(rows), 36)
        self.assertEqual(rows["retention-days"]["default"], "180")
        self.assertEqual(rows["webui-login-rate"]["read_by"], "zw-webui")
        self.assertEqual(rows["webui-metrics-token"]["value"], "(set)")
        self.assertNotIn(b"prometheus-scrape-token", data)
        s, _, html = c.request("GET", "/settings?lang=en")
        self.assertEqual(s, 200)
        self.assertIn("<th>Read by</th>", html.decode())
        self.assertIn("<td><code>dedupe-window</code></td>", html.decode())
        self.assertIn("<td>days records, evidence and the audit trail are "
                      "kept</td>", html.decode())
        self.assertNotIn(b"prometheus-scrape-token", html)
        # Chinese first: the meanings too.
        s, _, html = c.request("GET", "/settings?lang=zh")
        self.assertIn("<th>读取程序</th>", html.decode())
        self.assertIn("<td>记录、证据与审计日志的保存天数</td>", html.decode())
        self.assertNotIn("<td>days records", html.decode())

    def test_review_form_says_why_and_ends_with_the_review(self):
        """Resolving without a comment comes back to the form with the
        reason in words (not a JSON page); the buttons are the next
        states only, and none once the record is closed."""
        sec = self.client("sec")
        s, _, data = sec.request("GET", "/api/violations?state=new")
        vid = json.loads(data)["rows"][-1]["id"]
        s, h, _ = sec.request("POST", f"/review/{vid}", {
            "csrf": sec.csrf, "state": "resolved", "comment": ""})
        self.assertEqual(s, 303)
        self.assertTrue(h["location"].endswith(
            f"/violations/{vid}?error=comment_needed"), h["location"])
        s, _, html = sec.request("GET", f"/violations/{vid}?lang=en&"
                                 "error=comment_needed")
        page = html.decode()
        self.assertIn('<p class="error" id="review-error">Resolving or '
                      'marking a false positive needs a comment</p>', page)
        self.assertIn('id="acknowledged"', page)
        # What the query says is never put on the page as it is.
        s, _, html = sec.request("GET", f"/violations/{vid}?error="
                                 "%3Cscript%3E")
        self.assertNotIn(b"<script>", html)
        s, _, _ = sec.request("POST", f"/review/{vid}", {
            "csrf": sec.csrf, "state": "acknowledged"})
        self.assertEqual(s, 303)
        s, _, html = sec.request("GET", f"/violations/{vid}")
        page = html.decode()
        self.assertNotIn('id="acknowledged"', page)
        self.assertIn('id="resolved"', page)
        self.assertIn('id="false-positive"', page)
        s, _, _ = sec.request("POST", f"/review/{vid}", {
            "csrf": sec.csrf, "state": "resolved", "comment": "cable-pulled"})
        self.assertEqual(s, 303)
        s, _, html = sec.request("GET", f"/violations/{vid}")
        self.assertNotIn(b'id="review"', html)
        self.assertIn(b"cable-pulled", html)

    def test_allow_from_a_record(self):
        """The officer allows a record's host (its rule, and its peer as
        kept) until a day, for a reason: listed with who made it, from
        which record; a reason missing comes back in words; revoked, it
        is kept as revoked with no button; the auditor reads the list and
        the trail, and may not make one."""
        sec, aud = self.client("sec"), self.client("aud")
        s, _, data = sec.request("GET", "/api/violations?state=new")
        v = json.loads(data)["rows"][0]
        s, _, html = sec.request("GET", f"/violations/{v['id']}?lang=en")
        self.assertIn('id="allow"', html.decode())
        self.assertNotIn(b'id="allow"', aud.request(
            "GET", f"/violations/{v['id']}")[2])
        s, h, _ = sec.request("POST", "/exceptions", {
            "csrf": sec.csrf, "from": str(v["id"]), "until": "2099-12-31",
            "reason": ""})
        self.assertEqual(s, 303)
        self.assertTrue(h["location"].endswith(
            f"/violations/{v['id']}?error=exception_needs"), h["location"])
        s, _, html = sec.request("GET", f"/violations/{v['id']}?lang=en&"
                                 "error=exception_needs")
        self.assertIn('<p class="error" id="allow-error">An exception needs',
                      html.decode())
        s, h, _ = sec.request("POST", "/exceptions", {
            "csrf": sec.csrf, "from": str(v["id"]), "until": "2099-12-31",
            "reason": urllib.parse.quote("<b>批准</b>"), "peer": "1"})
        self.assertEqual(s, 303)
        self.assertTrue(h["location"].endswith("/exceptions"))
        s, _, data = aud.request("GET", "/api/exceptions")
        self.assertEqual(s, 200)
        x = [e for e in json.loads(data)["exceptions"]
             if e["violation"] == v["id"]][0]
        self.assertEqual((x["host"], x["rule"], x["peer"], x["app"],
                          x["made_by"], x["state"]),
                         (v["src"], v["rule"], v["dst"], "", "sec",
                          "in_force"))
        s, _, html = sec.request("GET", "/exceptions")
        page = html.decode()
        self.assertIn(f'id="revoke-{x["id"]}"', page)
        self.assertIn("&lt;b&gt;批准&lt;/b&gt;", page)
        self.assertNotIn("<b>批准", page)
        self.assertNotIn(b"revoke-", aud.request("GET", "/exceptions")[2])
        s, _, _ = sec.request("POST", f"/exceptions/{x['id']}", {
            "csrf": sec.csrf, "do": "revoke"})
        self.assertEqual(s, 303)
        s, _, data = sec.request("GET", "/api/exceptions")
        x2 = [e for e in json.loads(data)["exceptions"]
              if e["id"] == x["id"]][0]
        self.assertEqual((x2["state"], x2["revoked_by"]), ("revoked", "sec"))
        self.assertNotIn(f'id="revoke-{x["id"]}"'.encode(),
                         sec.request("GET", "/exceptions")[2])
        s, _, data = aud.request("GET", "/api/audit?action=exception-add")
        said = [(a["object"], a["outcome"]) for a in json.loads(data)["rows"]]
        self.assertIn((f"exception {x['id']}", "ok"), said)
        self.assertIn(("exception 0", "failed"), said)
        s, _, data = aud.request("GET", "/api/audit?action=exception-revoke")
        self.assertIn(f"exception {x['id']}", data.decode())

    def test_the_officer_makes_security_reports_only(self):
        """The security administrator makes and reads security reports;
        the auditor's other kinds are neither offered, listed, made nor
        served to the officer, and a refused one is audited."""
        aud, sec = self.client("aud"), self.client("sec")
        s, _, _ = aud.request("POST", "/reports", {
            "csrf": aud.csrf, "kind": "network", "since": "2026-03-01",
            "until": "2026-03-02", "format": "csv"})
        self.assertEqual(s, 303)
        s, _, _ = sec.request("POST", "/reports", {
            "csrf": sec.csrf, "kind": "security", "since": "2026-03-01",
            "until": "2026-03-02", "format": "csv"})
        self.assertEqual(s, 303)
        s, _, html = sec.request("GET", "/reports?lang=en")
        self.assertEqual(s, 200)
        page = html.decode()
        self.assertIn('<option value="security">', page)
        self.assertNotIn('<option value="network">', page)
        self.assertNotIn('<option value="audit">', page)
        self.assertIn("web/security-2026-03-01-2026-03-02.csv", page)
        self.assertNotIn("web/network-2026-03-01-2026-03-02.csv", page)
        s, _, _ = sec.request("GET", "/reports/file/web/security-2026-03-01"
                              "-2026-03-02.csv")
        self.assertEqual(s, 200)
        s, _, _ = sec.request("GET", "/reports/file/web/network-2026-03-01"
                              "-2026-03-02.csv")
        self.assertEqual(s, 403)
        for kind in ("network", "audit"):
            s, _, _ = sec.request("POST", "/reports", {
                "csrf": sec.csrf, "kind": kind, "since": "2026-03-03",
                "until": "2026-03-04", "format": "csv"})
            self.assertEqual(s, 403, kind)
            self.assertFalse(os.path.exists(os.path.join(
                self.app.dir, "reports", "web",
                f"{kind}-2026-03-03-2026-03-04.csv")))
        s, _, data = aud.request("GET", "/api/audit?action=report-export")
        denied = [e for e in json.loads(data)["rows"]
                  if e["outcome"] == "denied"]
        self.assertEqual(len(denied), 2, denied)

    def test_report_form_speaks_the_page_language(self):
        c = self.client("aud")
        s, _, html = c.request("GET", "/reports?lang=zh")
        self.assertEqual(s, 200)
        self.assertIn('<option value="security">安全与违规</option>',
                      html.decode())
        self.assertIn("起始日期", html.decode())
        s, _, html = c.request("GET", "/reports?lang=en")
        self.assertIn('<option value="network">Network and bandwidth'
                      '</option>', html.decode())

    def test_pdf_report_under_the_system_call_filter(self):
        """The web UI draws PDFs in its own process (cairo, pango,
        fontconfig), after it has laid its system-call filter."""
        with open(f"/proc/{self.app.proc.pid}/status") as fp:
            st = dict(line.split(":", 1) for line in fp)
        self.assertEqual(st["Seccomp"].strip(), "2")
        c = self.client("aud")
        s, h, _ = c.request("POST", "/reports", {
            "csrf": c.csrf, "kind": "network", "since": "2026-02-01",
            "until": "2026-02-02", "format": "pdf"})
        self.assertEqual(s, 303)
        pdf = os.path.join(self.app.dir, "reports", "web",
                           "network-2026-02-01-2026-02-02.pdf")
        with open(pdf, "rb") as fp:
            self.assertEqual(fp.read(5), b"%PDF-")
        self.assertGreater(os.path.getsize(pdf + ".sig"), 0)
        self.assertEqual(self.app.proc.poll(), None)

    @unittest.skipUnless(os.path.exists(CHROMIUM), "needs Debian's chromium")
    def test_browser(self):
        if not os.path.isdir(os.path.join(BROWSER, "node_modules",
                                          "playwright-core")):
            r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"],
                               cwd=BROWSER, capture_output=True, text=True,
                               timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr)
        os.makedirs(SHOTS, exist_ok=True)
        env = dict(os.environ, ZW_URL=f"https://127.0.0.1:{self.app.port}",
                   ZW_PASSWORD=PASSWORD, ZW_SHOTS=SHOTS,
                   ZW_PACKETS=str(self.app.status["decode"]["packets"]),
                   ZW_DEVICES="1" if SNMPSIMD else "0")
        r = subprocess.run(["node", "--test", "--test-reporter=spec",
                            os.path.join(BROWSER, "ui.test.mjs")],
                           capture_output=True, text=True, env=env,
                           timeout=600)
        with open(os.path.join(SHOTS, "node-test.log"), "w") as fp:
            fp.write(r.stdout + r.stderr)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])


def totp(secret, t=None):
    """RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits."""
    key = base64.b32decode(secret)
    mac = hmac.new(key, struct.pack(">Q", int((t or time.time()) // 30)),
                   hashlib.sha1).digest()
    off = mac[-1] & 15
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff
    return "%06d" % (v % 1000000)


class Accounts(unittest.TestCase):
    """The second factor, a password that must change, an idle session."""

    @classmethod
    def setUpClass(cls):
        cls.app = Appliance(idle=3)
        for name, role, extra in (("sec", "secadmin", []),
                                  ("newbie", "viewer", ["--must-change"])):
            r = run([ZWCTL, "-c", cls.app.conf, "user", "add", name,
                     "--role", role, "--password-stdin", *extra],
                    input=PASSWORD + "\n")
            assert r.returncode == 0, r.stderr
        cls.app.start()

    @classmethod
    def tearDownClass(cls):
        assert cls.app.stop() == 0
        cls.app.close()

    def test_totp(self):
        """Enrolled with a first code; each code once; off with the
        password and a code."""
        # Three steps in a row must stay within the window of one.
        while time.time() % 30 > 24:
            time.sleep(1)
        step = int(time.time()) // 30 * 30
        c = Client(self.app)
        self.assertEqual(c.login("sec"), 200)
        s, _, data = c.request("POST", "/api/account/totp", {"op": "on",
                                                             "csrf": c.csrf})
        self.assertEqual(s, 200)
        secret = json.loads(data)["secret"]
        self.assertEqual(len(secret), 32)
        # Not on before a first code confirms it.
        self.assertEqual(Client(self.app).login("sec"), 200)
        s, _, _ = c.request("POST", "/api/account/totp", {
            "op": "confirm", "code": "000000", "csrf": c.csrf})
        self.assertEqual(s, 400)
        s, _, _ = c.request("POST", "/api/account/totp", {
            "op": "confirm", "code": totp(secret, step - 30),
            "csrf": c.csrf})
        self.assertEqual(s, 200)
        c2 = Client(self.app)
        s, _, data = c2.request("POST", "/api/login", {
            "user": "sec", "password": PASSWORD},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual((s, json.loads(data)["error"]), (401, "need_code"))
        s, _, data = c2.request("POST", "/api/login", {
            "user": "sec", "password": PASSWORD, "code": "000000"},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual((s, json.loads(data)["error"]), (401, "bad_code"))
        # The confirming code was used: it does not log in.
        s, _, data = c2.request("POST", "/api/login", {
            "user": "sec", "password": PASSWORD,
            "code": totp(secret, step - 30)}, {"X-Zonewatch-Login": "1"})
        self.assertEqual((s, json.loads(data)["error"]), (401, "bad_code"))
        s, _, _ = c2.request("POST", "/api/login", {
            "user": "sec", "password": PASSWORD, "code": totp(secret, step)},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual(s, 200)
        # Replayed within its step, from elsewhere: refused.
        s, _, data = Client(self.app, "127.0.0.3").request(
            "POST", "/api/login", {"user": "sec", "password": PASSWORD,
                                   "code": totp(secret, step)},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual((s, json.loads(data)["error"]), (401, "bad_code"))
        # Off: not from the session alone, nor with a used code.
        s, _, _ = c.request("POST", "/api/account/totp", {"op": "off",
                                                          "csrf": c.csrf})
        self.assertEqual(s, 400)
        s, _, _ = c.request("POST", "/api/account/totp", {
            "op": "off", "password": PASSWORD, "code": totp(secret, step),
            "csrf": c.csrf})
        self.assertEqual(s, 400)
        s, _, _ = c.request("POST", "/api/account/totp", {
            "op": "off", "password": "Wrong-pass-2026",
            "code": totp(secret, step + 30), "csrf": c.csrf})
        self.assertEqual(s, 400)
        s, _, _ = c.request("POST", "/api/account/totp", {
            "op": "off", "password": PASSWORD,
            "code": totp(secret, step + 30), "csrf": c.csrf})
        self.assertEqual(s, 200)
        self.assertEqual(Client(self.app).login("sec"), 200)

    def test_password_must_change(self):
        c = Client(self.app)
        s, _, data = c.request("POST", "/api/login", {
            "user": "newbie", "password": PASSWORD},
            {"X-Zonewatch-Login": "1"})
        self.assertEqual(s, 200)
        m = json.loads(data)
        c.csrf = m["csrf"]
        self.assertTrue(m["must_change"])
        # Nothing but the account page until the password changes.
        self.assertEqual(c.request("GET", "/")[0], 303)
        self.assertEqual(c.request("GET", "/api/violations")[0], 403)
        self.assertEqual(c.request("GET", "/api/account")[0], 200)
        s, _, _ = c.request("POST", "/api/account/password", {
            "current": PASSWORD, "new": "newbie", "csrf": c.csrf})
        self.assertEqual(s, 400)        # the rule: not the user's name
        s, _, _ = c.request("POST", "/api/account/password", {
            "current": PASSWORD, "new": "Fresh-pass-2026",
            "csrf": c.csrf})
        self.assertEqual(s, 200)
        self.assertEqual(c.request("GET", "/api/violations")[0], 200)
        self.assertEqual(Client(self.app).login("newbie",
                                                "Fresh-pass-2026"), 200)

    def test_idle_session_ends(self):
        c = Client(self.app)
        self.assertEqual(c.login("sec"), 200)
        self.assertEqual(c.request("GET", "/api/")[0], 200)
        time.sleep(4.5)                 # webui-idle 3
        self.assertEqual(c.request("GET", "/api/")[0], 401)


class Trust(unittest.TestCase):
    """Sessions that follow their account, answers that do not list
    accounts, and logins that do not hold up the other requests."""

    @classmethod
    def setUpClass(cls):
        cls.app = Appliance()
        for name, role in (("admin", "sysadmin"), ("sec", "secadmin"),
                           ("aud", "auditadmin"), ("view", "viewer"),
                           ("gone", "viewer"), ("locked", "viewer")):
            r = run([ZWCTL, "-c", cls.app.conf, "user", "add", name,
                     "--role", role, "--password-stdin"],
                    input=PASSWORD + "\n")
            assert r.returncode == 0, r.stderr
        assert run([ZWCTL, "-c", cls.app.conf, "user", "disable",
                    "gone"]).returncode == 0
        cls.app.start()

    @classmethod
    def tearDownClass(cls):
        assert cls.app.stop() == 0
        cls.app.close()

    def zwctl(self, *args, stdin=None):
        r = run([ZWCTL, "-c", self.app.conf, *args], input=stdin)
        self.assertEqual(r.returncode, 0, r.stderr)

    def session(self, user, source=None):
        c = Client(self.app, source)
        self.assertEqual(c.login(user), 200)
        return c

    def test_sysadmin_cannot_act_as_the_others(self):
        """三员分立: the system administrator's changes of a security or
        audit administrator wait for an administrator of a third role,
        who is neither the one who asked nor the one it is about."""
        admin = self.session("admin")

        def post(c, path, body):
            s, _, data = c.request("POST", path, dict(body, csrf=c.csrf))
            return s, json.loads(data) if data.startswith(b"{") else data
        s, j = post(admin, "/api/users", {"name": "sec2", "role": "secadmin",
                                          "password": "Second-pass-2026"})
        self.assertEqual((s, j["result"]), (202, "pending"), j)
        add = j["change"]
        # Not yet there, and not for its asker to confirm.
        self.assertEqual(Client(self.app).login("sec2", "Second-pass-2026"),
                         401)
        self.assertEqual(post(admin, f"/api/user-changes/{add}",
                              {"op": "confirm"})[0], 403)
        # A reset and a grant wait too; nothing changed meanwhile.
        s, j = post(admin, "/api/users/sec", {"op": "password",
                                              "password": "Reset-pass-2026"})
        self.assertEqual((s, j["result"]), (202, "pending"), j)
        reset = j["change"]
        s, j = post(admin, "/api/users/view", {"op": "role",
                                               "role": "auditadmin"})
        self.assertEqual((s, j["result"]), (202, "pending"), j)
        grant = j["change"]
        self.assertEqual(Client(self.app).login("sec"), 200)
        s, _, _ = self.session("view").request("GET", "/api/audit")
        self.assertEqual(s, 403)
        # The account a change is about does not decide it.
        sec = self.session("sec")
        self.assertEqual(post(sec, f"/api/user-changes/{reset}",
                              {"op": "confirm"})[0], 403)
        # The audit administrator confirms the new account and refuses
        # the grant; the security administrator refuses its reset.
        aud = self.session("aud")
        self.assertEqual(post(aud, f"/api/user-changes/{add}",
                              {"op": "confirm"})[0], 200)
        self.assertEqual(post(aud, f"/api/user-changes/{grant}",
                              {"op": "refuse"})[0], 200)
        self.assertEqual(post(aud, f"/api/user-changes/{grant}",
                              {"op": "confirm"})[0], 404)
        self.assertEqual(post(aud, f"/api/user-changes/{reset}",
                              {"op": "refuse"})[0], 200)
        # The new account's first password is one to change at once.
        c = Client(self.app)
        self.assertEqual(c.login("sec2", "Second-pass-2026"), 200)
        s, _, _ = c.request("POST", "/api/review/1", {
            "state": "acknowledged", "csrf": c.csrf})
        self.assertIn(s, (401, 403))
        self.assertEqual(Client(self.app).login("sec"), 200)
        s, _, _ = self.session("view").request("GET", "/api/audit")
        self.assertEqual(s, 403)
        # A viewer's account is the system administrator's alone.
        s, j = post(admin, "/api/users", {"name": "view2", "role": "viewer",
                                          "password": "Viewer-pass-2026"})
        self.assertEqual((s, j["result"]), (200, "ok"), j)
        # Both steps are in the trail.
        s, _, data = aud.request("GET", "/api/audit?limit=200")
        acts = [(r["action"], r["object"], r["outcome"])
                for r in json.loads(data)["rows"]]
        for want in (("user-change-request", "sec2", "ok"),
                     ("user-change-confirm", "sec2", "ok"),
                     ("user-change-confirm", "sec2", "denied"),
                     ("user-change-refuse", "view", "ok"),
                     ("user-change-confirm", "sec", "denied")):
            self.assertIn(want, acts)
        s, _, data = aud.request("GET", "/api/user-changes")
        states = {c["id"]: c["state"] for c in json.loads(data)["changes"]}
        self.assertEqual((states[add], states[grant], states[reset]),
                         ("confirmed", "refused", "refused"))

    def test_account_added_with_sql_refused(self):
        """A sysadmin made with sqlite3 and a hash copied from a known
        account: refused at login, in the trail, and found by verify."""
        db = sqlite3.connect(os.path.join(self.app.dir, "admin", "admin.db"))
        with db:
            db.execute("INSERT INTO users (name, role, hash, password_us,"
                       " created_us) SELECT 'sysadm2', 0, hash, password_us,"
                       " created_us FROM users WHERE name = 'view'")
        db.close()
        c = Client(self.app)
        self.assertEqual(c.login("sysadm2"), 401)
        s, _, data = self.session("aud").request(
            "GET", "/api/audit?action=login&outcome=denied")
        self.assertEqual(s, 200)
        self.assertTrue(any(r["object"] == "sysadm2" and "not written by"
                            in r["detail"]
                            for r in json.loads(data)["rows"]), data)
        r = run([ZWCTL, "-c", self.app.conf, "user", "list"])
        self.assertRegex(r.stdout, r"sysadm2 +sysadmin +FORGED")
        r = run([ZWCTL, "-c", self.app.conf, "audit", "verify"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("account sysadm2 (sysadmin) was not written by "
                      "zonewatch", r.stdout)
        self.assertIn("audit chain OK", r.stdout)
        db = sqlite3.connect(os.path.join(self.app.dir, "admin", "admin.db"))
        with db:
            db.execute("DELETE FROM users WHERE name = 'sysadm2'")
        db.close()
        self.assertEqual(run([ZWCTL, "-c", self.app.conf, "audit",
                              "verify"]).returncode, 0)

    def test_disabled_account_session_ends(self):
        self.zwctl("user", "add", "temp1", "--role", "auditadmin",
                   "--password-stdin", stdin=PASSWORD + "\n")
        c = self.session("temp1")
        self.assertEqual(c.request("GET", "/api/audit")[0], 200)
        self.zwctl("user", "disable", "temp1")
        self.assertEqual(c.request("GET", "/api/audit")[0], 401)
        self.zwctl("user", "enable", "temp1")
        # Enabled again, the old cookie stays over.
        self.assertEqual(c.request("GET", "/api/audit")[0], 401)
        s, _, data = self.session("aud").request(
            "GET", "/api/audit?action=session-end")
        self.assertTrue(any(r["object"] == "temp1" and "disabled" in
                            r["detail"] for r in json.loads(data)["rows"]))

    def test_demoted_account_session_ends(self):
        self.zwctl("user", "add", "temp2", "--role", "secadmin",
                   "--password-stdin", stdin=PASSWORD + "\n")
        c = self.session("temp2")
        s, _, _ = c.request("POST", "/api/review/1", {
            "state": "false-positive", "comment": "x", "csrf": c.csrf})
        self.assertNotIn(s, (401, 403))
        self.zwctl("user", "role", "temp2", "--role", "viewer")
        s, _, _ = c.request("POST", "/api/review/1", {
            "state": "false-positive", "comment": "x", "csrf": c.csrf})
        self.assertEqual(s, 401)
        c = self.session("temp2")
        s, _, _ = c.request("POST", "/api/review/1", {
            "state": "false-positive", "comment": "x", "csrf": c.csrf})
        self.assertEqual(s, 403)

    def test_password_reset_ends_sessions(self):
        self.zwctl("user", "add", "temp3", "--role", "viewer",
                   "--password-stdin", stdin=PASSWORD + "\n")
        c = self.session("temp3")
        self.zwctl("user", "passwd", "temp3", "--password-stdin",
                   stdin="Reset-pass-2026\n")
        self.assertEqual(c.request("GET", "/api/")[0], 401)
        # One's own change keeps the session it was made in, ends others.
        a = Client(self.app)
        self.assertEqual(a.login("temp3", "Reset-pass-2026"), 200)
        b = Client(self.app)
        self.assertEqual(b.login("temp3", "Reset-pass-2026"), 200)
        s, _, _ = a.request("POST", "/api/account/password", {
            "current": "Reset-pass-2026", "new": "Second-pass-2026",
            "csrf": a.csrf})
        self.assertEqual(s, 200)
        self.assertEqual(a.request("GET", "/api/")[0], 200)
        self.assertEqual(b.request("GET", "/api/")[0], 401)

    def test_web_disable_ends_sessions_at_once(self):
        self.zwctl("user", "add", "temp4", "--role", "viewer",
                   "--password-stdin", stdin=PASSWORD + "\n")
        c = self.session("temp4")
        admin = self.session("admin")
        s, _, _ = admin.request("POST", "/api/users/temp4", {
            "op": "disable", "csrf": admin.csrf})
        self.assertEqual(s, 200)
        self.assertEqual(c.request("GET", "/api/")[0], 401)

    def metric(self, name):
        s, _, data = Client(self.app, source="127.0.0.3").request(
            "GET", "/metrics", headers={
                "Authorization": "Bearer prometheus-scrape-token"})
        self.assertEqual(s, 200)
        for line in data.decode().splitlines():
            if line.startswith("zonewatch_" + name + " "):
                return int(line.split()[1])
        self.fail(name)

    def test_answers_do_not_list_accounts(self):
        """An unknown, a disabled and a locked account answer as a wrong
        password does, and each costs one password hash as it does."""
        for _ in range(5):
            Client(self.app, "127.0.0.9").login("locked", "Wrong-pass-1")
        answers = {}
        for name in ("view", "nosuchuser", "gone", "locked"):
            before = self.metric("webui_password_checks_total")
            s, _, data = Client(self.app, "127.0.0.9").request(
                "POST", "/api/login", {
                    "user": name, "password":
                    "Wrong-pass-1" if name == "view" else PASSWORD},
                {"X-Zonewatch-Login": "1"})
            answers[name] = (s, data)
            self.assertEqual(self.metric("webui_password_checks_total"),
                             before + 1, name)
        self.assertEqual(len(set(answers.values())), 1, answers)
        self.assertEqual(answers["view"][0], 401)

    def test_login_burst_does_not_stall_health(self):
        """60 addresses fail logins at once; /health from another address
        answers while they run (by completion, not by time)."""
        import threading
        done = []
        lock = threading.Lock()

        def bad_login(i):
            s = Client(self.app, f"127.0.1.{i + 1}").login(
                "view", "Wrong-pass-1")
            with lock:
                done.append(("login", s))

        threads = [threading.Thread(target=bad_login, args=(i,))
                   for i in range(60)]
        for t in threads:
            t.start()
        health = Client(self.app, "127.0.0.4")
        for _ in range(3):
            s, _, _ = health.request("GET", "/health")
            with lock:
                done.append(("health", s))
        for t in threads:
            t.join()
        kinds = [k for k, _ in done]
        self.assertEqual(kinds.count("health"), 3)
        # All three answered before the last login did.
        self.assertLess(max(i for i, k in enumerate(kinds) if k == "health"),
                        max(i for i, k in enumerate(kinds) if k == "login"))
        self.assertTrue(all(s in (401, 503) for k, s in done
                            if k == "login"), done)
        self.assertTrue(all(s == 200 for k, s in done if k == "health"))


class LoginRate(unittest.TestCase):
    def test_logins_are_rate_limited(self):
        app = Appliance(login_rate=3)
        try:
            for name, role in (("sec", "secadmin"),):
                r = run([ZWCTL, "-c", app.conf, "user", "add", name,
                         "--role", role, "--password-stdin"],
                        input=PASSWORD + "\n")
                self.assertEqual(r.returncode, 0, r.stderr)
            app.start()
            c = Client(app)
            got = [c.login("sec", "wrong") for _ in range(5)]
            self.assertEqual(got, [401, 401, 401, 429, 429])
        finally:
            self.assertEqual(app.stop(), 0)
            app.close()

    def test_health_is_not_rate_limited(self):
        """A monitoring system polls /health often; other requests from
        its address are still limited (1 a second here, 4 at once)."""
        app = Appliance(request_rate=1)
        try:
            app.start()
            c = Client(app)
            got = [c.request("GET", "/health") for _ in range(12)]
            self.assertEqual([s for s, _, _ in got], [200] * 12)
            # No poller has published anything: its age is not a number.
            self.assertIsNone(json.loads(got[0][2])["poller_age"])
            self.assertIn(429, [c.request("GET", "/login")[0]
                                for _ in range(12)])
        finally:
            self.assertEqual(app.stop(), 0)
            app.close()


class SlowClients(unittest.TestCase):
    """Connections that never finish a request cannot keep the web UI
    from everyone else: counted per address from their accept, given a
    deadline for the first request, and the oldest of them shed when
    all are taken. /health from another address answers (by completion)
    while they hold on."""

    def setUp(self):
        self.app = Appliance()
        self.app.start()
        self.socks = []

    def tearDown(self):
        for k in self.socks:
            k.close()
        self.assertEqual(self.app.stop(), 0)
        self.app.close()

    def hold(self, source, n):
        """n connections from source that send nothing."""
        for _ in range(n):
            k = socket.socket()
            k.bind((source, 0))
            k.connect(("127.0.0.1", self.app.port))
            self.socks.append(k)

    def metric(self, name):
        s, _, data = Client(self.app, source="127.0.0.3").request(
            "GET", "/metrics", headers={
                "Authorization": "Bearer prometheus-scrape-token"})
        self.assertEqual(s, 200)
        return int(re.search(rf"^zonewatch_{name} (\d+)$", data.decode(),
                             re.M).group(1))

    def closed(self, k):
        """True once the server has closed k (waits up to 30 s)."""
        k.settimeout(30)
        try:
            return k.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def test_one_address_cannot_hold_the_ui(self):
        self.hold("127.0.0.1", 300)
        s, _, data = Client(self.app, source="127.0.0.2").request(
            "GET", "/health")
        self.assertEqual(s, 200, data)
        self.assertTrue(self.closed(self.socks[-1]))
        # All but the address's 32 were turned away at once.
        self.assertGreaterEqual(self.metric("webui_shed_connections_total"),
                                300 - 32)

    def test_the_oldest_silent_are_shed(self):
        """Ten addresses, 30 each: more than all the slots (256)."""
        for a in range(10):
            self.hold(f"127.0.1.{a + 1}", 30)
        s, _, data = Client(self.app, source="127.0.0.2").request(
            "GET", "/health")
        self.assertEqual(s, 200, data)
        self.assertTrue(self.closed(self.socks[0]))

    def test_a_byte_at_a_time_meets_the_deadline(self):
        """A ClientHello sent a byte each half second: each byte resets
        the idle timeout, the deadline holds."""
        k = socket.socket()
        k.connect(("127.0.0.1", self.app.port))
        self.socks.append(k)
        hello = b"\x16\x03\x01\x02\x00" + b"\x01" * 512
        k.settimeout(0.5)
        for b in hello[:120]:
            try:
                k.send(bytes([b]))
                if k.recv(1) == b"":
                    break
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        else:
            self.fail("the connection was still open after 60 s")
        self.assertGreaterEqual(self.metric("webui_late_connections_total"),
                                1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
