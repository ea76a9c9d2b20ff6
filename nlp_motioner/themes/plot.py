"""A PNG chart of theme trends: one panel per group, one line per theme, counts per period."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd


def plot_trends(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    by: str = "party",
    top: int = 8,
    max_groups: int = 9,
) -> Any:
    """Draw `ThemeModel.trends()` output to `path` (PNG). Returns the matplotlib figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = df.dropna(subset=["period"])
    if data.empty:
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.text(0.5, 0.5, "no dated units", ha="center", va="center")
        ax.set_axis_off()
        fig.savefig(path, dpi=110)
        return fig
    themes = data.groupby("name")["count"].sum().sort_values(ascending=False).index[:top].tolist()
    groups = (
        data.groupby("group")["count"]
        .sum()
        .sort_values(ascending=False)
        .index[:max_groups]
        .tolist()
    )
    cols = min(3, len(groups))
    rows = (len(groups) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False, sharex=True)
    periods = sorted(int(p) for p in data["period"].unique())
    cmap = plt.get_cmap("tab10")
    for ax, group in zip(axes.flat, groups):
        sub = data[data["group"] == group]
        table = (
            sub.pivot_table(index="period", columns="name", values="count", aggfunc="sum")
            .reindex(periods)
            .fillna(0)
        )
        for i, name in enumerate(themes):
            if name in table:
                ax.plot(
                    table.index.astype(int), table[name], marker="o", label=name, color=cmap(i % 10)
                )
        ax.set_title(f"{by}: {group}")
        ax.set_ylabel("units")
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_axis_off()
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(4, len(labels)), fontsize=8)
    fig.tight_layout(rect=(0, 0.08 + 0.02 * ((len(labels) - 1) // 4), 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return fig
