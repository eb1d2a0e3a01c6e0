"""The isolation rules on traffic the tests write themselves, and on real
captures: each default rule fires where it should and nowhere else, and
traffic through a declared exit is not a violation.  Run by tests/run.sh
(suite "policy") with ZW_COLLECTOR set.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import pcapgen as pg  # noqa: E402
from command import COLLECTOR, DEMO  # noqa: E402

REAL = os.path.join(ROOT, "tests", "policy", "real.conf")
REAL_EXIT = os.path.join(ROOT, "tests", "policy", "real-exit.conf")
PCAPS = os.path.join(ROOT, "tests", "pcap", "ndpi")

# conf/exits.conf: the routers of the two declared exits of Fuzhou.
EXIT_MAC = bytes.fromhex("001e73360001")
EXIT_VLAN = 360
EXTRANET = "10.36.17.5"          # 建昌镇, in Nancheng county
EXTRANET2 = "10.36.33.9"         # 日峰镇, in Lichuan county
INTERNAL = "172.16.1.1"
INTERNET = "1.2.3.4"
UNREGISTERED = "192.168.1.1"

CONNECT = (b"CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com"
           b":443\r\n\r\n", b"HTTP/1.1 200 Connection established\r\n\r\n")
SSH = (b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", b"SSH-2.0-OpenSSH_8.9p1\r\n")


def violations(caps, conf=DEMO, status=None):
    args = [COLLECTOR, "-q", "--config", conf, "--violations", "-"]
    for c in caps:
        args += ["-r", c]
    if status:
        args += ["--status", status]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"zw-collector exit {r.returncode}: {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines()]


class Crafted(unittest.TestCase):
    """One capture per case; the exact violations it must give."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zw-policy-")
        self.n = 0

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def capture(self, build):
        self.n += 1
        path = os.path.join(self.dir, f"c{self.n}.pcap")
        w = pg.PcapWriter(path)
        build(w)
        w.close()
        return path

    def udp(self, src, dst, **kw):
        return self.capture(lambda w: w.add(1.0, pg.frame(
            src, dst, pg.UDP, pg.udp(40000, 5000, b"zonewatch"), **kw)))

    def session(self, client, server, port, exchange, **kw):
        return self.capture(lambda w: pg.tcp_session(
            w, 1.0, client, 50000, server, port, *exchange, **kw))

    def fired(self, cap):
        return sorted((v["rule"], v["src_ip"], v["dst_ip"])
                      for v in violations([cap]))

    def test_internal_vlan_on_the_link(self):
        self.assertEqual(self.fired(self.udp(EXTRANET, EXTRANET2,
                                             vlans=(950,))),
                         [(1001, EXTRANET, EXTRANET2)])

    def test_internal_to_internet(self):
        self.assertEqual(self.fired(self.udp(INTERNAL, INTERNET)),
                         [(1002, INTERNAL, INTERNET)])

    def test_internal_and_extranet(self):
        self.assertEqual(self.fired(self.udp(EXTRANET, INTERNAL)),
                         [(1003, EXTRANET, INTERNAL)])

    def test_internal_to_unregistered(self):
        self.assertEqual(self.fired(self.udp(INTERNAL, UNREGISTERED)),
                         [(1004, INTERNAL, UNREGISTERED)])

    def test_extranet_to_internet_without_exit(self):
        self.assertEqual(self.fired(self.udp(EXTRANET, INTERNET)),
                         [(1010, EXTRANET, INTERNET)])

    def test_unregistered_to_internet_without_exit(self):
        self.assertEqual(self.fired(self.udp(UNREGISTERED, INTERNET)),
                         [(1011, UNREGISTERED, INTERNET)])

    def test_through_a_declared_exit_is_no_violation(self):
        cases = {
            "to the exit router": dict(mac_dst=EXIT_MAC),
            "from the exit router": dict(mac_src=EXIT_MAC, src=INTERNET,
                                         dst=EXTRANET),
            "on the exit's VLAN": dict(vlans=(EXIT_VLAN,)),
            "from the exit's address": dict(src="59.255.36.1"),
        }
        for name, kw in cases.items():
            src = kw.pop("src", EXTRANET)
            dst = kw.pop("dst", INTERNET)
            with self.subTest(name):
                self.assertEqual(self.fired(self.udp(src, dst, **kw)), [])
        self.assertEqual(self.fired(self.udp(UNREGISTERED, INTERNET,
                                             mac_dst=EXIT_MAC)), [])

    def test_within_the_extranet_is_no_violation(self):
        self.assertEqual(self.fired(self.udp(EXTRANET, EXTRANET2)), [])
        self.assertEqual(self.fired(self.session(EXTRANET, EXTRANET2, 22,
                                                 SSH)), [])

    def test_proxy_from_the_extranet(self):
        cap = self.session(EXTRANET, INTERNET, 3128, CONNECT)
        self.assertEqual(self.fired(cap), [(1010, EXTRANET, INTERNET),
                                           (1023, EXTRANET, INTERNET)])
        # Through the exit the proxy is still one; the way out is not.
        cap = self.session(EXTRANET, INTERNET, 3128, CONNECT,
                           mac_dst=EXIT_MAC)
        self.assertEqual(self.fired(cap), [(1023, EXTRANET, INTERNET)])

    def test_proxy_rule_has_a_direction(self):
        # An internet client using a proxy in the extranet: not rule 1023,
        # which is about extranet hosts reaching out; nor 1010: the
        # internet began it (1012).
        cap = self.session(INTERNET, EXTRANET, 3128, CONNECT)
        self.assertEqual(self.fired(cap), [(1012, INTERNET, EXTRANET)])

    def test_internet_begun_flow_is_its_own_finding(self):
        """The internet reaching in is an exposure or a scan (1012), not
        an extranet host reaching out (1010)."""
        self.assertEqual(self.fired(self.udp(INTERNET, EXTRANET)),
                         [(1012, INTERNET, EXTRANET)])
        cap = self.capture(lambda w: w.add(1.0, pg.frame(
            INTERNET, EXTRANET, pg.TCP, pg.tcp(40001, 3389, pg.SYN))))
        # A SYN to RDP's port: the exposure, and remote login (by port).
        self.assertEqual(self.fired(cap), [(1012, INTERNET, EXTRANET),
                                           (1025, INTERNET, EXTRANET)])
        got = violations([self.session(INTERNET, EXTRANET, 22, SSH)])
        self.assertEqual(sorted((v["rule"], v["src_ip"]) for v in got),
                         [(1012, INTERNET), (1025, INTERNET)])
        # Through a declared exit, no finding either way.
        self.assertEqual(self.fired(self.udp(INTERNET, EXTRANET,
                                             mac_src=EXIT_MAC)), [])

    def test_a_server_answer_seen_first_is_the_client_reaching_out(self):
        """A capture that starts mid-conversation sees the server first:
        a SYN+ACK, or a segment or datagram from a well-known port to an
        ephemeral one.  The extranet host began it: 1010, with the host
        as the record's source."""
        cases = {
            "SYN+ACK": pg.tcp(443, 50000, pg.SYN | pg.ACK),
            "mid-stream segment": pg.tcp(80, 50123, pg.ACK, b"x" * 20),
        }
        for name, seg in cases.items():
            with self.subTest(name):
                cap = self.capture(lambda w, seg=seg: w.add(1.0, pg.frame(
                    INTERNET, EXTRANET, pg.TCP, seg)))
                self.assertEqual(self.fired(cap),
                                 [(1010, EXTRANET, INTERNET)])
        cap = self.capture(lambda w: w.add(1.0, pg.frame(
            INTERNET, EXTRANET, pg.UDP, pg.udp(53, 40000, b"answer"))))
        self.assertEqual(self.fired(cap), [(1010, EXTRANET, INTERNET)])
        # Both ends on well-known ports, or a SYN from one: as sent.
        cap = self.capture(lambda w: w.add(1.0, pg.frame(
            INTERNET, EXTRANET, pg.UDP, pg.udp(123, 123, b"ntp"))))
        self.assertEqual(self.fired(cap), [(1012, INTERNET, EXTRANET)])
        cap = self.capture(lambda w: w.add(1.0, pg.frame(
            INTERNET, EXTRANET, pg.TCP, pg.tcp(80, 50000, pg.SYN))))
        self.assertEqual(self.fired(cap), [(1012, INTERNET, EXTRANET)])

    def test_socks_and_remote_login(self):
        cap = self.session(EXTRANET, INTERNET, 1080, (b"\x05\x01\x00",
                                                      b"\x05\x00"))
        self.assertEqual([v["rule"] for v in violations([cap])
                          if v["rule"] != 1010], [1023])
        cap = self.session(EXTRANET, INTERNET, 22, SSH)
        got = violations([cap])
        self.assertEqual(sorted(v["rule"] for v in got), [1010, 1025])
        self.assertEqual([v["app"] for v in got if v["rule"] == 1025],
                         ["SSH"])

    def test_a_rule_fires_once_per_flow(self):
        def build(w):
            for i in range(50):
                w.add(1.0 + i, pg.frame(EXTRANET, INTERNET, pg.UDP,
                                        pg.udp(40000, 5000, b"x" * i)))
        cap = self.capture(build)
        status = os.path.join(self.dir, "status.json")
        got = violations([cap], status=status)
        self.assertEqual([v["rule"] for v in got], [1010])
        with open(status) as fp:
            hits = {r["id"]: r["hits"] for r in json.load(fp)["rules"]}
        self.assertEqual(hits[1010], 1)
        self.assertEqual(sum(hits.values()), 1)
        # Every shipped rule is listed, those that did not fire at 0.
        self.assertEqual(len(hits), 16)

    def test_record_names_sites_and_text(self):
        v = violations([self.udp(EXTRANET, INTERNAL)])[0]
        self.assertEqual(v["severity"], "critical")
        self.assertEqual(v["msg_zh"], "政务内网与政务外网互通")
        self.assertEqual((v["src_zone"], v["dst_zone"]),
                         ("external", "internal"))
        self.assertEqual(v["src_site"], "nancheng-jianchang")


class Real(unittest.TestCase):
    """nDPI's captures with their clients placed in the extranet."""
    EXPECTED = {
        "tor.pcap": {1010: 8, 1020: 3},
        "443-opvn.pcap": {1010: 1, 1021: 1},
        # The capture starts mid-tunnel with the internet peer's packet,
        # between ports that do not tell the server (51820, 36116): read
        # as sent, the internet began it.
        "wireguard.pcap": {1012: 1, 1021: 1},
        # tinc's peers, 55656 to 55656: one UDP flow the internet began.
        "tinc.pcap": {1010: 3, 1012: 1, 1021: 4},
        "forticlient.pcap": {1010: 5, 1021: 5},
        # No 1011: its flow is the internet sending to fd00::/8 (unique
        # local, RFC 4193), which the unregistered address did not begin.
        "ipv6_in_gtp.pcap": {1010: 1, 1022: 1},
        "anydesk-2.pcap": {1024: 2},
        # A peer on the internet sent the first datagram (uTP, between
        # two unprivileged ports).
        "bittorrent_utp.pcap": {1012: 1, 1030: 1},
        "ssh.pcap": {1001: 1},
        # No 1011: its four were internet hosts' broadcasts and multicast
        # (255.255.255.255, ff02::1), which no unregistered address began.
        "1kxun.pcap": {1010: 32},
    }

    def test_each_capture(self):
        for name, want in self.EXPECTED.items():
            with self.subTest(name):
                got = collections.Counter(
                    v["rule"] for v in violations([os.path.join(PCAPS,
                                                                name)], REAL))
                self.assertEqual(dict(got), want)

    def test_tunnel_rules_name_the_application(self):
        apps = {v["rule"]: v["app"] for v in violations(
            [os.path.join(PCAPS, n) for n in ("tor.pcap", "443-opvn.pcap",
                                              "anydesk-2.pcap")], REAL)
            if v["rule"] >= 1020}
        self.assertEqual(apps, {1020: "TLS.Tor", 1021: "OpenVPN",
                                1024: "TLS.AnyDesk"})

    def test_declared_exit(self):
        # tor.pcap's gateway declared as the county's exit: its internet
        # traffic is allowed, Tor still is not.
        got = violations([os.path.join(PCAPS, "tor.pcap")], REAL_EXIT)
        self.assertEqual(collections.Counter(v["rule"] for v in got),
                         {1020: 3})
        self.assertEqual({v["exit"] for v in got}, {"county-gw"})


class BadRules(unittest.TestCase):
    def check(self, rules_text):
        d = tempfile.mkdtemp(prefix="zw-rules-")
        try:
            with open(os.path.join(d, "r.rules"), "w") as fp:
                fp.write(rules_text)
            with open(os.path.join(d, "z.conf"), "w") as fp:
                fp.write('rules "r.rules"\n')
            r = subprocess.run([COLLECTOR, "-n", "--config",
                                os.path.join(d, "z.conf")],
                               capture_output=True, text=True)
            return r.returncode, r.stderr.replace(d + "/", "")
        finally:
            shutil.rmtree(d)

    def test_mistakes(self):
        rule = 'rule 7 {\n severity high\n msg-zh "测"\n msg-en "t"\n'
        cases = [
            (rule + " app NoSuchApp\n}\n",
             "r.rules:5: rule 7: nDPI has no protocol named NoSuchApp"),
            (rule + " category NoSuchCategory\n}\n",
             "r.rules:5: rule 7: nDPI has no category named NoSuchCategory"),
            (rule + " zones internal nowhere\n}\n",
             "r.rules:1: rule 7: zone nowhere is not declared"),
            (rule + "}\n", "r.rules:1: rule 7 matches every flow"),
            ('rule 7 {\n zones internal any\n}\n',
             "r.rules:1: rule 7 needs a severity, msg-zh and msg-en"),
            (rule + " zones internal any\n severity urgent\n}\n",
             "r.rules:6: severity urgent: one of critical"),
            (rule + " zones internal any\n}\n" + rule + " zones any any\n}\n",
             "r.rules:7: rule 7 declared twice"),
            (rule + " direction a-to-b\n app Tor\n}\n",
             "r.rules:1: rule 7: a direction needs zones"),
            (rule + " exit nowhere\n}\n",
             "r.rules:1: rule 7: exit nowhere is not declared"),
            ("zone internal {\n}\n", 'r.rules:1: unknown keyword "zone"'),
            (rule + " zones internal any\n frobnicate\n}\n",
             'r.rules:6: unknown keyword "frobnicate" in rule 7'),
        ]
        for text, want in cases:
            with self.subTest(want):
                code, err = self.check(text)
                self.assertEqual(code, 1)
                self.assertIn(want, err)

    def test_shipped_rules_check(self):
        r = subprocess.run([COLLECTOR, "-n", "-v", "--config", DEMO],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("16 rules", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
