"""Proof under faults: processes killed at random points, full disks, read-only folders."""
