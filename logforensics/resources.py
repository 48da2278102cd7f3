"""Find the catalogue (``patterns/``) and the templates (``templates/``) wherever logforensics runs from.

In a checkout (editable install or running from the source tree) they sit at the repository's top level, beside the
package. In an installed wheel, hatchling's ``force-include`` puts them inside the package as
``logforensics/_data/patterns`` and ``logforensics/_data/templates``. This module is the only place that knows.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"logforensics is installed without its {name}/ folder (looked in {installed} and {checkout})"
    )


def patterns_dir() -> Path:
    """The built-in catalogue: ``signals/`` and ``causes/``."""
    return _find("patterns")


def templates_dir() -> Path:
    """The jinja2 templates and the CSS of the reports."""
    return _find("templates")
