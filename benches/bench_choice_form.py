"""Rendering a choice form against the floor reportlab sets with the same embedded font.

50 renders of a two-page Korean choice form (drawn signature, QR code, declaration) are timed
against, in the same run:
  - a minimal page: one canvas page with a few lines in the same embedded font (the brief's
    baseline; target: the form at most 2x of it);
  - the same words: every line of the form's text drawn on plain canvas pages in the same
    font, so the same glyphs are subset and embedded, with no layout (needs pdftotext).
Prints best and median times and the ratios; asserts nothing.
Run: python benches/bench_choice_form.py
"""

import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from common import sample_record
from reportlab.pdfgen.canvas import Canvas

from screening_app.protocol import default_protocol
from screening_app.records.choice_form import FormContext, SignatureImage, render_choice_form
from screening_app.records.fonts import form_font

RUNS = 50
TARGET = 2.0


def signature_png(width: int = 200, height: int = 60) -> bytes:
    rows = []
    for y in range(height):
        row = bytearray(b"\x00" + b"\xff" * width)
        x = int(y * width / height)
        row[1 + x:1 + min(width, x + 3)] = b"\x00" * (min(width, x + 3) - x)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def canvas_pages(lines: list[str]) -> bytes:
    """Lines of text on plain A4 canvas pages in the form's font: no layout engine at all."""
    font = form_font()
    buffer = BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=font)
    y = 800.0
    canvas.setFont(font, 9)
    for line in lines:
        canvas.drawString(40, y, line)
        y -= 11
        if y < 40:
            canvas.showPage()
            canvas.setFont(font, 9)
            y = 800.0
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def form_lines(pdf: bytes) -> list[str] | None:
    if not shutil.which("pdftotext"):
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    return [line for line in text.splitlines() if line.strip()]


def timings(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    protocol = default_protocol()
    record = sample_record(drawn_person_signature=True)
    signatures = [SignatureImage("person", "signature", None, signature_png())]
    context = FormContext("BENCH-01", "Koje-do", demo=False)

    def form() -> bytes:
        return render_choice_form(record, protocol, signatures, context)

    started = time.perf_counter()
    pdf = form()  # the first render registers the font: a one-off cost per process
    first = time.perf_counter() - started
    minimal_lines = ["ISN NK-100001 · 김민준 · Kim Min-jun",
                     "Enter the armed forces of the United Nations Command",
                     "유엔군사령부의 군대에 들어간다", "Page 1 of 1"]
    same_words = form_lines(pdf)
    canvas_pages(minimal_lines)  # warm the baselines the same way

    form_times = timings(form)
    minimal_times = timings(lambda: canvas_pages(minimal_lines))
    ms = 1000
    print(f"choice form, {RUNS} renders ({len(pdf) // 1024} KiB, first render"
          f" {first * ms:.0f} ms including font registration)")
    print(f"  form:         best {min(form_times) * ms:7.2f} ms,"
          f" median {statistics.median(form_times) * ms:7.2f} ms")
    print(f"  minimal page: best {min(minimal_times) * ms:7.2f} ms,"
          f" median {statistics.median(minimal_times) * ms:7.2f} ms")
    ratio = statistics.median(form_times) / statistics.median(minimal_times)
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"  median ratio form / minimal page: {ratio:.2f} (target <= {TARGET}) {verdict}")
    if same_words is None:
        print("  same-words baseline skipped: pdftotext is not installed")
    else:
        same_times = timings(lambda: canvas_pages(same_words))
        print(f"  same words, no layout ({len(same_words)} lines): best"
              f" {min(same_times) * ms:7.2f} ms, median {statistics.median(same_times) * ms:7.2f}"
              " ms")
        same_ratio = statistics.median(form_times) / statistics.median(same_times)
        print(f"  median ratio form / same words: {same_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
