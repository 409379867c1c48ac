"""The operators' web page: sign in, look, decide, download, sign out.

- ``GET /sign-in``, ``POST /sign-in``: the sign-in form; a good password opens a session
  (hq/operator_sessions.py: cookie, throttling, the bound on password checks).
- ``POST /sign-out``: closes the session.
- ``GET /``: the working page (hq/operators_html.py): conflicts with the records side by
  side and the decision's form, the merged lists, stations and their health with the
  revocation form, intake history, incidents, decided conflicts, revoked certificates and
  the revocation list, the pattern flags.
- ``POST /conflicts/{id}/resolve``: keep one record, with a reason: the same
  ``conflicts.resolve`` the command line calls, under the signed-in operator's name.
- ``POST /stations/{id}/revoke``: with a reason and a ticked confirmation: the same
  ``registry.revoke_station`` the command line calls.
- ``GET /lists/<section>.csv``, ``GET /lists/merged-lists.pdf``: the kept merged lists
  (hq/kept_lists.py) while current; else a page saying they are being prepared (202), and
  a build started in the background. ``GET /lists/flags.csv``: the patterns across
  stations, found by the same build and kept with the lists.
- ``GET /crl/revocation-list.crl``: the CRL in force, DER, as the CA signed it.
- ``GET /fonts/page-sans.ttf``: the bundled CJK font (hq/page_font.py), without a session:
  the sign-in page needs it too, and it holds nothing secret.

Every change is a POST carrying the session's form token; a POST from another origin is
refused outright. The database is read and written on a worker thread, on a connection of
its own (``service.on_own_connection``, see hq/web.py).
"""

import logging
import re
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from screening_app.domain.canonical import utc_now
from screening_app.domain.errors import UserError
from screening_app.hq import conflicts, merged_lists
from screening_app.hq import flags as pattern_flags
from screening_app.hq.headquarters import Headquarters, verify_operator
from screening_app.hq.kept_lists import KeptLists, current_key
from screening_app.hq.operator_sessions import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_INCIDENT,
    SIGN_IN_KIND,
    Busy,
    CheckGate,
    Session,
    SessionTable,
    SignInThrottle,
    new_token,
    same_token,
)
from screening_app.hq.operators_html import (
    CRL_FILE,
    CRL_URL,
    PREPARING_REFRESH_SECONDS,
    render_home,
    render_lists_preparing,
    render_sign_in,
)
from screening_app.hq.page_font import FONT_URL, page_font
from screening_app.hq.page_words import ChoiceLabels
from screening_app.hq.registry import revoke_station

log = logging.getLogger("screening_app.hq.operators_page")
MAX_FORM_BYTES = 64 * 1024  # a reason is a few sentences; more is not a form of this page

# Choices are secret (people who refuse repatriation face reprisals): nothing is cached,
# framed, or allowed to run script; forms post only here, fonts come only from here.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
                               " font-src 'self'; form-action 'self'; base-uri 'none';"
                               " frame-ancestors 'none'",
}


class OperatorDesk:
    """What the page keeps between requests: the sessions and the failed sign-ins (in the
    store), and the bound on password checks (in this process's memory)."""

    def __init__(self):
        self.sessions = SessionTable()
        self.throttle = SignInThrottle()
        self.checks = CheckGate()


def kept_lists(request: Request) -> KeptLists:
    """The app's kept merged lists, in the HQ folder (made on first use, on the event loop)."""
    state = request.app.state
    if not hasattr(state, "kept_lists"):
        state.kept_lists = KeptLists(state.service.hq.folder)
    return state.kept_lists


def desk(request: Request) -> OperatorDesk:
    """The app's desk, made on first use (on the event loop: no two requests race)."""
    state = request.app.state
    if not hasattr(state, "operators"):
        state.operators = OperatorDesk()
    return state.operators


def _on_own_connection(request: Request, work: Callable[[Headquarters], object]):
    return run_in_threadpool(request.app.state.service.on_own_connection, work)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=PRIVATE_HEADERS)


def _plain(status: int, sentence: str, **headers: str) -> Response:
    return PlainTextResponse(sentence, status_code=status,
                             headers={**PRIVATE_HEADERS, **headers})


async def _session(request: Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await _on_own_connection(request, lambda hq: desk(request).sessions.find(
        hq.store, token))


async def _keep_notice(request: Request, session: Session) -> None:
    await _on_own_connection(request, lambda hq: desk(request).sessions.keep_notice(
        hq.store, session))


async def _form(request: Request) -> dict[str, str] | Response:
    """The posted form's fields (the first value of each), or the refusal to answer."""
    # Under "Referrer-Policy: no-referrer" browsers send "Origin: null" even from this
    # page, so only another site named outright is refused here; the form token is the
    # check that counts.
    origin = request.headers.get("origin")
    if origin not in (None, "null") and origin != f"{request.url.scheme}://{request.url.netloc}":
        return _plain(403, "This form was sent from another site; it is refused.")
    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return _plain(415, "Send the page's form.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return _plain(413, "The form is larger than this page accepts.")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return _plain(400, "The form is not UTF-8.")
    return {key: values[0] for key, values in fields.items()}


async def _session_form(request: Request) -> tuple[Session, dict[str, str]] | Response:
    """The session and its posted form, only when the form carries the session's token."""
    session = await _session(request)
    if session is None:
        return _redirect("/sign-in")
    form = await _form(request)
    if isinstance(form, Response):
        return form
    if not same_token(form.get("form_token"), session.form_token):
        return _plain(403, "This form is not from your current page; reload the page and"
                           " try again.")
    return session, form


# -- signing in and out ---------------------------------------------------------------------
def _sign_in_page(request: Request, *, status: int = 200, problem: str | None = None,
                  name: str = "", headers: dict | None = None) -> Response:
    token = new_token()
    page = render_sign_in(request.app.state.service.hq.name, token, problem=problem,
                          name=name, signed_out="signed-out" in request.query_params)
    response = HTMLResponse(page, status_code=status,
                            headers={**PRIVATE_HEADERS, **(headers or {})})
    response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/sign-in")
    return response


async def sign_in_form(request: Request) -> Response:
    if await _session(request) is not None:
        return _redirect("/")
    return _sign_in_page(request)


def _too_many(request: Request, seconds: int, name: str) -> Response:
    return _sign_in_page(
        request, status=429, name=name, headers={"Retry-After": str(seconds)},
        problem=f"Too many attempts; try again in {seconds} second{'s' if seconds != 1 else ''}.")


async def sign_in(request: Request) -> Response:
    form = await _form(request)
    if isinstance(form, Response):
        return form
    name = form.get("name", "").strip()
    if not same_token(form.get("form_token"), request.cookies.get(SIGN_IN_COOKIE)):
        return _sign_in_page(request, status=403, name=name,
                             problem="The sign-in form had expired; sign in again.")
    operators = desk(request)
    address = _client_address(request)
    password = form.get("password", "")
    def wait_seconds() -> Awaitable[int]:
        return _on_own_connection(request, lambda hq: operators.throttle.wait_seconds(
            hq.store, name, address))

    if wait := await wait_seconds():
        return _too_many(request, wait, name)
    try:
        async with operators.checks:
            # Checked again: failures may have come in while this attempt waited its turn.
            if wait := await wait_seconds():
                return _too_many(request, wait, name)
            spelled = await _on_own_connection(
                request, lambda hq: _operator_if_password(hq, name, password))
    except Busy:
        return _too_many(request, 1, name)
    if spelled is None:
        reached = await _on_own_connection(request, lambda hq: operators.throttle.failed(
            hq.store, name, address))
        for key, count in reached:
            await _on_own_connection(request, lambda hq, key=key, count=count: (
                _record_failures(hq, key, count)))
        return _sign_in_page(request, status=401, name=name,
                             problem="Wrong operator name or password.")
    await _on_own_connection(request, lambda hq: operators.throttle.succeeded(
        hq.store, name, address))
    token, _session_opened = await _on_own_connection(
        request, lambda hq: operators.sessions.open(hq.store, spelled))
    response = _redirect("/")
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    return response


def _operator_if_password(hq: Headquarters, name: str, password: str) -> str | None:
    """The operator's name as the operators table spells it, when the password is theirs."""
    if not name or not verify_operator(hq.store, name, password):
        return None
    return next((n for n in hq.store.operator_names() if n.casefold() == name.casefold()),
                name)


def _record_failures(hq: Headquarters, key: str, count: int) -> None:
    what, _, who = key.partition(":")
    subject = f"the operator name {who!r}" if what == "account" else f"the address {who}"
    with hq.store.transaction():
        hq.store.insert_incident(at=utc_now(), station_id=None, bundle_id=None,
                                 file_name=None, kind=SIGN_IN_KIND,
                                 reason=f"{SIGN_IN_INCIDENT}{count} for {subject}.")
    log.warning("%d failed sign-ins for %s", count, subject)


async def sign_out(request: Request) -> Response:
    posted = await _session_form(request)
    if isinstance(posted, Response):
        return posted
    token = request.cookies.get(SESSION_COOKIE)
    await _on_own_connection(request, lambda hq: desk(request).sessions.close(hq.store, token))
    response = _redirect("/sign-in?signed-out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the page and its decisions ------------------------------------------------------------------
async def home(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _redirect("/sign-in")
    notice, session.notice = session.notice, None
    if notice is not None:
        await _keep_notice(request, session)  # shown once
    kept = kept_lists(request)

    def page(hq: Headquarters) -> str:
        key = current_key(hq)
        return render_home(hq, session.operator, session.form_token, notice,
                           kept.state(hq, key), kept.page(hq, key))

    return HTMLResponse(await _on_own_connection(request, page), headers=PRIVATE_HEADERS)


async def resolve_conflict(request: Request) -> Response:
    posted = await _session_form(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    conflict_id = request.path_params["conflict_id"]
    keep, reason = form.get("keep", "").strip(), form.get("reason", "").strip()
    if not keep:
        session.notice = ("error", f"Conflict {conflict_id}: choose the record to keep.")
    elif not reason:
        session.notice = ("error", f"Conflict {conflict_id}: say why this record is kept;"
                                   " the decision is kept with it.")
    else:
        def decide(hq: Headquarters) -> str:
            decided = conflicts.resolve(hq, conflict_id, keep, session.operator, reason)
            kept = decided.kept
            label = ChoiceLabels(hq.store).of(kept.interview_id, kept.choice)
            return (f"Conflict {decided.id} (ISN {decided.isn}) is resolved: {kept.station_id}'s"
                    f" record ({label}) is kept; the merged lists now use it.")
        try:
            session.notice = ("ok", await _on_own_connection(request, decide))
        except UserError as problem:
            session.notice = ("error", str(problem))
    await _keep_notice(request, session)
    return _redirect("/#notice")  # the sentence saying what happened, at the top


async def revoke(request: Request) -> Response:
    posted = await _session_form(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    station_id = request.path_params["station_id"]
    reason = form.get("reason", "").strip()
    if not reason:
        session.notice = ("error", f"Say why station {station_id} is revoked.")
    elif form.get("confirm") != "yes":
        session.notice = ("error", f"Station {station_id} is not revoked: tick the"
                                   " confirmation to revoke it.")
    else:
        try:
            code = form.get("code", "unspecified")
            await _on_own_connection(request, lambda hq: revoke_station(hq, station_id, reason,
                                                                        code))
            session.notice = ("ok", f"Station {station_id} is revoked: headquarters refuses"
                                    " its bundles from now on, and every station learns"
                                    " its certificate is revoked; the revocation list"
                                    " lacks it until the CA issues the next one"
                                    " ('screening-app hq crl issue --ca CADIR').")
            log.info("station %s revoked by %s", station_id, session.operator)
        except UserError as problem:
            session.notice = ("error", str(problem))
    await _keep_notice(request, session)
    return _redirect("/#notice")


# -- downloads ------------------------------------------------------------------------------
_LIST_FILE = re.compile(r"^(?P<slug>[a-z]+)\.csv$")


async def list_file(request: Request) -> Response:
    if await _session(request) is None:
        return _redirect("/sign-in")
    name = request.path_params["name"]
    match = _LIST_FILE.match(name)
    disposition = {"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE_HEADERS}
    patterns = name == pattern_flags.CSV_FILE
    known = merged_lists.known_list_slugs()
    if not patterns and name != merged_lists.PDF_FILE and not (match and match["slug"] in known):
        return _plain(404, f"There is no list named {name!r}.")
    kept = kept_lists(request)

    def kept_file(hq: Headquarters) -> str | bytes | None:
        hq.signing_identity  # noqa: B018 - a locked headquarters can neither open nor sign
        key = current_key(hq)
        if patterns:
            return kept.flags_csv(hq, key)
        return kept.csv_text(hq, key, match["slug"]) if match else kept.pdf(hq, key)

    try:
        found = await _on_own_connection(request, kept_file)
    except UserError as problem:
        return _plain(409, str(problem))
    if found is None:  # not made yet, or made from records that have changed since
        return await _preparing(request, kept, name)
    if patterns or match:
        # With the byte order mark, spreadsheet programs read Hangul and Hanzi right.
        return Response(found.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers=disposition)
    return Response(found, media_type="application/pdf", headers=disposition)


async def _preparing(request: Request, kept: KeptLists, name: str) -> Response:
    """Start making the lists (unless they are being made already) and say so at once."""
    service = request.app.state.service
    since = await run_in_threadpool(kept.start, service.on_own_connection)
    failure = await _on_own_connection(request, lambda hq: kept.state(hq, "").failure)
    page = render_lists_preparing(service.hq.name, name, since, failure)
    return HTMLResponse(page, status_code=202, headers={
        **PRIVATE_HEADERS, "Retry-After": str(PREPARING_REFRESH_SECONDS)})


async def revocation_list(request: Request) -> Response:
    if await _session(request) is None:
        return _redirect("/sign-in")
    der = await _on_own_connection(request, lambda hq: hq.store.current_crl())
    if der is None:
        return _plain(404, "No revocation list has been issued yet.")
    return Response(der, media_type="application/pkix-crl", headers={
        "Content-Disposition": f'attachment; filename="{CRL_FILE}"', **PRIVATE_HEADERS})


async def font(request: Request) -> Response:
    # Not secret, and 4.6 MB: the browser may keep it (unlike every page, which is no-store).
    data = await run_in_threadpool(page_font)
    return Response(data, media_type="font/ttf",
                    headers={"Cache-Control": "public, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/sign-in", sign_in_form, methods=["GET"]),
        Route("/sign-in", sign_in, methods=["POST"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route("/conflicts/{conflict_id:int}/resolve", resolve_conflict, methods=["POST"]),
        Route("/stations/{station_id}/revoke", revoke, methods=["POST"]),
        Route("/lists/{name}", list_file, methods=["GET"]),
        Route(CRL_URL, revocation_list, methods=["GET"]),
        Route(FONT_URL, font, methods=["GET"]),
    ]
