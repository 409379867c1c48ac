"""Ship the top-level forms/ and resources/ folders inside the package.

Everything else is declared in pyproject.toml; this only maps the two data folders
(and their sub-folders) to ``screening_app.forms`` and ``screening_app.resources``,
so that an installed program finds them with importlib.resources from any directory.
"""

from pathlib import Path

from setuptools import find_packages, setup

DATA_FOLDERS = {"screening_app.forms": "forms", "screening_app.resources": "resources"}


def data_packages() -> dict[str, str]:
    packages = {}
    for package, folder in DATA_FOLDERS.items():
        for path in [Path(folder), *sorted(p for p in Path(folder).rglob("*") if p.is_dir())]:
            if "__pycache__" in path.parts:
                continue
            suffix = ".".join(path.relative_to(folder).parts)
            packages[f"{package}.{suffix}" if suffix else package] = path.as_posix()
    return packages


DATA_PACKAGES = data_packages()

setup(
    packages=find_packages(include=["screening_app*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        **{name: ["*"] for name in DATA_PACKAGES},
        "screening_app.protocol": ["schema.json"],
    },
)
