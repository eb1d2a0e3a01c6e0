#!/usr/bin/env python3
"""make bench, the web UI: wrk (Debian's) against zw-webui's main JSON
endpoints, with a store of 1,000,000 violations and a configuration of
2,000 sites, on loopback.  Reports requests a second and the latency
percentiles wrk measures; the goal is a p99 under 100 ms.

The store is made once in bench/out/webui/ (rows written straight into
the schema that zwctl created) and reused.  Nothing here asserts.
"""
import os
import random
import re
import shutil
import socket
import sqlite3
import ssl
import struct
import http.client
import json
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import OUT, ROOT, policy_conf  # noqa: E402

WEBUI = os.path.join(ROOT, "webui", "zw-webui")
COLLECTOR = os.path.join(ROOT, "collector", "zw-collector")
ZWCTL = os.path.join(ROOT, "ctl", "zwctl")
ROWS = int(os.environ.get("ZW_BENCH_VIOLATIONS", "1000000"))
SECONDS = int(os.environ.get("ZW_BENCH_WRK_SECONDS", "10"))
PASSWORD = "Bench-pass-2026"

ENDPOINTS = [
    ("overview", "/api/"),
    ("violations, first page", "/api/violations"),
    ("violations, high and new", "/api/violations?severity=high&state=new"),
    ("violations, deep page", "/api/violations?before=%d" % (ROWS // 2)),
    ("a violation", "/api/violations/%d" % (ROWS // 3)),
    ("bandwidth, 2,000 sites", "/api/bandwidth"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_store(conf, path):
    """ROWS violations over 200 days, by 2,000 sites' hosts."""
    if os.path.exists(path):
        db = sqlite3.connect(path)
        n = db.execute("SELECT count(*) FROM violations").fetchone()[0]
        db.close()
        if n == ROWS:
            return
        os.unlink(path)
    shutil.rmtree(os.path.join(os.path.dirname(path), "admin"), True)
    # The event store, made by the collector reading an empty capture;
    # the administrators' store by the first account.
    empty = os.path.join(os.path.dirname(path), "empty.pcap")
    with open(empty, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    r = subprocess.run([COLLECTOR, "-q", "--config", conf, "--store", path,
                        "-r", empty], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench: " + r.stderr)
    r = subprocess.run([ZWCTL, "-c", conf, "-s", path, "user", "add",
                        "loadtest", "--role", "secadmin", "--password-stdin"],
                       input=PASSWORD + "\n", capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench: " + r.stderr)
    rnd = random.Random(7)
    now = int(time.time()) * 1000000
    rules = [(1010, 1, "违规外联", "Extranet host reaching the internet"),
             (1020, 0, "匿名网络", "Anonymising network"),
             (1021, 1, "VPN", "VPN outside an exit"),
             (1030, 2, "P2P", "Peer-to-peer file sharing"),
             (1011, 2, "未登记地址", "Unregistered address")]

    def rows():
        for i in range(ROWS):
            rule, sev, zh, en = rules[rnd.randrange(len(rules))]
            t = now - (ROWS - i) * 17000000
            town = rnd.randrange(99)
            county = rnd.randrange(20)
            yield (rule, sev, zh, en, "tcp",
                   f"10.{county * 8 + town // 16}.{(town % 16) * 16}."
                   f"{rnd.randrange(1, 250)}", rnd.randrange(1024, 65535),
                   f"{rnd.randrange(1, 223)}.{rnd.randrange(256)}.0.1", 443,
                   0, "external", "internet", f"town{county}-{town}", "",
                   "", "TLS", "Web", "", "", t, t, 1, 10, 1000,
                   rnd.choice((0, 0, 0, 1, 2, 3)), t, t)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.executemany(
        "INSERT INTO violations (rule, severity, msg_zh, msg_en, l4proto,"
        " src_ip, src_port, dst_ip, dst_port, vlan, src_zone, dst_zone,"
        " src_site, dst_site, exit, app, category, hostname, detail,"
        " first_us, last_us, flows, packets, bytes, state, created_us,"
        " updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
    db.commit()
    db.close()


def wrk(url, cookie):
    r = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{SECONDS}s",
                        "--latency", "-H", f"Cookie: zw_session={cookie}",
                        url], capture_output=True, text=True)
    out = r.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", out, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(m):
        if not m:
            return float("nan")
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if \
            m.group(2) == "s" else v
    return (float(rps.group(1)) if rps else 0.0, ms(p50), ms(p99),
            int(bad.group(1)) if bad else 0)


def failing_logins(port, source, stop):
    """Wrong passwords from one loopback address until stop is set."""
    ctx = ssl._create_unverified_context()
    while not stop.is_set():
        try:
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                            timeout=30,
                                            source_address=(source, 0))
            c.request("POST", "/api/login", body="user=loadtest&password="
                      "Wrong-pass-2026", headers={
                          "X-Zonewatch-Login": "1", "Content-Type":
                          "application/x-www-form-urlencoded"})
            c.getresponse().read()
            c.close()
        except OSError:
            time.sleep(0.05)


def health_under_logins(port, cookie, addresses=60):
    """/health's latency alone, then while `addresses` loopback addresses
    fail logins at once (each costs an scrypt in the login pool)."""
    url = f"https://127.0.0.1:{port}/health"
    _, _, alone, _ = wrk(url, cookie)
    stop = threading.Event()
    threads = [threading.Thread(target=failing_logins, daemon=True,
                                args=(port, f"127.0.1.{i + 1}", stop))
               for i in range(addresses)]
    for t in threads:
        t.start()
    time.sleep(1)
    _, _, burst, bad = wrk(url, cookie)
    stop.set()
    for t in threads:
        t.join(60)
    print(f"  /health p99 {alone:.1f} ms alone, {burst:.1f} ms while "
          f"{addresses} addresses fail logins ({burst / alone:.1f}x; "
          f"{bad} errors); goal under 50 ms")


def main():
    for tool in (WEBUI, ZWCTL):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} missing: run make bench")
    d = os.path.join(OUT, "webui")
    os.makedirs(d, exist_ok=True)
    sites, nsites = policy_conf()
    port = free_port()
    conf = os.path.join(d, "zw.conf")
    with open(conf, "w") as fp:
        fp.write(f'include "{sites}"\nstore "{d}/events.db"\n'
                 f'rrd-dir "{d}/rrd"\nstatus "{d}/status.json"\n'
                 f'poller-status "{d}/poller.json"\n'
                 f'webui-cert "{d}/webui.crt"\nwebui-key "{d}/webui.key"\n'
                 f'webui-listen "127.0.0.1:{port}"\n'
                 f"webui-request-rate 10000000\nwebui-login-rate 1000\n")
    t = time.time()
    make_store(conf, os.path.join(d, "events.db"))
    made = time.time() - t
    log = open(os.path.join(d, "webui.log"), "w")
    proc = subprocess.Popen([WEBUI, "-c", conf], stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        ctx = ssl._create_unverified_context()
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
        c.request("POST", "/api/login", body=f"user=loadtest&password="
                  f"{PASSWORD}", headers={"X-Zonewatch-Login": "1",
                  "Content-Type": "application/x-www-form-urlencoded"})
        resp = c.getresponse()
        cookie = re.search(r"zw_session=([0-9a-f]{64})",
                           resp.getheader("Set-Cookie") or "")
        resp.read()
        if not cookie:
            sys.exit("bench: cannot log in to the web UI")
        print(f"\nwebui: {ROWS:,} violations, {nsites:,} sites "
              f"(store {'made in %.0f s' % made if made > 1 else 'reused'}"
              f"); wrk, 2 threads, 16 connections, {SECONDS} s each, "
              f"HTTPS on loopback")
        print(f"  {'':28} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
              f" {'errors':>7}")
        worst = 0.0
        for name, path in ENDPOINTS:
            rps, p50, p99, bad = wrk(f"https://127.0.0.1:{port}{path}",
                                     cookie.group(1))
            worst = max(worst, p99)
            print(f"  {name:28} {rps:11,.0f} {p50:8.1f} {p99:8.1f} "
                  f"{bad:7d}")
        print(f"  worst p99 {worst:.1f} ms; target under 100 ms")
        health_under_logins(port, cookie.group(1))
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
