"""Themes: what the documents are about, as named, stable, seeded clusters.

See `nlp_motioner.themes.api` (corpus-level model: fit, assign, trends, save/load) and
`nlp_motioner.themes.model` (the scikit-learn style estimators).
"""

from nlp_motioner.themes.api import (
    IncompatibleModelError,
    ThemeModel,
    corpus_hash,
    fit_themes,
    units_from_cases,
    units_from_documents,
    units_from_paths,
    units_from_store,
)
from nlp_motioner.themes.model import (
    LemmaText,
    SeedTheme,
    ThemeClusterer,
    load_seeds,
    make_theme_pipeline,
)

__all__ = [
    "IncompatibleModelError",
    "LemmaText",
    "SeedTheme",
    "ThemeClusterer",
    "ThemeModel",
    "corpus_hash",
    "fit_themes",
    "load_seeds",
    "make_theme_pipeline",
    "units_from_documents",
    "units_from_paths",
    "units_from_cases",
    "units_from_store",
]
