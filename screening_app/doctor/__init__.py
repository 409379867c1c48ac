"""What a laptop needs before the program runs on it, checked without starting Qt.

``qt_platform`` asks whether Qt can open a window (its platform plugin and the system
libraries that plugin loads); ``checks`` adds the rest (Python, the bundled fonts, the data
folder, free disk, the clock, the time zone) and makes the report ``screening-app doctor``
prints. The desktop app runs the same checks when Qt cannot start. Nothing here imports Qt:
on the machines this is for, importing it is what fails.
"""
