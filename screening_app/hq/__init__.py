"""Headquarters, where the records of every station meet: its store and keys, the station
registry, the intake of station bundles, the bundles going down to stations, conflicts
between stations, the merged lists and the HTTP service."""
