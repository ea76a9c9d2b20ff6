"""The plain-numpy CAP scorer that tagging uses gives the fitted classifier's answers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nlp_motioner.topics import CapClassifier, load_cap_model
from nlp_motioner.topics.annotate import default_model_dir
from nlp_motioner.topics.scorer import char_wb_ngrams

UNITS = [
    {
        "title": "VA-taxa 2028",
        "decision": "Taxan antas.",
        "body": "",
        "committee": ["tekniska nämnden"],
    },
    {
        "title": "Avfallsplan 2027–2035",
        "decision": "",
        "body": "Planen gäller avfall.",
        "committee": [],
    },
    {
        "title": "Skolskjutsregler",
        "decision": "Reglerna fastställs.",
        "body": "",
        "committee": ["Barn- och ungdomsnämnden"],
    },
    {"title": "Övrigt", "decision": "", "body": "", "committee": []},
    {"title": "", "decision": "", "body": "", "committee": []},
    {
        "title": "Motion om fler parkbänkar i centrum – Anna Berg (S)",
        "decision": "Motionen avslås.",
        "body": "",
        "committee": ["kommunfullmäktige", "kommunstyrelsen"],
    },
    {
        "title": "Svar på remiss: En ny förköpslag",
        "decision": "Kommunstyrelsen antar yttrandet som sitt svar.",
        "body": "",
        "committee": ["Kommunstyrelsens arbetsutskott"],
    },
]


def test_char_ngrams_are_cut_as_scikit_learn_cuts_them():
    from sklearn.feature_extraction.text import CountVectorizer

    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    for text in ["VA-taxa 2028  för  Lerum", "ö", "Ab", "x  y\tz\n", "Förskoleklass"]:
        assert char_wb_ngrams(text, 2, 5) == analyzer(text), text


def test_the_scorer_gives_the_classifiers_probabilities():
    classifier = CapClassifier.load(default_model_dir())
    scorer = load_cap_model()
    assert list(scorer.classes_) == list(classifier.classes_)
    assert np.allclose(scorer.predict_proba(UNITS), classifier.predict_proba(UNITS), atol=1e-4)
    assert scorer.predict_topic(UNITS) == classifier.predict_topic(UNITS)


def test_the_word_cache_changes_no_probability():
    """The scorer cuts each word's n-grams once and keeps them; a second pass over the same
    units (every word cached), and words split by unusual white space (no-break space,
    tabs, form feed, U+2003), must give the classifier's probabilities all the same."""
    odd = [
        {**UNITS[0], "title": "VA-taxa\u00a02028\tför\x0cLerum"},
        {**UNITS[5], "decision": "Motionen\u2003avslås.\n\nMotionen  avslås."},
    ]
    units = UNITS + odd
    classifier = CapClassifier.load(default_model_dir())
    scorer = load_cap_model()
    want = classifier.predict_proba(units)
    first = scorer.predict_proba(units)
    second = scorer.predict_proba(units)
    assert np.allclose(first, want, atol=1e-4)
    assert np.array_equal(first, second)
    # Feature by feature: each n-gram counted as often as scikit-learn's analyzer cuts it.
    from collections import Counter

    from sklearn.feature_extraction.text import CountVectorizer

    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    vocab = scorer._vocab
    for unit in units:
        for text in (unit["title"], unit["decision"]):
            want_rows = Counter(vocab[g] for g in analyzer(text) if g in vocab)
            assert Counter(scorer._rows(text)) == want_rows, text


def test_tagging_never_imports_scikit_learn(corpus):
    seed = corpus / "seeds" / "001_57ee7757e7276fbf.txt"
    code = (
        "import sys\n"
        "from nlp_motioner.pipeline import process\n"
        f"process({str(seed)!r})\n"
        "print([m for m in ('sklearn', 'scipy') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.corpus
def test_the_scorer_agrees_on_the_dev_minutes(shared_corpus):
    from nlp_motioner.pipeline import process
    from nlp_motioner.topics.inputs import document_inputs

    classifier = CapClassifier.load(default_model_dir())
    scorer = load_cap_model()
    units = []
    for path in sorted(shared_corpus.glob("alingsas/*/*/protokoll.pdf")):
        doc = process(path, do_topics=False)
        if not doc.error:
            first, items = document_inputs(doc)
            units += ([first] if first else []) + items
    assert len(units) > 20
    assert np.allclose(scorer.predict_proba(units), classifier.predict_proba(units), atol=1e-4)
