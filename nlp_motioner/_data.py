"""Load the package's data files (lexicons, heading vocabularies) once."""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@cache
def load_toml(relpath: str) -> dict[str, Any]:
    """Parse a TOML file shipped inside the package, e.g. ``"taggers/lexicons/parties.toml"``."""
    ref = resources.files("nlp_motioner").joinpath(relpath)
    with ref.open("rb") as fh:
        return tomllib.load(fh)
