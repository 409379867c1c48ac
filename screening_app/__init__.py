"""screening-app: offline screening interviews for voluntary repatriation."""

__version__ = "0.1.0"
# The day this version was made: `screening-app doctor` takes a clock that says earlier as
# wrong. Moved on with the version at each release.
RELEASE_DATE = "2026-12-04"
