"""Running the commands a test sets its stage with."""
import subprocess


def sh(*cmd, ok=True):
    """Runs cmd; unless ok is False, a failure fails the test, with what
    the command said."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if ok and r.returncode != 0:
        raise AssertionError(f"{cmd}: {r.stderr}")
    return r
