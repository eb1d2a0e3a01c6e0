#!/usr/bin/env python3
"""Conformance of zw-collector against nDPI 4.2's own reader (ndpiReader).

For every capture in PCAPDIR with a reference REFDIR/<name>.csv (made by
ndpiReader 4.2, see tests/pcap/README.md), runs

    zw-collector -r PCAP --flows-csv OUT.csv

and compares flows by key (l4proto, lower_ip, lower_port, upper_ip,
upper_port, vlan) and, for the flows found, the protocol name as
ndpi_protocol2name() prints it.  Prints both figures and fails when a
capture errors or either figure is below its threshold.
"""
import argparse
import csv
import ipaddress
import os
import subprocess
import sys
import tempfile

KEY = ("l4proto", "lower_ip", "lower_port", "upper_ip", "upper_port", "vlan")


def norm_ip(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text  # kept as printed; it will not match


def key_of(row):
    return (row["l4proto"], norm_ip(row["lower_ip"]), row["lower_port"],
            norm_ip(row["upper_ip"]), row["upper_port"], row["vlan"])


def read_rows(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as fp:
        return list(csv.DictReader(fp))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--collector", required=True)
    ap.add_argument("--pcaps", required=True)
    ap.add_argument("--refs", required=True)
    ap.add_argument("--min-found", type=float, default=99.0)
    ap.add_argument("--min-proto", type=float, default=99.0)
    ap.add_argument("--show", type=int, default=20,
                    help="mismatches to list")
    args = ap.parse_args()

    pcaps = sorted(f for f in os.listdir(args.pcaps)
                   if os.path.exists(os.path.join(args.refs, f + ".csv")))
    if not pcaps:
        print("conformance: no captures with references in", args.pcaps)
        return 1
    ref_total = found = same = errors = 0
    missing, differ, damaged = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in pcaps:
            out = os.path.join(tmp, name + ".csv")
            res = subprocess.run(
                [args.collector, "-q", "-r", os.path.join(args.pcaps, name),
                 "--flows-csv", out],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            # Exit 3: the file ends in a damaged record; everything before
            # it was processed and written (zw-collector(8)).  Reported.
            if res.returncode == 3 and os.path.exists(out):
                damaged.append(name)
            elif res.returncode != 0 or not os.path.exists(out):
                errors += 1
                print(f"conformance: {name}: exit {res.returncode}: "
                      f"{res.stderr.strip()}")
                continue
            mine = {}
            for row in read_rows(out):
                # A flow split by a timeout has several records; the one
                # with the most packets carries its classification.
                k = key_of(row)
                if k not in mine or int(row["packets"]) > int(mine[k]["packets"]):
                    mine[k] = row
            for ref in read_rows(os.path.join(args.refs, name + ".csv")):
                ref_total += 1
                k = key_of(ref)
                row = mine.get(k)
                if row is None:
                    missing.append((name, k))
                    continue
                found += 1
                if row["ndpi_proto"] == ref["ndpi_proto"]:
                    same += 1
                else:
                    differ.append((name, k, ref["ndpi_proto"],
                                   row["ndpi_proto"]))

    pct_found = 100.0 * found / ref_total if ref_total else 0.0
    pct_same = 100.0 * same / found if found else 0.0
    for name, k in missing[:args.show]:
        print(f"  missing  {name}: {' '.join(k)}")
    for name, k, want, got in differ[:args.show]:
        print(f"  differs  {name}: {' '.join(k)}: ndpiReader {want}, "
              f"zw-collector {got}")
    print(f"conformance: {len(pcaps)} captures, {errors} failed, "
          f"{len(damaged)} ending in a damaged record "
          f"({', '.join(damaged) or 'none'}); {ref_total} reference flows")
    print(f"conformance: flows found with the same key: {found}/{ref_total}"
          f" = {pct_found:.2f}% (need {args.min_found}%)")
    print(f"conformance: same ndpi_proto among those: {same}/{found}"
          f" = {pct_same:.2f}% (need {args.min_proto}%)")
    ok = errors == 0 and pct_found >= args.min_found and \
        pct_same >= args.min_proto
    print("conformance: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
