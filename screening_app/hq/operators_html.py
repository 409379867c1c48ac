"""The operators' pages as HTML: the sign-in form and the one working page.

Server-rendered, no script (the Content-Security-Policy forbids any): forms post and the
server answers with the page again. Every string that came from a station, a file or a
person is escaped (``_e``); the page's own words are constants.
"""

import html
from collections import defaultdict
from urllib.parse import quote

from screening_app.domain.canonical import format_timestamp, utc_now
from screening_app.hq import conflicts, merged_lists, page_words, revocation_lists
from screening_app.hq import flags as pattern_flags
from screening_app.hq.archive import ARCHIVE_INCIDENT
from screening_app.hq.headquarters import Headquarters
from screening_app.hq.kept_lists import KeptPage, ListsState
from screening_app.hq.operator_sessions import SIGN_IN_INCIDENT, SIGN_IN_KIND
from screening_app.hq.page_font import FONT_FAMILY, FONT_URL
from screening_app.hq.page_words import ChoiceLabels, age, local_time, review_state
from screening_app.hq.registry import StationEntry, list_stations
from screening_app.hq.store_rows import IncidentRow
from screening_app.pki.crl import REASONS
from screening_app.sync.members import record_counts

BUNDLES_PER_STATION = 5
INCIDENTS_READ = 500
DECIDED_SHOWN = 20
JUNK_SHOWN = 20
QUIET_DAYS = 3  # a station silent this long is pointed out
SIGNED_OUT = "You are signed out."
CRL_FILE = "revocation-list.crl"
CRL_URL = f"/crl/{CRL_FILE}"


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list], empty: str, css_class: str = "") -> str:
    if not rows:
        return f"<p class=none>{_e(empty)}</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    opening = f"<table class={css_class}>" if css_class else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _token_field(form_token: str) -> str:
    return f'<input type=hidden name=form_token value="{_e(form_token)}">'


STYLE = f"""
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_URL}") format("truetype");
             font-display: block; }}
body {{ font-family: "{FONT_FAMILY}", system-ui, sans-serif; margin: 0; color: #1d1d1d;
       background: #fafafa; font-size: 15px; line-height: 1.4; }}
header {{ background: #23374d; color: #fff; padding: .6em 1.5em; display: flex;
         align-items: center; gap: 1.2em; flex-wrap: wrap; }}
header h1 {{ font-size: 1.25em; margin: 0; }}
header .who {{ margin-left: auto; }}
header form {{ display: inline; }}
nav {{ padding: .4em 1.5em; background: #e8edf2; }}
nav a {{ margin-right: 1em; }}
main {{ padding: .2em 1.5em 2em; max-width: 1200px; }}
h2 {{ margin: 1.2em 0 .4em; font-size: 1.15em; border-bottom: 1px solid #ccd; }}
table {{ border-collapse: collapse; margin: .4em 0 1em; font-size: .93em; background: #fff; }}
th, td {{ border: 1px solid #ccc; padding: .25em .5em; text-align: left;
          vertical-align: top; }}
thead th, table.side th {{ background: #f0f0f0; }}
td.choice {{ font-weight: bold; }}
table.decided td:nth-child(2), table.decided td:nth-child(4) {{ white-space: nowrap; }}
section.conflict {{ border-left: 4px solid #b5541c; padding: .2em .8em; margin-bottom: 1.4em;
                   background: #fff; }}
section.conflict h3 {{ margin: .4em 0; font-size: 1.05em; }}
label.keep {{ font-weight: bold; display: block; }}
textarea {{ width: min(40em, 95%); min-height: 3.2em; font: inherit; }}
button {{ font: inherit; padding: .25em .9em; cursor: pointer; }}
button.danger {{ background: #8b1e1e; color: #fff; border: 1px solid #6b1515; }}
.notice {{ padding: .5em 1em; margin: .8em 0; border-radius: 3px; scroll-margin-top: 1em; }}
.notice.ok {{ background: #e3f3e3; border: 1px solid #8bc48b; }}
.notice.error {{ background: #fbe4e4; border: 1px solid #d48a8a; }}
.none, .hint {{ color: #555; }}
.warn {{ color: #8b1e1e; font-weight: bold; }}
details {{ margin: .3em 0; }}
.lists a {{ display: inline-block; margin: .15em 1em .15em 0; }}
.sign-in {{ max-width: 24em; margin: 4em auto; background: #fff; padding: 1.2em 1.6em;
           border: 1px solid #ccd; }}
.sign-in label {{ display: block; margin: .6em 0 .2em; }}
.sign-in input[type=text], .sign-in input[type=password] {{ width: 100%; font: inherit;
                                                            padding: .2em; }}
"""


def _document(title: str, body: str, head: str = "") -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">{head}'
            f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>\n")


def _notice(notice: tuple[str, str] | None) -> str:
    if not notice:
        return ""
    kind, sentence = notice
    return (f'<p id=notice class="notice {"ok" if kind == "ok" else "error"}" role=status>'
            f"{_e(sentence)}</p>")


# -- signing in -----------------------------------------------------------------------------
def render_sign_in(hq_name: str, sign_in_token: str, *, problem: str | None = None,
                   name: str = "", signed_out: bool = False) -> str:
    body = f"""<main><form class=sign-in method=post action="/sign-in">
<h1>{_e(hq_name)}</h1>
<p>Sign in as a headquarters operator.</p>
{_notice(("error", problem) if problem else ("ok", SIGNED_OUT) if signed_out else None)}
<input type=hidden name=form_token value="{_e(sign_in_token)}">
<label for=name>Operator name</label>
<input type=text id=name name=name value="{_e(name)}" autocomplete=username required
{"" if name else "autofocus"}>
<label for=password>Password</label>
<input type=password id=password name=password autocomplete=current-password required
{"autofocus" if name else ""}>
<p><button type=submit>Sign in</button></p>
</form></main>"""
    return _document(f"Sign in: {hq_name}", body)


# -- the working page -------------------------------------------------------------------------
def render_home(hq: Headquarters, operator: str, form_token: str,
                notice: tuple[str, str] | None = None,
                lists_state: ListsState | None = None, kept: KeptPage | None = None) -> str:
    """The working page. What reads every record (the lists' names, the patterns) comes
    from the last build of the lists, ``kept`` (hq/kept_lists.py)."""
    store = hq.store
    with store.snapshot():
        stations = list_stations(hq)
        incidents = store.incidents(INCIDENTS_READ)
        junk = store.junk_posts(JUNK_SHOWN)
        everything = conflicts.all_conflicts(store)
        bundles = {s.station_id: store.bundles(s.station_id, BUNDLES_PER_STATION)
                   for s in stations}
        list_sections = kept.sections if kept else merged_lists.sections()
        labels = ChoiceLabels(store)
        opened = [c for c in everything if c.is_open]
        decided = [c for c in reversed(everything) if not c.is_open][:DECIDED_SHOWN]
        conflict_html = "".join(_conflict_card(c, labels, form_token) for c in opened) \
            or "<p class=none>No open conflicts.</p>"
        decided_html = _decided_table(decided, labels)
        crl_html = _revocation_list(hq)
        archived, waiting = store.archive_counts()
    patterns = kept.patterns if kept else []
    zone = page_words.time_zone()
    body = f"""<header><h1>{_e(hq.name)}</h1>
<span>Times are in {_e(zone)} (this server's time zone)</span>
<span class=who>Signed in as <b>{_e(operator)}</b></span>
<form method=post action="/sign-out">{_token_field(form_token)}
<button type=submit>Sign out</button></form></header>
<nav><a href="#conflicts">Conflicts ({len(opened)})</a><a href="#lists">Merged lists</a>
<a href="#stations">Stations ({len(stations)})</a><a href="#intake">Intake</a>
<a href="#incidents">Incidents</a><a href="#decided">Decided</a>
<a href="#revocations">Revocations</a>
<a href="#patterns">Patterns ({len(patterns)})</a></nav>
<main>{_notice(notice)}
<h2 id=conflicts>Conflicts waiting for a decision ({len(opened)})</h2>
<p class=hint>One person, different final choices at different stations. Keep one record
and say why; the decision is recorded with your name and the merged lists use the kept
record.</p>
{conflict_html}
<h2 id=lists>Merged lists</h2>
<p class=lists>{_list_links(list_sections)}</p>
<p class=hint>Made from every station's records and kept until any of them changes; the
PDF is signed by {_e(hq.name)}.</p>
{_lists_state(lists_state)}
<h2 id=stations>Stations ({len(stations)})</h2>
{_stations_table(stations)}
{_revoke_forms(stations, form_token)}
<h2 id=intake>Intake: the latest bundles of each station</h2>
{_intake_table(stations, bundles)}
{_archive_line(archived, waiting)}
<h2 id=incidents>Incidents</h2>
<p class=hint>Refused bundles and repeated failed sign-ins, grouped by kind and station
(the latest {INCIDENTS_READ} read).</p>
{_incidents_table(incidents)}
<p class=hint>Uploads refused before any station's signature vouched for them, counted
per sending address (the latest {JUNK_SHOWN}).</p>
{_table(["Address", "Refused uploads", "First", "Latest", "Latest reason"],
        [[j.client_address, j.refusals, local_time(j.first_at), local_time(j.last_at),
          j.last_reason] for j in junk], "No junk upload.")}
<h2 id=decided>Decided conflicts (latest {len(decided)})</h2>
{decided_html}
<h2 id=revocations>Revoked certificates and the revocation list</h2>
{crl_html}
<h2 id=patterns>Patterns across stations ({len(patterns)})</h2>
<p class=hint>The review's pattern tests on every station's records together, per camp and
for all camps (days in {_e(zone)}), found when the merged lists are made.
<a href="/lists/{pattern_flags.CSV_FILE}">{pattern_flags.CSV_FILE}</a> lists each with its
interviews.</p>
{_patterns_state(kept)}
{_table(["Scope", "Flag", "What was found", "Interviews"],
        [list(pattern) for pattern in patterns], "No pattern is flagged.") if kept else ""}
<p class=hint>Page made {_e(local_time(utc_now()))} ({_e(zone)}).</p>
</main>"""
    return _document(f"{hq.name}: screening records", body)


def _archive_line(archived: int, waiting: int) -> str:
    """How many forms have their timestamped archival copy (hq/archive.py)."""
    line = (f"Archive: {archived} forms stamped by headquarters' timestamp authority"
            f", {waiting} waiting")
    if waiting:
        return (f"<p class=warn>{_e(line)}: run 'screening-app hq archive stamp' (a form"
                " not stamped verifies only while its signers' certificates are valid).</p>")
    return f"<p class=hint>{_e(line)}.</p>"


def _conflict_card(conflict: conflicts.Conflict, labels: ChoiceLabels, form_token: str
                   ) -> str:
    """The records side by side, one column per station, and the decision's form."""
    records = conflict.records
    fields = (("Station", lambda r: r.station_id), ("Name", lambda r: r.name_native),
              ("Romanised", lambda r: r.name_latin),
              ("Choice", lambda r: labels.of(r.interview_id, r.choice)),
              ("Finalised", lambda r: local_time(r.finalised_at)),
              ("Review", lambda r: review_state(r.review_state)),
              ("Interviewer", lambda r: r.interviewer), ("Interview id", lambda r: r.interview_id))
    keep = "".join(
        f"<td><label class=keep><input type=radio name=keep required"
        f' value="{_e(r.interview_id)}"> Keep this record</label></td>' for r in records)
    rows = "".join(
        f"<tr><th>{_e(label)}</th>"
        + "".join(f"<td{' class=choice' if label == 'Choice' else ''}>{_e(get(r))}</td>"
                  for r in records) + "</tr>"
        for label, get in fields)
    reason_id = f"reason-{conflict.id}"
    return f"""<section class=conflict id="conflict-{conflict.id}">
<h3>Conflict {conflict.id} · ISN {_e(conflict.isn)} · detected
{_e(local_time(conflict.detected_at))}</h3>
<form method=post action="/conflicts/{conflict.id}/resolve">{_token_field(form_token)}
<table class=side>{rows}<tr><th>Decision</th>{keep}</tr></table>
<label for="{reason_id}">Why this record is kept (required; kept with the decision)</label><br>
<textarea id="{reason_id}" name=reason required maxlength=2000></textarea><br>
<button type=submit>Resolve conflict {conflict.id}</button>
</form></section>"""


def _decided_table(decided: list[conflicts.Conflict], labels: ChoiceLabels) -> str:
    rows = []
    for c in decided:
        kept, decision = c.kept, c.resolution
        records = "; ".join(f"{r.station_id}: {labels.of(r.interview_id, r.choice)}"
                            for r in c.records)
        rows.append([c.id, c.isn, records,
                     local_time(decision.decided_at) if decision else "",
                     decision.operator if decision else "",
                     f"{kept.station_id}: {labels.of(kept.interview_id, kept.choice)}"
                     if kept else "", decision.note if decision else ""])
    return _table(["Conflict", "ISN", "Records", "Decided", "By", "Kept", "Why"], rows,
                  "None yet.", "decided")


def _list_links(list_sections) -> str:
    # No "download" attribute: while the lists are being made the answer is a page to see
    # (the files themselves come as attachments).
    links = [f'<a href="/lists/{quote(slug)}.csv">{_e(title)} ({_e(slug)}.csv)</a>'
             for slug, title in list_sections]
    links.append(f'<a href="/lists/{merged_lists.PDF_FILE}">All lists, signed'
                 f" ({merged_lists.PDF_FILE})</a>")
    return "".join(links)


def _lists_state(state: ListsState | None) -> str:
    if state is None:
        return ""
    if state.pdf_made_at is None:
        made = "No signed PDF has been made yet; the first download starts it."
    elif state.pdf_current:
        made = f"The signed PDF was made {local_time(state.pdf_made_at)} and is current."
    else:
        made = (f"The signed PDF was made {local_time(state.pdf_made_at)}; records have"
                " changed since, so the next download makes it again.")
    lines = [f"<p id=lists-state>{_e(made)}</p>"]
    if state.building_since:
        lines.append(f"<p class=hint>The lists are being prepared: started at"
                     f" {_e(local_time(state.building_since))}.</p>")
    if state.failure:
        lines.append(f"<p class=warn>The last preparation of the lists failed:"
                     f" {_e(state.failure)}</p>")
    return "\n".join(lines)


def _patterns_state(kept: KeptPage | None) -> str:
    if kept is None:
        said = ("Not looked for yet: downloading any list or the patterns' file makes the"
                " lists and finds them.")
    elif kept.current:
        said = f"Found {local_time(kept.made_at)}, on the records as they are now."
    else:
        said = (f"Found {local_time(kept.made_at)}; records have changed since, so"
                " downloading a list or the patterns' file looks for them again.")
    return f"<p id=patterns-state>{_e(said)}</p>"


PREPARING_REFRESH_SECONDS = 10


def render_lists_preparing(hq_name: str, file_name: str, since: str,
                           failure: str | None) -> str:
    """The answer to a download while the lists are being made: it reloads itself, and the
    download comes once they are ready."""
    again = f"/lists/{quote(file_name)}"
    failed = (f"<p class=warn>The last preparation of the lists failed: {_e(failure)}</p>"
              if failure else "")
    body = f"""<header><h1>{_e(hq_name)}</h1></header>
<main><h2>{_e(file_name)} is being prepared</h2>
{failed}
<p role=status>Making the merged lists from every station's records started at
{_e(local_time(since))} ({_e(page_words.time_zone())}); for the whole operation it takes
minutes. This page asks again every {PREPARING_REFRESH_SECONDS} seconds, and the download
starts once they are ready.</p>
<p><a href="{again}">Try again now</a> · <a href="/#lists">Back to the page</a></p>
</main>"""
    return _document(f"{hq_name}: preparing {file_name}", body,
                     f'<meta http-equiv="refresh" content="{PREPARING_REFRESH_SECONDS}">')


def _health(station: StationEntry) -> str:
    if station.revoked:
        return (f"Revoked {local_time(station.revoked_at)}: {station.revoke_reason}")
    if not station.last_bundle_at:
        return "Active; no bundle yet"
    since = age(station.last_bundle_at)
    quiet = since.endswith("days ago") and int(since.split()[0]) >= QUIET_DAYS
    return f"Active; {'silent for ' + since[:-4] if quiet else 'last bundle ' + since}"


def _stations_table(stations: list[StationEntry]) -> str:
    rows = [[s.station_id, s.camp, local_time(s.registered_at), _health(s),
             local_time(s.last_bundle_at), s.events_seq, s.interviews, s.documents,
             s.reviews, s.subjects] for s in stations]
    return _table(["Station", "Camp", "Registered", "Health", "Last bundle", "Events held",
                   "Interviews", "Documents", "Reviews", "Roster"], rows,
                  "No station is registered yet.")


def _revoke_forms(stations: list[StationEntry], form_token: str) -> str:
    """Revoking is for a lost or stolen laptop: behind a disclosure, a reason and an
    explicit confirmation, never one click."""
    forms = []
    for s in stations:
        if s.revoked:
            continue
        sid = _e(s.station_id)
        forms.append(f"""<details><summary>Revoke station {sid}</summary>
<form method=post action="/stations/{quote(s.station_id, safe='')}/revoke">
{_token_field(form_token)}
<label for="revoke-reason-{sid}">Why (a lost or stolen laptop, say; required)</label><br>
<textarea id="revoke-reason-{sid}" name=reason required maxlength=2000></textarea><br>
<label>Reason code (the revocation list carries it) {_reason_codes()}</label><br>
<label><input type=checkbox name=confirm value=yes required> Headquarters will refuse
every later bundle of {sid}; this cannot be undone from this page.</label><br>
<button type=submit class=danger>Revoke {sid}</button></form></details>""")
    return "".join(forms)


def _revocation_list(hq: Headquarters) -> str:
    """The CRL in force (number, dates, download), what the operator should do about it,
    and every revoked certificate with its date and reason, marked when the CRL lacks it."""
    in_force = revocation_lists.current(hq)
    recorded = revocation_lists.recorded_revocations(hq)
    missing = {r.serial_number for r in revocation_lists.missing_from(in_force, recorded)}
    if in_force is None:
        about = "<p class=none>No revocation list has been issued yet.</p>"
    else:
        about = (f"<p>Revocation list number {in_force.number}, issued"
                 f" {_e(local_time(format_timestamp(in_force.issued_at)))}, next update"
                 f" {_e(local_time(format_timestamp(in_force.next_update)))}:"
                 f' <a href="{CRL_URL}" download>{CRL_FILE}</a> (signed by the CA; every'
                 " down bundle carries it).</p>")
    warnings = "".join(f"<p class=warn>{_e(problem)}</p>"
                       for problem in revocation_lists.problems(hq))
    rows = [[r.subject, format(r.serial_number, "x"), local_time(r.revoked_at),
             r.reason_code, r.reason,
             "not yet" if r.serial_number in missing else f"number {in_force.number}"]
            for r in recorded]
    return about + warnings + _table(
        ["Certificate", "Serial", "Revoked", "Reason code", "Why", "In the CRL"], rows,
        "No certificate has been revoked.")


def _reason_codes() -> str:
    options = "".join(f'<option value="{name}"{" selected" if name == "key-compromise" else ""}>'
                      f"{name}</option>" for name in REASONS)
    return f"<select name=code>{options}</select>"


def _intake_table(stations: list[StationEntry], bundles: dict) -> str:
    rows = []
    for s in stations:
        for b in bundles.get(s.station_id, []):
            added = record_counts(b.added) or "nothing new"
            rows.append([s.station_id, local_time(b.received_at), b.via, b.file_name or "",
                         added])
    return _table(["Station", "Received", "Via", "File", "Added"], rows,
                  "No bundle was taken in yet.")


def _incidents_table(incidents: list[IncidentRow]) -> str:
    groups: dict[tuple, list[IncidentRow]] = defaultdict(list)
    for incident in incidents:  # newest first
        groups[(_incident_kind(incident), incident.station_id or "")].append(incident)
    rows = [[kind, station or "(none)", len(found),
             local_time(found[-1].at), local_time(found[0].at), found[0].file_name or "",
             found[0].reason]
            for (kind, station), found in groups.items()]
    return _table(["Kind", "Station", "How many", "First", "Latest", "Latest file",
                   "Latest reason"], rows, "No incident.")


def _incident_kind(incident: IncidentRow) -> str:
    # Sign-ins recorded before migration 0009 are "refused" with the sign-in reason.
    if incident.kind == SIGN_IN_KIND or incident.reason.startswith(SIGN_IN_INCIDENT):
        return "Failed sign-ins"
    if incident.kind == "refused":
        return "Refused bundle"
    if incident.kind == ARCHIVE_INCIDENT:
        return "Forms not stamped"
    return incident.kind.replace("_", " ").capitalize()
