"""Receiving an upload to a file, within the limits (hq/upload_limits.py).

An upload is refused as soon as it shows it will not be a bundle or cannot be held: a
declared length over the limit (413), more than all uploads together may hold at once
(503: the station tries again later), first bytes that are not a bundle's (400, before more
than those bytes are stored), or a body that stops arriving or comes a byte now and then
(408). Whatever part was
written is the caller's to remove; the caller also gives the reservation back once the
file is gone.
"""

import asyncio
from pathlib import Path

from starlette.requests import ClientDisconnect, Request

from screening_app.hq.upload_limits import RETRY_AFTER_SECONDS, Reservation, UploadLimits
from screening_app.sync import bundle as bundles
from screening_app.sync.bundle import BundleError


class UploadRefused(Exception):
    """The upload is not taken; ``sentence`` says why. ``junk`` when the sender is to blame
    (counted against its address), not headquarters being busy."""

    def __init__(self, status: int, sentence: str, *, junk: bool = True,
                 headers: dict[str, str] | None = None):
        super().__init__(sentence)
        self.status = status
        self.sentence = sentence
        self.junk = junk
        self.headers = headers or {}


def busy() -> UploadRefused:
    return UploadRefused(
        503, "Headquarters is receiving as many bundles as it can hold at once; send this"
             f" one again in {RETRY_AFTER_SECONDS // 60} minutes.",
        junk=False, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def receive_upload(request: Request, upload: Path, limits: UploadLimits,
                         reservation: Reservation) -> int:
    """Stream the request body into ``upload``; returns its size."""
    limit = limits.max_bundle_bytes
    too_big = UploadRefused(
        413, f"The bundle is larger than headquarters accepts over HTTP ({limit} bytes);"
             " bring it on removable media instead.")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise UploadRefused(400, "The Content-Length is not a number.")
        if int(declared) > limit:
            raise too_big
        # Refused at once when it cannot fit now. Not held in advance: a sender that
        # announces 2 GiB and sends a byte a minute would hold the budget for nothing.
        if int(declared) > reservation.budget.free:
            raise busy()
    size = 0
    opening = b""  # the first bytes, held until they show the upload is a bundle
    with upload.open("wb") as out:
        async for chunk in _chunks_in_time(request, limits):
            size += len(chunk)
            if size > limit:
                raise too_big
            if not reservation.grow_to(size):  # the bytes on disk are what is held
                raise busy()
            if len(opening) < bundles.OPENING_BYTES:
                opening += chunk
                if len(opening) < bundles.OPENING_BYTES:
                    continue
                _check_opening(opening, upload.name)
                chunk, opening = opening, opening[:bundles.OPENING_BYTES]
            out.write(chunk)
        if size == 0:
            raise UploadRefused(400, "The request carries no bundle.")
        if len(opening) < bundles.OPENING_BYTES:
            _check_opening(opening, upload.name)
    return size


async def receive_small_body(request: Request, limits: UploadLimits, max_bytes: int,
                             what: str) -> bytes:
    """A body of at most ``max_bytes`` (a timestamp request), held in memory, arriving in
    time like a bundle; refused 413 as soon as it shows it is larger."""
    too_big = UploadRefused(413, f"The {what} is larger than headquarters accepts"
                                 f" ({max_bytes} bytes).")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise UploadRefused(400, "The Content-Length is not a number.")
        if int(declared) > max_bytes:
            raise too_big
    body = bytearray()
    async for chunk in _chunks_in_time(request, limits):
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    if not body:
        raise UploadRefused(400, f"The request carries no {what}.")
    return bytes(body)


def _check_opening(opening: bytes, name: str) -> None:
    try:
        bundles.check_opening(opening, name)
    except BundleError as refusal:
        raise UploadRefused(400, str(refusal)) from None


async def _chunks_in_time(request: Request, limits: UploadLimits):
    """The body's chunks; refused when none comes for ``body_stall_seconds``, or when
    fewer than ``min_body_bytes_per_second`` came on average over a stretch that long. The
    rate is of each stretch, not of the whole body: a sender that sends 1 GB and then a
    byte a minute would keep a whole-body average up for days."""
    stall_seconds = limits.body_stall_seconds
    clock = asyncio.get_running_loop().time
    stretch_started, stretch_bytes = clock(), 0
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), stall_seconds)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise UploadRefused(
                408, f"The bundle stopped arriving: nothing came for {stall_seconds:g}"
                     " seconds; send it again.") from None
        except ClientDisconnect:
            raise UploadRefused(400, "The bundle did not arrive whole.") from None
        stretch_bytes += len(chunk)
        elapsed = clock() - stretch_started
        if elapsed >= stall_seconds:
            if stretch_bytes < elapsed * limits.min_body_bytes_per_second:
                raise UploadRefused(
                    408, f"The bundle is arriving too slowly: {stretch_bytes} bytes in the"
                         f" last {elapsed:.0f} seconds, less than"
                         f" {limits.min_body_bytes_per_second} bytes a second; send it again"
                         " over a better link.")
            stretch_started, stretch_bytes = clock(), 0
        if chunk:
            yield chunk
