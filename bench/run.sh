#!/bin/sh
# make bench runs this: every benchmark of the project, in one run.
set -e
cd "$(dirname "$0")/.."
python3 bench/run.py
python3 bench/webui.py
