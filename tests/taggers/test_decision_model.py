"""The decision-sentence model: its arithmetic, its files, and when it may answer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp_motioner.taggers import decision_model
from nlp_motioner.taggers.decision_model import NONE, DecisionModel, mode, model_folder
from nlp_motioner.taggers.outcome import classify_text

TRAIN = [
    ("Kommunfullmäktige bifaller motionen och ger nämnden i uppdrag", "bifall"),
    ("Nämnden bifaller ansökan om bidrag till föreningen", "bifall"),
    ("Styrelsen bifaller förslaget från förvaltningen om ny taxa", "bifall"),
    ("Kommunfullmäktige avslår motionen om fler parkbänkar i centrum", "avslag"),
    ("Nämnden avslår ansökan om bidrag till föreningen", "avslag"),
    ("Styrelsen avslår förslaget från förvaltningen om ny taxa", "avslag"),
    ("Ärendet beskrivs i tjänsteskrivelsen från förvaltningen", NONE),
    ("Handlingar i ärendet finns hos kansliet för den som vill läsa", NONE),
    ("Förvaltningen har tagit fram en rapport om läget i skolan", NONE),
]


@pytest.fixture(scope="module")
def small_model():
    pytest.importorskip("sklearn")
    from nlp_motioner.taggers.decision_train import fit

    model = fit([t for t, _ in TRAIN], [lab for _, lab in TRAIN], c=10.0)
    model.threshold = 0.4
    return model


def test_save_and_load_give_the_same_probabilities(small_model, tmp_path):
    small_model.save(tmp_path)
    loaded = DecisionModel.load(tmp_path)
    text = "Nämnden avslår ansökan om bidrag"
    assert loaded.classes == small_model.classes
    assert np.allclose(loaded.proba(text), small_model.proba(text), atol=1e-5)
    assert loaded.predict(text)[0] == "avslag"


def test_abstains_with_too_few_known_words_or_below_the_threshold(small_model):
    assert small_model.predict("Se bilaga.") == (None, 0.0)
    strict = DecisionModel(**{**small_model.__dict__, "threshold": 1.0})
    assert strict.predict("Nämnden avslår ansökan om bidrag")[0] is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "decision_model.npz").unlink(),
        lambda d: (d / "decision_model.json").write_text("{not json", encoding="utf-8"),
        lambda d: (d / "decision_model.json").write_text(json.dumps({"format": 99})),
        lambda d: _edit(d, terms=["a", "b"]),
        lambda d: _edit(d, threshold=7),
        lambda d: _edit(d, classes="bifall"),
        lambda d: np.savez(
            d / "decision_model.npz",
            idf=np.array([np.nan]),
            coef=np.zeros((1, 1)),
            intercept=np.zeros(1),
        ),
    ],
)
def test_a_damaged_model_is_refused_with_a_reason(small_model, tmp_path, damage):
    small_model.save(tmp_path)
    damage(tmp_path)
    with pytest.raises(ValueError):
        DecisionModel.load(tmp_path)


def _edit(folder, **changes):
    path = folder / "decision_model.json"
    info = json.loads(path.read_text(encoding="utf-8"))
    info.update(changes)
    path.write_text(json.dumps(info), encoding="utf-8")


def test_the_rules_come_first_and_the_mode_switch_works(monkeypatch, small_model):
    monkeypatch.setattr(decision_model, "_shipped", lambda: small_model)
    text = "Nämnden avslår ansökan om bidrag"
    assert classify_text(text) == "avslag"  # the rules read it; the model is not asked
    with mode("rules"):
        assert decision_model.predict(text) is None
    with mode("model"):
        assert decision_model.predict(text) == "avslag"
    with pytest.raises(ValueError):
        with mode("oracle"):
            pass


def test_the_shipped_model_loads_and_knows_the_outcome_classes():
    model = DecisionModel.load(model_folder())
    assert NONE in model.classes and "bifall" in model.classes
    assert set(model.classes) <= {
        "bifall",
        "avslag",
        "besvarad",
        "tillstyrker",
        "avstyrker",
        "delvis_bifall",
        NONE,
    }
    assert 0.5 <= model.threshold <= 1.0
