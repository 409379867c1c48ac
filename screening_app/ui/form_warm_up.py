"""Loading what an interview's form needs while the interview is still running.

The first form of a session used to cost more than a second on top of rendering and
signing it (on a 2-core laptop: importing reportlab and pyHanko, parsing the 5 MB CJK
font, loading QtPdf), all of it between the click on Finalise and the form on screen. An
interview takes minutes, so the wizard starts this on a pool thread when it opens, and
finalising then does only the form's own work. Python imports are thread-safe, and the
font is registered under a lock (records/fonts.py).
"""

from screening_app.ui.tasks import Task, run_in_background

_started = False


def warm_up_in_background() -> Task | None:
    """Start loading, once per process; the Task, or None if it was started before."""
    global _started
    if _started:
        return None
    _started = True
    return run_in_background(Task(_load))


def _load(_report, _token) -> None:
    # What the form's first render imports only when it draws: the QR code, and PIL for
    # the drawn signatures (reportlab reads images through it).
    import qrcode  # noqa: F401
    from PIL import PngImagePlugin  # noqa: F401

    from screening_app.records import choice_form, print_appearances, signing  # noqa: F401
    from screening_app.records.fonts import form_font
    from screening_app.ui import pdf_preview  # noqa: F401 - QtPdf, QtPrintSupport

    form_font()
