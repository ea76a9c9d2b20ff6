"""Theme trends as a tidy table: counts (and shares) of units per period x group x theme.

`by` is any unit field a researcher groups by: party, committee, organisation, doc_type,
referral_body, cap_topic, outcome (or none). A unit with several parties or referral
bodies counts once for each. `per` is year, quarter or month. A group's share is its count
divided by all its units in that period, so shares of one group and period sum to 1
(with `secondary`, a unit also counts for its secondary themes and shares can exceed 1).
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

__all__ = ["BY", "PER", "trends", "period_of", "write_parquet"]

# --by value -> unit field
BY = {
    "party": "parties",
    "committee": "committee",
    "organisation": "organisation",
    "doc_type": "doc_type",
    "referral_body": "referral_bodies",
    "cap_topic": "cap_topic",
    "outcome": "outcome",
    "none": None,
}
PER = ("year", "quarter", "month")
UNKNOWN = "(okänd)"
COLUMNS = ["period", "group", "theme", "name", "count", "units", "share"]


def period_of(date: Any, per: str) -> str | None:
    """ "2025", "2025-Q2" or "2025-04" for an ISO date string; None when it is not one."""
    if not isinstance(date, str) or len(date) < 4 or not date[:4].isdigit():
        return None
    if per == "year":
        return date[:4]
    if len(date) < 7 or not date[5:7].isdigit() or not 1 <= int(date[5:7]) <= 12:
        return None
    month = int(date[5:7])
    if per == "quarter":
        return f"{date[:4]}-Q{(month - 1) // 3 + 1}"
    return f"{date[:4]}-{month:02d}"


def _groups(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        out = [str(v) for v in value if v not in (None, "")]
    elif value is None or (isinstance(value, float) and value != value):
        out = []
    else:
        out = [str(value)]
    return out or [UNKNOWN]


def trends(
    assignments: pd.DataFrame,
    by: str = "party",
    per: str = "year",
    *,
    secondary: bool = False,
    cap_names: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Long table: period, group, theme, name, count, units (the group's units in the
    period) and share (count / units). Periods are strings that sort in time order."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    if per not in PER:
        raise ValueError(f"per must be one of {', '.join(PER)}, not {per!r}")
    field = BY[by]
    rows = []
    totals: dict[tuple[str, str], int] = {}
    for rec in assignments.to_dict(orient="records"):
        # Undated units keep period None: counted in the table, left out of plots.
        period = period_of(rec.get("date"), per)
        if field is None:
            groups = ["(alla)"]
        elif field == "cap_topic":
            code = rec.get("cap_topic")
            known = code is not None and code == code
            groups = (
                [cap_names.get(int(code), str(int(code))) if cap_names else str(int(code))]
                if known
                else [UNKNOWN]
            )
        else:
            groups = _groups(rec.get(field))
        themes = [(rec["theme"], rec["theme_name"])]
        if secondary:
            themes += [(s["theme"], s["name"]) for s in rec.get("secondary") or []]
        for g in groups:
            totals[(period, g)] = totals.get((period, g), 0) + 1
            for tid, name in themes:
                rows.append((period, g, tid, name))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    df = pd.DataFrame(rows, columns=["period", "group", "theme", "name"])
    out = (
        df.groupby(["period", "group", "theme", "name"], dropna=False)
        .size()
        .rename("count")
        .reset_index()
    )
    out["period"] = out["period"].astype(object).where(out["period"].notna(), None)
    out["units"] = [totals[(p, g)] for p, g in zip(out["period"], out["group"])]
    out["share"] = (out["count"] / out["units"]).round(4)
    return out.sort_values(
        ["period", "group", "count", "theme"],
        ascending=[True, True, False, True],
        kind="stable",
        na_position="last",
    ).reset_index(drop=True)[COLUMNS]


def write_parquet(df: pd.DataFrame, output: str) -> None:
    """Write a trends table as Parquet with fixed column types, through a temp file renamed
    into place (an OSError leaves no partial file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("period", pa.string()),
            ("group", pa.string()),
            ("theme", pa.string()),
            ("name", pa.string()),
            ("count", pa.int64()),
            ("units", pa.int64()),
            ("share", pa.float64()),
        ]
    )
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    tmp = os.path.join(os.path.dirname(os.path.abspath(output)), f".motioner-{os.getpid()}.part")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, output)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
