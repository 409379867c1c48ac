"""Proof under faults: real work in a child process killed with SIGKILL at random points."""
