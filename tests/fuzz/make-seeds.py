#!/usr/bin/env python3
"""Writes the seed corpora from the bundled captures: a few frames of each
classic pcap, as fuzz-decode (link-type byte + frame) and fuzz-pipeline
(length-prefixed Ethernet frames) expect them.  Run once; the seeds are
committed."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PCAPS = os.path.join(HERE, "..", "pcap", "ndpi")
# Index into the harness's link-type table.
LINKS = {1: 0, 113: 1, 276: 2, 0: 3, 108: 4, 101: 5, 12: 5, 228: 6, 229: 7,
         9: 8, 50: 9, 104: 10}


def frames(path, limit):
    with open(path, "rb") as fp:
        hdr = fp.read(24)
        if len(hdr) < 24 or hdr[:4] not in (b"\xd4\xc3\xb2\xa1",
                                            b"\x4d\x3c\xb2\xa1"):
            return None, []
        linktype = struct.unpack("<I", hdr[20:24])[0] & 0xffff
        out = []
        while len(out) < limit:
            rec = fp.read(16)
            if len(rec) < 16:
                break
            caplen = struct.unpack("<IIII", rec)[2]
            data = fp.read(caplen)
            if len(data) < caplen:
                break
            out.append(data)
        return linktype, out


def main():
    dec = os.path.join(HERE, "corpus", "decode")
    pipe = os.path.join(HERE, "corpus", "pipeline")
    os.makedirs(dec, exist_ok=True)
    os.makedirs(pipe, exist_ok=True)
    for name in sorted(os.listdir(PCAPS)):
        lt, fr = frames(os.path.join(PCAPS, name), 12)
        if lt not in LINKS or not fr:
            continue
        base = os.path.splitext(name)[0]
        for i, f in enumerate(fr[:3]):
            with open(os.path.join(dec, f"{base}-{i}"), "wb") as fp:
                fp.write(bytes([LINKS[lt]]) + f)
        if lt == 1:
            with open(os.path.join(pipe, base), "wb") as fp:
                for f in fr:
                    f = f[:2048]
                    fp.write(struct.pack("!HB", len(f), 0) + f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
