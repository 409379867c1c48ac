"""What a form is rendered from besides the record and its protocol: the signature images
and the station it is printed at."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SignatureImage:
    signer: str  # person | interpreter | observer | interviewer
    mode: str  # signature | thumbprint | on_paper
    signer_name: str | None
    png: bytes | None  # the drawn signature (None for thumbprint / on paper)


@dataclass(frozen=True)
class FormContext:
    station_id: str
    camp: str
    demo: bool  # a demo station: every page says DEMO (large light watermark + header)
    page_size: str = "A4"  # "A4" or "Letter"
    # The station's event chain head when the form was made ("seq:hash"), printed in the
    # footer so a paper copy can be placed in the station's history.
    chain_head: str | None = None
    # The name people read for the interviewer (full name and rank); the record itself
    # carries the login name, which stays as it is because the record's hash covers it.
    interviewer_label: str | None = None
