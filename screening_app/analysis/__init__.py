"""Patterns across many interviews, tested the way a statistician would (statsmodels, scipy).

Kept apart from ``domain/`` (standard library only) because it needs those libraries, and
imported only where the flags are computed: loading them takes a second or more.
"""
