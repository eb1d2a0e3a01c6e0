bench-binaries:
