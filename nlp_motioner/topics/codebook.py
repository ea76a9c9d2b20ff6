"""Names of the CAP major topics (topics/codebook.toml)."""

from __future__ import annotations

from nlp_motioner._data import load_toml

__all__ = ["cap_name", "cap_topics"]


def cap_topics() -> dict[int, dict[str, str]]:
    """{code: {"name": English name, "sv": Swedish name}} for the 21 major topics."""
    data = load_toml("topics/codebook.toml")["topic"]
    return {int(code): {"name": v["name"], "sv": v["sv"]} for code, v in data.items()}


def cap_name(code: int | None, *, lang: str = "en") -> str | None:
    """The name of a major topic ("Education"), or None for None or an unknown code."""
    if code is None:
        return None
    topic = cap_topics().get(int(code))
    if topic is None:
        return None
    return topic["sv"] if lang == "sv" else topic["name"]
