"""Which protocol new interviews are taken on, and the exact protocol a record names.

The one answer to "which protocol is current": the newest version of the default
protocol, whether it came with the program (forms/) or down from headquarters (stored at
the station). Interviews, paper transcriptions, the review's flags and lists, and the
dashboard all ask here.
"""

from screening_app.domain.errors import NotFound
from screening_app.protocol import Protocol, default_protocol, parse_protocol
from screening_app.store.interviews import InterviewRepository


class StationProtocols:
    def __init__(self, repository: InterviewRepository):
        self._repo = repository
        self._parsed: dict[str, Protocol] = {}

    def current(self) -> Protocol:
        """The protocol new interviews are taken on."""
        bundled = default_protocol()
        newest = self._repo.newest_protocol(bundled.id)
        if newest is None or newest[1] <= bundled.version:
            return bundled
        return self.by_sha256(newest[0])

    def by_sha256(self, sha256: str) -> Protocol:
        """The exact protocol an interview was taken on, from the station's own copy."""
        if sha256 not in self._parsed:
            source = self._repo.protocol_source(sha256)
            if source is None:
                raise NotFound(f"The protocol {sha256[:12]} is not stored at this station.")
            self._parsed[sha256] = parse_protocol(source, f"stored protocol {sha256[:12]}")
        return self._parsed[sha256]

    def remember(self, protocol: Protocol) -> None:
        """A protocol just stored (the one a new interview is taken on): not parsed again."""
        self._parsed[protocol.sha256] = protocol
