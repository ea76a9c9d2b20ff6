"""The TF-IDF + LSA model that search's semantic model and the themes share
(nlp_motioner.textmodel), checked against the formulas written out by hand."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from nlp_motioner.textmodel import SMALL_CORPUS, TextModel, TooFewDimensions, unit_rows

TEXTS = [
    "skola elev lärare skola",
    "buss hållplats trafik buss buss",
    "skola lärare rektor",
    "trafik cykel hållplats",
    "elev rektor skola",
]


def test_weights_are_sublinear_tf_times_smoothed_idf_on_unit_rows() -> None:
    model = TextModel(n_components=2, dtype="float64")
    counts = model.fit_vocabulary(TEXTS)
    weights = model.weigh(counts).toarray()
    n = len(TEXTS)
    for row, text in enumerate(TEXTS):
        words = text.split()
        expected = np.zeros(len(model.terms_))
        for word in set(words):
            df = sum(word in t.split() for t in TEXTS)
            idf = math.log((1 + n) / (1 + df)) + 1
            expected[model.vocabulary_[word]] = (1 + math.log(words.count(word))) * idf
        expected /= np.linalg.norm(expected)
        np.testing.assert_allclose(weights[row], expected, rtol=1e-12)


def test_a_small_corpus_keeps_every_term() -> None:
    # Fewer than SMALL_CORPUS texts: "skola" is in 3 of 5 (over max_df 0.5) and "cykel"
    # in one (under min_df 2), and both stay.
    assert len(TEXTS) < SMALL_CORPUS
    model = TextModel(n_components=2).fit(TEXTS)
    assert {"skola", "cykel"} <= set(model.terms_)
    assert model.terms_ == sorted(model.vocabulary_, key=model.vocabulary_.get)


def test_the_numpy_query_path_agrees_with_the_fitted_transform() -> None:
    """`transform_tokens` (numpy only, used to place a query) and `transform` (scikit-learn)
    must place a text at the same point; unknown words add nothing."""
    model = TextModel(n_components=3, dtype="float64").fit(TEXTS)
    for text in ["skola lärare lärare elev", "buss trafik okänt"]:
        by_numpy = model.transform_tokens(text.split())
        by_sklearn = model.transform([text])[0]
        np.testing.assert_allclose(by_numpy, by_sklearn, atol=1e-12)
        assert math.isclose(float(np.linalg.norm(by_numpy)), 1.0, rel_tol=1e-9)
    assert not model.transform_tokens(["okänt"]).any()


def test_fitted_vectors_are_unit_length_and_the_topics_separate() -> None:
    vectors = TextModel(n_components=2, dtype="float64").fit_transform(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-9)
    school, traffic = vectors[[0, 2, 4]], vectors[[1, 3]]
    # Texts of one subject are nearer each other than texts of the other subject.
    assert (school @ school.T).min() > (school @ traffic.T).max()


def test_too_few_texts_for_two_dimensions() -> None:
    with pytest.raises(TooFewDimensions):
        TextModel().fit(["skola elev", "buss trafik"])


def test_unit_rows_leaves_zero_rows_alone() -> None:
    out = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_loading_a_model_needs_no_scikit_learn() -> None:
    """Search places a query with numpy alone, so `motioner search` starts quickly."""
    code = (
        "import sys, numpy as np\n"
        "from nlp_motioner.textmodel import TextModel\n"
        "m = TextModel().restore(['a', 'b'], np.ones(2, 'float32'), np.eye(2, dtype='float32'))\n"
        "m.transform_tokens(['a'])\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
