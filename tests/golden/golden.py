#!/usr/bin/env python3
"""The collector's own output for each bundled capture, kept exact.

For every capture in tests/pcap/ndpi, tests/golden/NAME.out holds what
zw-collector makes of it with the shipped configuration: its flow records
(--flows-csv, byte for byte) and the counts of its status file that the
capture alone decides (the decoder's totals and every reason it refused a
frame for, flows made and how they ended, fragments, DPI), as tcpdump
keeps a .out per capture. A change to any of them is seen in review.

    tests/golden/golden.py --check     compare (the test suite runs this)
    tests/golden/golden.py --update    write them anew, after a change
                                       that is meant, to be reviewed

The collector is ZW_COLLECTOR, else the release build.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PCAPS = os.path.join(ROOT, "tests", "pcap", "ndpi")
CONF = os.path.join(ROOT, "conf", "zonewatch.conf")


def collector():
    return os.environ.get("ZW_COLLECTOR",
                          os.path.join(ROOT, "collector", "zw-collector"))


def counts(status):
    """The status's figures that depend on the capture alone, as lines."""
    d = status["decode"]
    lines = [f"decode packets {d['packets']} bytes {d['bytes']} decoded "
             f"{d['decoded']} dropped {d['dropped']} malformed "
             f"{d['malformed']}"]
    lines += [f"reject {k} {v}" for k, v in sorted(d["reasons"].items())
              if v]
    f = status["flows"]
    lines.append(f"flows created {f['created']} max_active "
                 f"{f['max_active']} " + " ".join(
                     f"{k} {v}" for k, v in sorted(f["ended"].items())))
    lines.append("fragments " + " ".join(
        f"{k} {v}" for k, v in sorted(status["fragments"].items())))
    p = status["dpi"]
    lines.append(f"dpi packets {p['packets']} detected {p['detected']} "
                 f"guessed {p['guessed']} unknown {p['unknown']}")
    return lines


def make(name, tmp):
    """The .out text of one capture."""
    csv = os.path.join(tmp, name + ".csv")
    st = os.path.join(tmp, name + ".json")
    r = subprocess.run([collector(), "-q", "--config", CONF, "--no-store",
                        "--no-rrd", "--flows-csv", csv, "--status", st,
                        "-r", os.path.join(PCAPS, name)],
                       capture_output=True, text=True)
    # A damaged capture ends the collector with 3 and says so; that is
    # kept too. No status is a crash.
    if not os.path.exists(st) or not os.path.exists(csv):
        raise RuntimeError(f"{name}: zw-collector exit {r.returncode}: "
                           f"{r.stderr[-500:]}")
    said = "".join(f"# {ln}\n" for ln in
                   r.stderr.replace(ROOT + "/", "").splitlines())
    with open(csv, encoding="utf-8") as fp:
        flows = fp.read()
    with open(st) as fp:
        status = json.load(fp)
    return (f"# zw-collector --config conf/zonewatch.conf -r "
            f"tests/pcap/ndpi/{name}\n# exit {r.returncode}\n" + said + flows +
            "# status\n" + "\n".join(counts(status)) + "\n")


def names():
    return sorted(n for n in os.listdir(PCAPS) if not n.startswith("."))


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--update", action="store_true")
    a = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="zw-golden-") as tmp:
        for name in names():
            got = make(name, tmp)
            path = os.path.join(HERE, name + ".out")
            if a.update:
                with open(path, "w", encoding="utf-8") as fp:
                    fp.write(got)
                continue
            try:
                with open(path, encoding="utf-8") as fp:
                    want = fp.read()
            except FileNotFoundError:
                want = ""
            if got != want:
                bad += 1
                sys.stdout.writelines(list(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True),
                    f"tests/golden/{name}.out", "zw-collector now"))[:40])
    if a.check:
        print(f"golden: {len(names()) - bad} of {len(names())} captures "
              f"as kept")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
