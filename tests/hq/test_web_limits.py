"""Headquarters' HTTP intake under abuse, each against the real server on 127.0.0.1 with
small limits: connections that never finish their headers are closed, connections beyond
the maximum are closed at once, a body that stalls is abandoned and its file deleted, an
upload that does not begin as a bundle is refused before it is stored, and all uploads
together hold at most their budget of bytes (503 beyond it, given back when they end), and
a body that comes a byte now and then is refused."""

import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Iterator

import httpx

from screening_app.hq.upload_limits import UploadLimits
from screening_app.hq.web import INCOMING, make_server
from screening_app.sync import bundle as bundles

BUNDLES = "/api/v1/bundles"
OPENING = bundles.MAGIC + bundles.AGE_OPENING  # what every bundle begins with


class Live:
    def __init__(self, server, port: int, incoming):
        self.server, self.port, self.incoming = server, port, incoming

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def budget(self):
        return self.server.config.app.state.service.budget

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def uploads(self) -> list:
        """The uploads being received now (their folders under the HQ folder)."""
        return sorted(self.incoming.glob("http-*")) if self.incoming.is_dir() else []


@contextlib.contextmanager
def live_server(hq, **limits) -> Iterator[Live]:
    """uvicorn on a free port, in a thread; the socket listens before the server starts,
    so connections made at once wait in the backlog."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    listening.listen(64)
    port = listening.getsockname()[1]
    server = make_server(hq, "127.0.0.1", port, limits=UploadLimits(**limits))
    server.config.timeout_graceful_shutdown = 5
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]},
                              daemon=True)
    thread.start()
    try:
        yield Live(server, port, hq.folder / INCOMING)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()
    assert not thread.is_alive()


def wait_until(condition, seconds: float = 5.0) -> None:
    """Wait (bounded) for something the server does on its own threads."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "the server did not get there in time"
        pause.wait(0.02)


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server closed ``sock`` (reading gives nothing, or a reset)."""
    try:
        return sock.recv(65536) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def post_headers(length: int | None = None) -> bytes:
    lines = [f"POST {BUNDLES} HTTP/1.1", "Host: hq", "Content-Type: application/octet-stream"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(sock: socket.socket, seconds: float = 5.0) -> tuple[int, dict, dict]:
    """Status, headers and JSON body of the answer; the server closes the connection
    after a refusal, so the answer ends where the stream does."""
    sock.settimeout(seconds)
    raw = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body or b"{}")


def one_sentence(text: str) -> None:
    assert text.endswith(".") and "\n" not in text and text.count(". ") <= 1


# -- 1. headers and bodies in time; connections bounded ---------------------------------------
def test_connections_that_do_not_finish_their_headers_are_closed(hq):
    with live_server(hq, headers_seconds=1.0) as live:
        started = time.monotonic()
        halves = [live.connect() for _ in range(30)]
        for sock in halves:
            sock.sendall(f"POST {BUNDLES} HTTP/1.1\r\nHost: hq\r\nContent-Le".encode())
        trickler = live.connect()  # a byte of headers every 0.2 s does not extend the deadline
        trickler.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
        trickler.settimeout(0.2)
        while True:
            try:
                if trickler.recv(1) == b"":
                    break
            except TimeoutError:
                trickler.sendall(b"a")
            except ConnectionResetError:
                break
            assert time.monotonic() - started < 4, "a trickling connection stayed open"
        for sock in halves:
            sock.settimeout(4)
            assert closed_by_server(sock)
        assert time.monotonic() - started < 5
        # Whole requests are answered as before.
        assert httpx.get(f"{live.url}/healthz", timeout=5).text == "ok"
        for sock in [*halves, trickler]:
            sock.close()


def test_connections_beyond_the_maximum_are_closed_at_once(hq):
    with live_server(hq, max_connections=5, headers_seconds=30) as live:
        socks = [live.connect() for _ in range(12)]
        closed: set[socket.socket] = set()
        deadline = time.monotonic() + 3
        while len(closed) < 7 and time.monotonic() < deadline:
            readable, _, _ = select.select([s for s in socks if s not in closed], [], [],
                                           deadline - time.monotonic())
            closed.update(sock for sock in readable if closed_by_server(sock))
        assert len(closed) == 7
        # The first five stay open (until their headers' deadline).
        readable, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.3)
        assert readable == []
        for sock in socks:
            sock.close()


def test_a_stalled_body_is_abandoned_and_its_file_deleted_at_once(hq):
    with live_server(hq, body_stall_seconds=1.0) as live:
        sock = live.connect()
        sock.sendall(post_headers(1_000_000) + OPENING + bytes(100_000))
        wait_until(lambda: any(f.stat().st_size for u in live.uploads() for f in u.iterdir()))
        started = time.monotonic()
        status, headers, body = read_response(sock)
        assert status == 408 and time.monotonic() - started < 3
        assert body["error"] == ("The bundle stopped arriving: nothing came for 1 seconds;"
                                 " send it again.")
        assert headers["connection"] == "close"
        # Gone by the time the station hears of it, and its bytes given back.
        assert live.uploads() == [] and live.budget.held == 0
        sock.close()


# -- 2. what does not begin as a bundle is not stored -------------------------------------------
def test_an_upload_that_does_not_begin_as_a_bundle_is_refused_before_it_is_stored(hq):
    with live_server(hq) as live:
        sock = live.connect()
        # Announces 10 MB, sends 4 KB of something else: refused without waiting for more.
        sock.sendall(post_headers(10_000_000) + b"<html>junk</html>" * 240)
        status, headers, body = read_response(sock)
        assert status == 400 and headers["connection"] == "close"
        assert body["error"].endswith(" is not a screening-app bundle.")
        one_sentence(body["error"])
        assert live.uploads() == [] and live.budget.held == 0
        sock.close()
        # Shorter than a bundle's opening, or just that, without a declared length.
        for content, ending in ((OPENING[:10], "is truncated: it ends before its header."),
                                (b"MZ", "is not a screening-app bundle."),
                                (OPENING, "is truncated or damaged: its end marker is"
                                          " missing.")):
            response = httpx.post(live.url + BUNDLES, content=iter([content]), timeout=5)
            assert response.status_code == 400
            assert response.json()["error"].endswith(ending), response.json()
        assert hq.store.query("SELECT count(*) FROM bundles") == [(0,)]


# -- 3. all uploads together hold at most their budget ------------------------------------------
def test_uploads_beyond_the_budget_are_asked_to_come_back_and_the_budget_returns(hq):
    with live_server(hq, max_receiving_bytes=1 << 20, body_stall_seconds=5) as live:
        first = live.connect()  # 600 KB of its 800 KB arrive, then it pauses
        first.sendall(post_headers(800_000) + OPENING + bytes(600_000 - len(OPENING)))
        wait_until(lambda: live.budget.held == 600_000)
        # A declared length over what is left: refused before a byte is stored.
        second = live.connect()
        second.sendall(post_headers(500_000) + OPENING)
        status, headers, body = read_response(second)
        assert status == 503 and headers["retry-after"] == "300"
        assert body["error"] == ("Headquarters is receiving as many bundles as it can hold at"
                                 " once; send this one again in 5 minutes.")
        one_sentence(body["error"])
        second.close()
        # Without a declared length, refused when its bytes pass what is left.
        chunks = iter([OPENING, *[bytes(64 << 10)] * 8])
        response = httpx.post(live.url + BUNDLES, content=chunks, timeout=5)
        assert response.status_code == 503
        assert live.budget.held == 600_000 and len(live.uploads()) == 1
        # The first upload ends (its station goes away): its file and its bytes come back.
        first.close()
        wait_until(lambda: live.budget.held == 0 and live.uploads() == [])
        response = httpx.post(live.url + BUNDLES, content=OPENING + bytes(800_000), timeout=5)
        assert response.status_code == 400  # taken, read, and refused as a bundle now
        assert "truncated or damaged" in response.json()["error"]
        assert live.budget.held == 0 and live.uploads() == []


def test_a_body_that_comes_a_byte_now_and_then_is_abandoned(hq):
    """Announcing a large bundle holds nothing: only bytes that came are held; and a body
    slower than the minimum rate over a stretch as long as a stall is refused, however
    fast it came before."""
    with live_server(hq, body_stall_seconds=0.5, min_body_bytes_per_second=100_000) as live:
        sock = live.connect()
        sock.sendall(post_headers(2 << 30) + OPENING + bytes(600_000))  # a fast first stretch
        sock.settimeout(0.1)
        started = time.monotonic()
        answer = b""
        while not answer:
            assert time.monotonic() - started < 3, "a dripping body was held"
            try:
                answer = sock.recv(65536)
            except TimeoutError:
                sock.sendall(b"\0")  # a byte every 0.1 s: never a stall
                assert live.budget.held < 1 << 20  # not the 2 GiB it announced
        sock.settimeout(5)
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"The bundle is arriving too slowly: " in answer
        assert live.uploads() == [] and live.budget.held == 0
        sock.close()
