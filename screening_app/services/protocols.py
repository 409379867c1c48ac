"""Which protocol new interviews are taken on, and the exact protocol a record names.

The one answer to "which protocol is current": the newest version of the protocol the
station's ``protocol`` setting names (the default protocol until an admin sets another),
whether it came with the program (forms/) or down from headquarters (stored at the
station). Interviews, paper transcriptions, the review's flags and lists, and the
dashboard all ask here.
"""

from screening_app.domain.errors import NotFound, UserError
from screening_app.domain.messages import gettext as _
from screening_app.protocol import (
    DEFAULT_PROTOCOL_ID,
    Protocol,
    available_protocols,
    parse_protocol,
)
from screening_app.store.interviews import InterviewRepository
from screening_app.store.settings import SettingsRepository

# The station setting that names the protocol new interviews are taken on (its default is
# the default protocol; services/settings.py declares it).
PROTOCOL_SETTING = "protocol"


class StationProtocols:
    def __init__(self, repository: InterviewRepository, settings: SettingsRepository):
        self._repo = repository
        self._settings = settings
        self._parsed: dict[str, Protocol] = {}

    def current_id(self) -> str:
        """The id of the protocol the station takes interviews on."""
        return self._settings.value(PROTOCOL_SETTING) or DEFAULT_PROTOCOL_ID

    def current(self) -> Protocol:
        """The protocol new interviews are taken on: the newest version of the station's
        protocol, bundled or published from headquarters."""
        protocol_id = self.current_id()
        bundled = max((p for p in available_protocols() if p.id == protocol_id),
                      key=lambda protocol: protocol.version, default=None)
        newest = self._repo.newest_protocol(protocol_id)
        if newest is not None and (bundled is None or newest[1] > bundled.version):
            return self.by_sha256(newest[0])
        if bundled is None:
            # Only an admin's setting names it, and setting it checks the id, so the
            # protocol has gone since (a data folder moved to an older installation).
            raise NotFound(_("The station's protocol {id!r} is neither bundled nor stored"
                             " here; set the protocol setting to one that is.").format(
                                 id=protocol_id))
        return bundled

    def version(self, protocol_id: str, version: object) -> Protocol | None:
        """One version of a protocol, bundled or stored here (from headquarters, or taken
        on before); None when the station has no such version."""
        for protocol in available_protocols():
            if protocol.id == protocol_id and protocol.version == version:
                return protocol
        if not isinstance(protocol_id, str) or not isinstance(version, int):
            return None
        sha256 = self._repo.protocol_version(protocol_id, version)
        return self.by_sha256(sha256) if sha256 is not None else None

    def known_ids(self) -> list[str]:
        """Every protocol id the station could take interviews on, sorted."""
        return sorted({p.id for p in available_protocols()} | self._repo.protocol_ids())

    def check_known(self, protocol_id: str) -> str:
        """``protocol_id`` if the station has that protocol; otherwise one sentence."""
        protocol_id = protocol_id.strip()
        known = self.known_ids()
        if protocol_id not in known:
            raise UserError(_("No protocol {id!r} is bundled or stored at this station; known:"
                              " {known}.").format(id=protocol_id, known=", ".join(known)))
        return protocol_id

    def by_sha256(self, sha256: str) -> Protocol:
        """The exact protocol an interview was taken on, from the station's own copy."""
        if sha256 not in self._parsed:
            source = self._repo.protocol_source(sha256)
            if source is None:
                raise NotFound(_("The protocol {sha256} is not stored at this station.").format(
                    sha256=sha256[:12]))
            self._parsed[sha256] = parse_protocol(source, f"stored protocol {sha256[:12]}")
        return self._parsed[sha256]

    def remember(self, protocol: Protocol) -> None:
        """A protocol just stored (the one a new interview is taken on): not parsed again."""
        self._parsed[protocol.sha256] = protocol
