"""Find case numbers (diarienummer) in text, in the shapes the profile lists.

The shapes live in `casenumbers.toml` (and an organisation profile may add its own);
`nlp_motioner.casenumber` turns what is found into comparable keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.casenumber import normalize
from nlp_motioner.profile import Profile

__all__ = ["CaseFinder", "case_finder"]

# Around a case number: no letter or digit glued on either side, and no date's "-25" after it.
_BEFORE = r"(?<![\wÅÄÖåäö./-])"
_AFTER = r"(?![\wÅÄÖåäö]|[-/.:]\d)"
_PLACEHOLDER = re.compile(r"X{2,}", re.IGNORECASE)


@dataclass
class CaseFinder:
    anywhere: re.Pattern[str]
    heading: re.Pattern[str]
    labelled: re.Pattern[str]
    not_series: frozenset[str]

    def _keep(self, raw: str) -> str | None:
        value = normalize(raw)
        series = re.match(r"[A-ZÅÄÖ]+", value)
        if series and series.group(0) in self.not_series:
            return None
        if _PLACEHOLDER.search(value):
            return None
        return value

    def _collect(self, pattern: re.Pattern[str], text: str) -> list[str]:
        out: list[str] = []
        for m in pattern.finditer(text):
            value = self._keep(m.group("case"))
            if value and value not in out:
                out.append(value)
        return out

    def anywhere_in(self, text: str) -> list[str]:
        """Case numbers of the shapes that need no label."""
        return self._collect(self.anywhere, text)

    def in_heading(self, text: str) -> list[str]:
        """Case numbers on a § item's heading line, where bare "2024-00258" counts too."""
        return self._collect(self.heading, text)

    def labelled_in(self, text: str) -> list[str]:
        """Case numbers after a label ("Dnr", "Diarienummer:"), including the label-only shapes
        and a second number on the following line."""
        out: list[str] = []
        for m in self.labelled.finditer(text):
            for value in self._collect(self.heading, m.group("cases")):
                if value not in out:
                    out.append(value)
        return out

    def only_cases(self, text: str) -> bool:
        """Whether `text` holds nothing but labels, case numbers and separators."""
        rest = self.heading.sub(" ", text)
        rest = re.sub(self.labels_pattern, " ", rest, flags=re.IGNORECASE)
        return not re.sub(r"[\s,;:.()/&-]|och", "", rest)

    labels_pattern: str = ""


def _build(profile: Profile) -> CaseFinder:
    table = profile.table("casenumbers")
    shapes = "|".join(f"(?:{s})" for s in table["shapes"])
    labelled_only = "|".join(f"(?:{s})" for s in table["labelled_shapes"])
    labels = "|".join(table["labels"])
    one = rf"{_BEFORE}(?P<case>{shapes}){_AFTER}"
    any_shape = rf"{_BEFORE}(?P<case>{shapes}|{labelled_only}){_AFTER}"
    labelled = re.compile(
        rf"(?i:\b(?:{labels}))\.?\s*:?\s*(?P<cases>(?:{shapes}|{labelled_only})"
        rf"(?:[ \t]*(?:,|och|\n)?[ \t]*(?:{shapes}))*)"
    )
    finder = CaseFinder(
        re.compile(one),
        re.compile(any_shape),
        labelled,
        frozenset(s.upper() for s in table.get("not_series", [])),
    )
    finder.labels_pattern = rf"\b(?:{labels})\b\.?:?"
    return finder


def case_finder(profile: Profile) -> CaseFinder:
    """The compiled case-number finder of a profile."""
    return profile.compiled("structure.cases", _build)
