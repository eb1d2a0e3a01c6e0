test-binaries:
fuzz-binaries:
