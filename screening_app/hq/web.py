"""Headquarters over HTTP: stations push bundles, operators look at the state of things.

- ``POST /api/v1/bundles``: the body is a station's up bundle. It is streamed to a file in
  the HQ folder (never held whole in memory), ingested whole or not at all, and answered
  with the down bundle for that station. A refusal answers 4xx with ``{"error": "<one
  sentence>"}``: 400 damaged or forged, 403 unknown or revoked station, 409 a fork or gap
  in the station's history or a record that differs from the one held, 413 too big; 408
  when the body stops arriving, 503 when the uploads in progress already hold all the
  bytes headquarters allows at once (hq/receiving.py, hq/upload_limits.py; connections are
  bounded by hq/connections.py). A refusal before a station's signature vouched for the
  upload is counted against the sender's address, not written down as an incident
  (hq/junk.py). A gap from a station that applies resend requests is answered 409 with a
  down bundle asking it to send again what headquarters lacks (hq/resend.py).
- ``GET /``: one server-rendered page for HQ operators (HTTP Basic, checked against the
  operators table): stations, refused bundles, the conflict queue with the records side by
  side, and links to the merged lists (``GET /lists/<section>.csv``,
  ``GET /lists/merged-lists.pdf``).
- ``GET /healthz``: "ok", without authentication.

A SQLite connection belongs to the thread that opened it, and Starlette runs blocking work
on a pool of threads. So every piece of database work opens its own connection on the
worker thread that does it (``Headquarters.with_new_connection``) and closes it there.
On SQLite, ingestion is also serialised by a lock, because two intakes would only queue on
SQLite's write lock, and a long one could outlast the busy timeout of the other; on
PostgreSQL, intakes of different stations run at once, in several processes if asked
(``hq/workers.py``).
"""

import base64
import binascii
import contextlib
import html
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Route

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.hq import conflicts, merged_lists
from screening_app.hq import flags as pattern_flags
from screening_app.hq.connections import guarded_protocol
from screening_app.hq.down import build_down_bundle
from screening_app.hq.headquarters import Headquarters, verify_operator
from screening_app.hq.intake import (
    ChainBroken,
    EventsMissing,
    IntakeReceipt,
    RecordDiffers,
    RevokedStation,
    UnknownStation,
    ingest,
)
from screening_app.hq.junk import JunkTally, PendingJunk, write_pending
from screening_app.hq.receiving import UploadRefused, receive_upload
from screening_app.hq.registry import list_stations
from screening_app.hq.resend import GapAnswered, answer_gap
from screening_app.hq.upload_limits import ReceivingBudget, UploadLimits
from screening_app.sync.bundle import BundleError
from screening_app.sync.push_client import FILE_NAME_HEADER, REFUSAL_HEADER, RESEND_HEADER

INCOMING = "incoming"  # the folder inside the HQ folder where uploads wait for intake
REALM = "screening-app headquarters"
DEFAULT_PORT = 8765
log = logging.getLogger("screening_app.hq.web")
T = TypeVar("T")

# Choices are secret (people who refuse repatriation face reprisals): nothing is cached,
# framed, or allowed to run script.
_PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
                               " frame-ancestors 'none'",
}


def status_for(error: BaseException) -> int:
    """The HTTP status of a refused bundle."""
    if isinstance(error, UnknownStation | RevokedStation):
        return 403
    if isinstance(error, ChainBroken | RecordDiffers):
        return 409
    return 400


class _Service:
    """The app's state: the open headquarters (whose own connection stays on the thread
    that opened it, unused here) and the lock that serialises intake."""

    def __init__(self, hq: Headquarters, limits: UploadLimits):
        self.hq = hq
        self.limits = limits
        self.budget = ReceivingBudget(limits.max_receiving_bytes)
        self.junk = JunkTally(self.write_junk)
        self.incoming = hq.folder / INCOMING
        # SQLite lets one writer in at a time: intakes queue here rather than on its busy
        # timeout. PostgreSQL takes several at once, one per station (store.lock_station).
        self._intake_lock = (threading.Lock() if hq.store.serialises_writers
                             else contextlib.nullcontext())
        sweep_abandoned_uploads(self.incoming)

    def on_own_connection(self, work: Callable[[Headquarters], T]) -> T:
        """Run ``work`` with a connection opened (and closed) on the calling thread."""
        hq = self.hq.with_new_connection()
        try:
            return work(hq)
        finally:
            hq.close()

    def write_junk(self, pending: dict[str, PendingJunk]) -> None:
        # Under the intake lock: a long intake holds SQLite's write lock longer than the
        # busy timeout; the counts wait in memory meanwhile.
        with self._intake_lock:
            self.on_own_connection(lambda hq: write_pending(hq.store, pending))

    def ingest_and_reply(self, upload: Path, folder: Path, client_address: str
                         ) -> tuple[IntakeReceipt, Path]:
        def work(hq: Headquarters) -> tuple[IntakeReceipt, Path]:
            try:
                receipt = ingest(hq, upload, via="http", client_address=client_address)
            except EventsMissing as gap:
                answer = answer_gap(hq, upload, gap, folder)
                if answer is None:
                    raise
                raise GapAnswered(gap, answer) from None
            return receipt, build_down_bundle(hq, receipt.station_id, folder)

        with self._intake_lock:
            return self.on_own_connection(work)


def sweep_abandoned_uploads(incoming: Path, older_than_seconds: float = 86_400) -> int:
    """Remove what a server killed mid-upload left behind. Only old folders: another
    server on the same HQ folder may be receiving a bundle right now. Returns how many."""
    if not incoming.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    swept = 0
    for folder in incoming.glob("http-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                swept += 1
        except OSError:
            continue  # gone meanwhile
    if swept:
        log.info("removed %d abandoned uploads from %s", swept, incoming)
    return swept


# -- the bundle endpoint --------------------------------------------------------------------
def _refusal(status: int, sentence: str, headers: dict[str, str] | None = None
             ) -> JSONResponse:
    return JSONResponse({"error": sentence}, status_code=status, headers=headers)


async def receive_bundle(request: Request) -> Response:
    service: _Service = request.app.state.service
    service.incoming.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="http-", dir=service.incoming))
    reservation = service.budget.reservation()

    def remove_upload() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        reservation.release()  # only once the bytes are gone from the disk

    keep = False
    try:
        upload = folder / _upload_name(request)
        await receive_upload(request, upload, service.limits, reservation)
        reply = folder / "reply"
        receipt, down = await run_in_threadpool(service.ingest_and_reply, upload, reply,
                                                _client_address(request))
    except GapAnswered as gap:
        keep = True
        return FileResponse(
            gap.answer.path, status_code=409, media_type="application/octet-stream",
            filename=gap.answer.path.name,
            headers={RESEND_HEADER: str(gap.answer.after_seq),
                     REFUSAL_HEADER: _header_text(str(gap.refusal))},
            background=BackgroundTask(remove_upload))
    except UploadRefused as refusal:
        log.info("refused an upload from %s: %s", _client_address(request), refusal.sentence)
        if refusal.junk:
            service.junk.add(_client_address(request), refusal.sentence)
        # The body may be unfinished: close the connection rather than read the rest.
        return _refusal(refusal.status, refusal.sentence,
                        {**refusal.headers, "Connection": "close"})
    except BundleError as refusal:
        return _refusal(status_for(refusal), str(refusal))
    except UserError as problem:
        return _refusal(400, str(problem))
    except Exception:  # noqa: BLE001 -- logged with its traceback; the station gets a sentence
        log.exception("unexpected failure while taking in a bundle")
        return _refusal(500, "Headquarters failed unexpectedly while taking in the bundle;"
                             " the details are in its log.")
    else:
        keep = True
        return FileResponse(
            down, media_type="application/octet-stream", filename=down.name,
            headers={"X-Bundle-Id": receipt.bundle_id},
            background=BackgroundTask(remove_upload))
    finally:
        if not keep:
            remove_upload()


def _client_address(request: Request) -> str:
    """The peer's address (proxy headers are not trusted, so no client can choose it)."""
    return request.client.host if request.client else "unknown"


def _header_text(sentence: str) -> str:
    """A sentence as an HTTP header value can carry it: one line of ASCII."""
    return " ".join(sentence.encode("ascii", "backslashreplace").decode("ascii").split())


_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.scb$")


def _upload_name(request: Request) -> str:
    """The station's own name for the file when it is a plain bundle name (refusals and
    incidents then name the file the station has), else one made here."""
    name = request.headers.get(FILE_NAME_HEADER, "")
    if _SAFE_NAME.match(name):
        return name
    return f"http-upload-{utc_now()[:19].replace(':', '')}.scb"


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


# -- operators ------------------------------------------------------------------------------
def _credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        name, colon, password = base64.b64decode(encoded, validate=True).decode(
            "utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if colon and name else None


async def _signed_in_operator(request: Request) -> str | None:
    service: _Service = request.app.state.service
    credentials = _credentials(request)
    if credentials is None:
        return None
    name, password = credentials
    good = await run_in_threadpool(
        service.on_own_connection, lambda hq: verify_operator(hq.store, name, password))
    return name if good else None


def _ask_for_credentials() -> Response:
    return PlainTextResponse(
        "Sign in as a headquarters operator.", status_code=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"',
                 **_PRIVATE_HEADERS})


async def home(request: Request) -> Response:
    operator = await _signed_in_operator(request)
    if operator is None:
        return _ask_for_credentials()
    service: _Service = request.app.state.service
    page = await run_in_threadpool(service.on_own_connection,
                                   lambda hq: render_home(hq, operator))
    return HTMLResponse(page, headers=_PRIVATE_HEADERS)


_LIST_FILE = re.compile(r"^(?P<slug>[a-z]+)\.csv$")


async def list_file(request: Request) -> Response:
    operator = await _signed_in_operator(request)
    if operator is None:
        return _ask_for_credentials()
    service: _Service = request.app.state.service
    name = request.path_params["name"]
    match = _LIST_FILE.match(name)
    disposition = {"Content-Disposition": f'attachment; filename="{name}"', **_PRIVATE_HEADERS}
    if name == pattern_flags.CSV_FILE:
        text = await run_in_threadpool(service.on_own_connection, lambda hq: (
            pattern_flags.csv_text(pattern_flags.pattern_flags(hq.store))))
        return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers=disposition)
    known = merged_lists.known_list_slugs()
    if name != merged_lists.PDF_FILE and not (match and match["slug"] in known):
        return PlainTextResponse(f"There is no list named {name!r}.", status_code=404,
                                 headers=_PRIVATE_HEADERS)
    try:
        if match:
            text = await run_in_threadpool(service.on_own_connection, lambda hq: (
                merged_lists.csv_text(merged_lists.build(hq.store).section(match["slug"]))))
            # With the byte order mark, spreadsheet programs read Hangul and Hanzi right.
            return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                            headers=disposition)
        pdf = await run_in_threadpool(service.on_own_connection, lambda hq: (
            merged_lists.signed_pdf(hq, merged_lists.build(hq.store))))
        return Response(pdf, media_type="application/pdf", headers=disposition)
    except UserError as problem:  # a locked headquarters cannot sign
        return PlainTextResponse(str(problem), status_code=409, headers=_PRIVATE_HEADERS)


# -- the page -------------------------------------------------------------------------------
def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list], empty: str) -> str:
    if not rows:
        return f"<p class=none>{_e(empty)}</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _conflict_card(conflict: conflicts.Conflict) -> str:
    """The records side by side: one column per station."""
    records = conflict.records
    fields = (("Station", lambda r: r.station_id), ("Name", lambda r: r.name_native),
              ("Romanised", lambda r: r.name_latin), ("Choice", lambda r: r.choice),
              ("Finalised", lambda r: r.finalised_at[:16].replace("T", " ")),
              ("Review", lambda r: r.review_state.replace("_", " ")),
              ("Interviewer", lambda r: r.interviewer), ("Interview id", lambda r: r.interview_id))
    rows = "".join(
        f"<tr><th>{_e(label)}</th>"
        + "".join(f"<td{' class=choice' if label == 'Choice' else ''}>{_e(get(r))}</td>"
                  for r in records) + "</tr>"
        for label, get in fields)
    command = (f"screening-app hq conflicts resolve {conflict.id} --keep INTERVIEW_ID"
               " --note \"why\" --operator NAME")
    return (f"<section class=conflict><h3>Conflict {conflict.id} · ISN {_e(conflict.isn)}"
            f" · detected {_e(conflict.detected_at[:16].replace('T', ' '))} UTC</h3>"
            f"<table class=side>{rows}</table>"
            f"<p class=hint>Decide with <code>{_e(command)}</code></p></section>")


def render_home(hq: Headquarters, operator: str) -> str:
    store = hq.store
    with store.snapshot():
        stations = list_stations(hq)
        incidents = store.incidents(50)
        everything = conflicts.all_conflicts(store)
    patterns = pattern_flags.pattern_flags(store)  # reads in a snapshot of its own
    opened = [c for c in everything if c.is_open]
    decided = [c for c in reversed(everything) if not c.is_open][:20]
    station_rows = [[s.station_id, s.camp, s.registered_at[:10],
                     f"revoked {s.revoked_at[:10]}: {s.revoke_reason}" if s.revoked else "active",
                     (s.last_bundle_at or "never")[:16].replace("T", " "), s.events_seq,
                     s.interviews, s.documents, s.reviews, s.subjects] for s in stations]
    incident_rows = [[i.at[:16].replace("T", " "), i.station_id or "", i.file_name or "",
                      i.kind.replace("_", " "), i.reason] for i in incidents]
    decided_rows = [[c.id, c.isn, c.describe(),
                     c.resolution.decided_at[:16].replace("T", " ") if c.resolution else "",
                     c.resolution.operator if c.resolution else "",
                     (c.kept.station_id + " " + c.kept.interview_id[:8]) if c.kept else "",
                     c.resolution.note if c.resolution else ""] for c in decided]
    links = " · ".join(f'<a href="lists/{slug}.csv">{_e(slug)}.csv</a>'
                       for slug in merged_lists.held_list_slugs(store))
    conflict_html = "".join(_conflict_card(c) for c in opened) or \
        "<p class=none>No open conflicts.</p>"
    pattern_rows = [[p.scope, p.flag.shown_title, p.flag.explanation,
                     len(p.flag.interview_ids)] for p in patterns]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{_e(hq.name)}: screening records</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK KR", "Noto Sans CJK SC", sans-serif;
       margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; margin: .4em 0 1em; font-size: .92em; }}
th, td {{ border: 1px solid #ccc; padding: .25em .5em; text-align: left;
          vertical-align: top; }}
thead th, table.side th {{ background: #f1f1f1; }}
td.choice {{ font-weight: bold; }}
section.conflict {{ border-left: 4px solid #b5541c; padding-left: .8em; margin-bottom: 1.2em; }}
.none, .hint {{ color: #666; }}
</style></head><body>
<h1>{_e(hq.name)}</h1>
<p>Signed in as {_e(operator)} · page made {_e(utc_now()[:16].replace("T", " "))} UTC</p>
<h2>Stations ({len(stations)})</h2>
{_table(["Station", "Camp", "Registered", "Status", "Last bundle (UTC)", "Events held",
         "Interviews", "Documents", "Reviews", "Roster"], station_rows,
        "No station is registered yet.")}
<h2>Conflicts waiting for a decision ({len(opened)})</h2>
{conflict_html}
<h2>Refused bundles (latest {len(incidents)})</h2>
{_table(["At (UTC)", "Station", "File", "Kind", "Reason"], incident_rows,
        "No bundle was refused.")}
<h2>Decided conflicts (latest {len(decided)})</h2>
{_table(["Conflict", "ISN", "Records", "Decided (UTC)", "By", "Kept", "Note"], decided_rows,
        "None yet.")}
<h2>Patterns across stations ({len(patterns)})</h2>
<p class=hint>The review's pattern tests on every station's records together, per camp and
for all camps (days in this computer's time zone). <a href="lists/{pattern_flags.CSV_FILE}">
{pattern_flags.CSV_FILE}</a> lists each with its interviews.</p>
{_table(["Scope", "Flag", "What was found", "Interviews"], pattern_rows,
        "No pattern is flagged.")}
<h2>Merged lists</h2>
<p>{links} · <a href="lists/{merged_lists.PDF_FILE}">{merged_lists.PDF_FILE}</a>
(signed by {_e(hq.name)}; made when you download them)</p>
</body></html>
"""


# -- the app and the server -----------------------------------------------------------------
def create_app(hq: Headquarters, *, max_bundle_bytes: int | None = None,
               limits: UploadLimits | None = None) -> Starlette:
    """The HTTP service of an open headquarters (open with its passphrase: intake decrypts
    and the down bundles and lists are signed). ``max_bundle_bytes`` overrides that one of
    the ``limits``."""
    limits = _with_max_bundle_bytes(limits, max_bundle_bytes)
    app = Starlette(routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/bundles", receive_bundle, methods=["POST"]),
        Route("/", home, methods=["GET"]),
        Route("/lists/{name}", list_file, methods=["GET"]),
    ])
    app.state.service = _Service(hq, limits)
    return app


def _with_max_bundle_bytes(limits: UploadLimits | None, max_bundle_bytes: int | None
                           ) -> UploadLimits:
    limits = limits or UploadLimits()
    if max_bundle_bytes is None:
        return limits
    return replace(limits, max_bundle_bytes=max_bundle_bytes)


def make_server(hq: Headquarters, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *,
                ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
                ssl_keyfile_password: str | None = None,
                max_bundle_bytes: int | None = None,
                limits: UploadLimits | None = None) -> uvicorn.Server:
    """The server, its connections bounded (hq/connections.py, hq/upload_limits.py)."""
    limits = _with_max_bundle_bytes(limits, max_bundle_bytes)
    config = uvicorn.Config(
        create_app(hq, limits=limits), host=host, port=port,
        ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
        ssl_keyfile_password=ssl_keyfile_password, server_header=False,
        proxy_headers=False, log_level="info",
        http=guarded_protocol(headers_seconds=limits.headers_seconds,
                              max_connections=limits.max_connections),
        limit_concurrency=limits.limit_concurrency)
    return uvicorn.Server(config)


def serve(hq: Headquarters, host: str = "127.0.0.1", port: int = DEFAULT_PORT, **options
          ) -> None:
    """Serve until interrupted (Ctrl+C)."""
    make_server(hq, host, port, **options).run()
