"""A file system for tests that forgets, on a power cut, everything not made durable with
fsync: fs.py serves it through FUSE (its durable state kept by durable_state.py), and
harness.py mounts it, runs a child of the program on it and cuts the power."""
