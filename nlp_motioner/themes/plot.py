"""A PNG chart of theme trends: one panel per group, one line per theme.

Made to be read side by side: every panel shares one y scale (counts get whole-number
ticks), the x axis runs over every period of the data, a period in which a group has no
units at all is a gap in its lines (not a zero), each panel shows its own most frequent
themes and has its own legend.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

__all__ = ["plot_trends"]


def _period_range(periods: list[str]) -> list[str]:
    """Every period from the first to the last (years, quarters "2025-Q2" or months "2025-04")."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    if len(first) == 4:
        return [str(y) for y in range(int(first), int(last) + 1)]
    if "-Q" in first:
        start = int(first[:4]) * 4 + int(first[-1]) - 1
        end = int(last[:4]) * 4 + int(last[-1]) - 1
        return [f"{i // 4}-Q{i % 4 + 1}" for i in range(start, end + 1)]
    start = int(first[:4]) * 12 + int(first[5:7]) - 1
    end = int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def plot_trends(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    by: str = "party",
    measure: str = "count",
    top: int = 5,
    max_groups: int = 9,
) -> Any:
    """Draw `ThemeModel.trends()` output to `path` (PNG). Returns the matplotlib figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    data = df.dropna(subset=["period"]) if len(df) else df
    if data.empty:
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.text(0.5, 0.5, "no dated units", ha="center", va="center")
        ax.set_axis_off()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return fig
    groups = data.groupby("group")["count"].sum().sort_values(ascending=False, kind="stable").index
    groups = [g for g in groups if g != "(okänd)"][:max_groups] or list(groups[:max_groups])
    periods = _period_range(sorted(str(p) for p in data["period"].unique()))
    cols = min(3, len(groups))
    rows = (len(groups) + cols - 1) // cols
    fig, axes = plt.subplots(
        rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False, sharex=True, sharey=True
    )
    cmap = plt.get_cmap("tab10")
    for ax, group in zip(axes.flat, groups):
        sub = data[data["group"] == group]
        themes = sub.groupby("name")["count"].sum().sort_values(ascending=False, kind="stable")
        # Periods in which the group has units: a theme absent there is a zero; periods
        # without any of the group's units stay empty, so lines break instead of dipping.
        active = set(sub["period"])
        for i, name in enumerate(themes.index[:top]):
            rows_ = sub[sub["name"] == name].set_index("period")[measure]
            ys = [float(rows_.get(p, 0.0)) if p in active else float("nan") for p in periods]
            ax.plot(range(len(periods)), ys, marker="o", ms=3, label=name, color=cmap(i % 10))
        ax.set_title(f"{by}: {group}", fontsize=10)
        ax.legend(fontsize=7, loc="upper left", frameon=False)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("units" if measure == "count" else "share of the group's units")
    # Room above the highest point for each panel's legend (the scale is shared).
    low, high = axes.flat[0].get_ylim()
    axes.flat[0].set_ylim(min(0.0, low), high + 0.08 * top * (high - min(0.0, low)))
    if measure == "count":
        axes.flat[0].yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(periods) // 8)
    for ax in axes[-1]:
        ax.set_xticks(range(0, len(periods), step))
        ax.set_xticklabels(periods[::step], rotation=45, ha="right", fontsize=8)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return fig
