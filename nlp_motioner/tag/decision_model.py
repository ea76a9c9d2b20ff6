"""The decision-sentence model: outcome of a decisive text that no rule reads.

Placeholder until the trained model lands: it abstains.
"""

from __future__ import annotations


def predict(text: str) -> str | None:
    return None
