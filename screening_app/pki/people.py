"""Whose certificate is this: a station's, or a person's at a station.

Headquarters' CA issues what a request asks for, so the subject is how everyone later tells
who signed: a station's certificate is "CN=Station <id>, OU=<camp>" (hq/registry.py reads
it), and a person's "CN=<Role> <login name>, OU=Station <id>". The station makes a person's
request from the signed-in account (its role and login name, the station's id), and the CA
operator reads the subject before issuing it; from then on the subject says which station
the person signs for, which is what verify and headquarters' intake check on every form.
"""

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from screening_app.pki.certificates import common_name

PERSON_ROLES = ("Interviewer", "Supervisor", "Admin")
_PERSON_CN = re.compile(r"^(?P<role>" + "|".join(PERSON_ROLES) + r") (?P<name>\S+)$")
_STATION = re.compile(r"^Station (?P<id>\S+)$")


@dataclass(frozen=True)
class PersonSubject:
    role: str  # as the certificate names it: "Interviewer", "Supervisor" or "Admin"
    name: str  # the login name
    station_id: str


def person_names(role: str, name: str, station_id: str) -> tuple[str, str]:
    """(common name, organisational unit) of a person's certificate request."""
    return f"{role.capitalize()} {name}", f"Station {station_id}"


def person_of(certificate: x509.Certificate) -> PersonSubject | None:
    """The person a certificate was issued to, or None when it is not a person's."""
    match = _PERSON_CN.match(common_name(certificate))
    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    station = _STATION.match(str(units[0].value)) if len(units) == 1 else None
    if match is None or station is None:
        return None
    return PersonSubject(match["role"], match["name"], station["id"])


def station_of_signer(certificate: x509.Certificate) -> str | None:
    """The station a signing certificate belongs to: the station's own ("Station <id>"), or
    the station named in a person's certificate; None for anything else."""
    own = _STATION.match(common_name(certificate))
    if own is not None:
        return own["id"]
    person = person_of(certificate)
    return person.station_id if person else None
