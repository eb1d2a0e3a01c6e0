"""The programs under test, and running the commands a test sets its
stage with."""
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO = os.path.join(ROOT, "conf", "zonewatch.conf")


def program(var, name):
    """A program of the sanitizer build, or where tests/run.sh's variable
    points."""
    return os.path.abspath(os.environ.get(var, f"build/check/{name}"))


COLLECTOR = program("ZW_COLLECTOR", "zw-collector")
ZWCTL = program("ZW_ZWCTL", "zwctl")
POLLER = program("ZW_POLLER", "zw-poller")
AGENTX = program("ZW_AGENTX", "zw-agentx")
WEBUI = program("ZW_WEBUI", "zw-webui")


def sh(*cmd, ok=True):
    """Runs cmd; unless ok is False, a failure fails the test, with what
    the command said."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if ok and r.returncode != 0:
        raise AssertionError(f"{cmd}: {r.stderr}")
    return r
