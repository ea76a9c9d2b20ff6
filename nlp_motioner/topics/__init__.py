"""Topics: CAP major policy topics and the procedural flag, for documents, § items and cases.

An analyse stage: it reads records (Documents, case files) and adds `cap_topic`,
`cap_score` and `procedural` to their tags; nothing upstream imports it.

* `CapClassifier` (topics/cap.py): a calibrated linear classifier that can abstain.
* `load_cap_model()`: the model shipped in `models/cap/` (rebuilt by `make models`), as a
  `CapScorer` (topics/scorer.py: the same arithmetic in plain numpy, so that tagging
  never imports scikit-learn; `CapClassifier` is imported only when asked for).
* `procedural_kind(title, decision)`: rules from topics/procedural.toml.
* `annotate(doc)`: fills the tags of a Document and its § items.
"""

from nlp_motioner.topics.annotate import annotate, cap_for_cases, load_cap_model
from nlp_motioner.topics.codebook import cap_name, cap_topics
from nlp_motioner.topics.inputs import case_input, clean_title, document_inputs, find_committee
from nlp_motioner.topics.procedural import is_procedural, procedural_kind

__all__ = [
    "CapClassifier",
    "annotate",
    "cap_for_cases",
    "cap_name",
    "cap_topics",
    "case_input",
    "clean_title",
    "document_inputs",
    "find_committee",
    "is_procedural",
    "load_cap_model",
    "procedural_kind",
]


def __getattr__(name: str):
    if name == "CapClassifier":  # fitting needs scikit-learn; scoring does not
        from nlp_motioner.topics.cap import CapClassifier

        return CapClassifier
    raise AttributeError(name)
