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
- ``GET /`` and the rest of the operators' page (sign-in, conflicts, lists, revocation):
  hq/operators_page.py, whose routes are in the table below.
- ``POST /timestamp``: headquarters' timestamp authority (RFC 3161 over HTTP): a body of
  type ``application/timestamp-query`` is answered ``application/timestamp-reply``
  (hq/timestamps.py), without authentication, as timestamp authorities are; a body of more
  than a few kilobytes is refused 413, one that is not a request 400 (counted as junk).
- ``GET /healthz``: "ok", without authentication.

After a bundle's intake has committed, its new forms are stamped for the archive before the
down bundle is built (for at most a minute; the rest later), so their acknowledgements
carry the archival copies' digests; a failure to stamp is logged and never refuses the
bundle (hq/archive.py).

A SQLite connection belongs to the thread that opened it, and Starlette runs blocking work
on a pool of threads. So every piece of database work opens its own connection on the
worker thread that does it (``Headquarters.with_new_connection``) and closes it there.
On SQLite, ingestion is also serialised by a lock, because two intakes would only queue on
SQLite's write lock, and a long one could outlast the busy timeout of the other; on
PostgreSQL, intakes of different stations run at once, in several processes if asked
(``hq/workers.py``).
"""

import contextlib
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
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Route

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.hq import operators_page
from screening_app.hq.archive import stamp_after_intake
from screening_app.hq.connections import guarded_protocol
from screening_app.hq.down import build_down_bundle
from screening_app.hq.headquarters import Headquarters
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
from screening_app.hq.receiving import UploadRefused, receive_small_body, receive_upload
from screening_app.hq.resend import GapAnswered, answer_gap
from screening_app.hq.timestamps import (
    MAX_REQUEST_BYTES,
    BadTimestampRequest,
    TimestampUnavailable,
)
from screening_app.hq.upload_limits import ReceivingBudget, UploadLimits
from screening_app.sync.bundle import BundleError
from screening_app.sync.push_client import FILE_NAME_HEADER, REFUSAL_HEADER, RESEND_HEADER

INCOMING = "incoming"  # the folder inside the HQ folder where uploads wait for intake
DEFAULT_PORT = 8765
TIMESTAMP_QUERY = "application/timestamp-query"
TIMESTAMP_REPLY = "application/timestamp-reply"
log = logging.getLogger("screening_app.hq.web")
T = TypeVar("T")

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
            stamp_after_intake(hq, receipt.station_id)
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


# -- the timestamp authority ----------------------------------------------------------------
async def timestamp(request: Request) -> Response:
    service: _Service = request.app.state.service
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != TIMESTAMP_QUERY:
        return PlainTextResponse(f"Send an RFC 3161 request as {TIMESTAMP_QUERY}.",
                                 status_code=415)
    try:
        query = await receive_small_body(request, service.limits, MAX_REQUEST_BYTES,
                                         "timestamp request")
        reply = await run_in_threadpool(service.hq.timestamp_authority.reply, query)
    except UploadRefused as refusal:
        if refusal.junk:
            service.junk.add(_client_address(request), refusal.sentence)
        return PlainTextResponse(refusal.sentence, status_code=refusal.status,
                                 headers={**refusal.headers, "Connection": "close"})
    except BadTimestampRequest as refusal:
        service.junk.add(_client_address(request), str(refusal))
        return PlainTextResponse(str(refusal), status_code=400)
    except TimestampUnavailable as problem:
        log.warning("a timestamp request was not answered: %s", problem)
        return PlainTextResponse(str(problem), status_code=503)
    return Response(reply, media_type=TIMESTAMP_REPLY)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


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
        Route("/timestamp", timestamp, methods=["POST"]),
        *operators_page.routes(),
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
