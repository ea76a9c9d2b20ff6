"""Themes: what the documents are about, as named, stable clusters aligned with CAP topics.

See `nlp_motioner.themes.api` (corpus-level model: fit, assign, trends, save/load),
`nlp_motioner.themes.units` (documents, § items and cases as units),
`nlp_motioner.themes.model` (the scikit-learn style estimators) and
`nlp_motioner.themes.trends` (tidy trend tables).
"""

from nlp_motioner.modelfile import ModelFileError
from nlp_motioner.themes.api import (
    IncompatibleModelError,
    ThemeModel,
    corpus_hash,
    fit_themes,
)
from nlp_motioner.themes.model import (
    LemmaText,
    SeedTheme,
    ThemeClusterer,
    load_seeds,
    make_theme_pipeline,
)
from nlp_motioner.themes.units import (
    inherit_parties,
    units_from_cases,
    units_from_documents,
    units_from_paths,
    units_from_store,
)

__all__ = [
    "IncompatibleModelError",
    "LemmaText",
    "ModelFileError",
    "SeedTheme",
    "ThemeClusterer",
    "ThemeModel",
    "corpus_hash",
    "fit_themes",
    "inherit_parties",
    "load_seeds",
    "make_theme_pipeline",
    "units_from_cases",
    "units_from_documents",
    "units_from_paths",
    "units_from_store",
]
