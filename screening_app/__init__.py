"""screening-app: offline screening interviews for voluntary repatriation."""

__version__ = "0.1.0"
