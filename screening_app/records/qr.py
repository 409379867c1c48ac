"""The QR code on every form: the record id and the record hash, so a scanner at
headquarters can find the record and check that the paper matches it."""

from reportlab.pdfgen.canvas import Canvas

QR_PREFIX = "SCREENING-RECORD"
QR_QUIET_MODULES = 4  # the blank margin a scanner needs around the symbol


def record_qr_text(record_id: str, record_sha256: str) -> str:
    return f"{QR_PREFIX}:{record_id}:{record_sha256}"


def qr_matrix(text: str) -> list[list[bool]]:
    """The symbol's modules, row by row (True is dark), without the quiet zone."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    # Medium error correction survives a crease or a smudge across a printed form.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw the symbol with its quiet zone inside the square (x, y, size) as one filled path.
    Runs of dark modules are merged along rows and then down columns, so the path has a
    few hundred rectangles rather than one per module."""
    count = len(matrix)
    module = size / (count + 2 * QR_QUIET_MODULES)
    left = x + QR_QUIET_MODULES * module
    top = y + size - QR_QUIET_MODULES * module
    path = canvas.beginPath()
    for row, column, height, width in _dark_rectangles(matrix):
        path.rect(left + column * module, top - (row + height) * module, width * module,
                  height * module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _dark_rectangles(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """(row, column, height, width) rectangles covering exactly the dark modules."""
    finished: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (column, width) -> first row
    for row_index, row in enumerate(matrix):
        runs = set(_runs(row))
        for run, first_row in list(open_runs.items()):
            if run not in runs:
                finished.append((first_row, run[0], row_index - first_row, run[1]))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, row_index)
    for run, first_row in open_runs.items():
        finished.append((first_row, run[0], len(matrix) - first_row, run[1]))
    return sorted(finished)


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """(first column, width) of each run of dark modules in one row."""
    runs = []
    column, count = 0, len(row)
    while column < count:
        if not row[column]:
            column += 1
            continue
        start = column
        while column < count and row[column]:
            column += 1
        runs.append((start, column - start))
    return runs
