"""The command line. With no command it opens the desktop app.

Exit status: 0 success; 2 bad input, a refused action or a usage error (one clear
message, no traceback); 1 an unexpected failure (the message, and the path of a log
holding the traceback).
"""

from screening_app.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
