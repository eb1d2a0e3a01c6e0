"""Two network namespaces a test makes, joined by a veth pair: the
collector captures zwa in the first, traffic comes from the second.
Nothing is sent anywhere else.  Needs root and iproute2."""
import os
import shutil
import tempfile
import unittest

import command


class NetnsPair(unittest.TestCase):
    prefix = "zwf"

    def sh(self, *cmd, ok=True):
        return command.sh(*cmd, ok=ok)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=f"{self.prefix}-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        tag = f"{os.getpid() % 100000}"
        self.a, self.b = f"{self.prefix}a{tag}", f"{self.prefix}b{tag}"
        self.addCleanup(self.sh, "ip", "netns", "del", self.a, ok=False)
        self.addCleanup(self.sh, "ip", "netns", "del", self.b, ok=False)
        self.sh("ip", "netns", "add", self.a)
        self.sh("ip", "netns", "add", self.b)
        self.sh("ip", "link", "add", "zwa", "netns", self.a, "type", "veth",
                "peer", "name", "zwb", "netns", self.b)
        for ns, dev, n in ((self.a, "zwa", 1), (self.b, "zwb", 2)):
            self.sh("ip", "-n", ns, "addr", "add", f"10.99.0.{n}/24", "dev",
                    dev)
            self.sh("ip", "-n", ns, "addr", "add", f"fd00:99::{n}/64",
                    "dev", dev, "nodad")
            self.sh("ip", "-n", ns, "link", "set", dev, "up")
