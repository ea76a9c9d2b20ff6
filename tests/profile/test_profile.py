"""Profiles: general rules plus an organisation's house style, chosen per document or by the user."""

from __future__ import annotations

import pickle

import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main
from nlp_motioner.profile import (
    ENV_PATH,
    ENV_PROFILE,
    ProfileError,
    available_profiles,
    choose_profile,
    default_profile,
    load_profile,
)
from nlp_motioner.readers import read_bytes
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag

MY_PROFILE = """
[profile]
description = "Exempelby kommun"

[match]
organisations = ["Exempelby kommun"]

[parties.names]
XP = ["Exempelpartiet"]

[parties.abbreviations]
XP = ["XP"]
"""

MOTION = "Motion\nOm fler bänkar i parken\n\nVi föreslår att kommunen sätter ut fler bänkar.\n\nFör Exempelpartiet\nAnna Berg\n"


def _parties(text: str, profile=None):
    doc = read_bytes(text.encode(), "motion.txt")
    return tag(structure(doc, profile), profile).tags.parties


def test_general_profile_has_every_table():
    general = default_profile()
    for table in ("headings", "minutes", "casenumbers", "outcomes", "parties", "bodies"):
        assert general.table(table), table
    assert "default" in available_profiles()


def test_unknown_profile_and_unknown_table_are_errors(tmp_path):
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("no-such-profile")
    bad = tmp_path / "bad.toml"
    bad.write_text("[colours]\nred = 1\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown table"):
        load_profile(str(bad))
    broken = tmp_path / "broken.toml"
    broken.write_text("[parties\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(str(broken))


def test_a_user_profile_extends_the_general_lists(tmp_path):
    path = tmp_path / "exempelby.toml"
    path.write_text(MY_PROFILE, encoding="utf-8")
    mine = load_profile(str(path))
    general = default_profile()
    assert set(general.table("parties")["names"]) < set(mine.table("parties")["names"])
    assert mine.table("parties")["names"]["S"] == general.table("parties")["names"]["S"]
    assert _parties(MOTION) == []  # the general rules do not know the party's name
    assert _parties(MOTION, mine) == ["XP"]


def test_profiles_in_a_user_folder_are_chosen_by_what_the_document_names(tmp_path, monkeypatch):
    (tmp_path / "exempelby.toml").write_text(MY_PROFILE, encoding="utf-8")
    monkeypatch.setenv(ENV_PATH, str(tmp_path))
    monkeypatch.delenv(ENV_PROFILE, raising=False)
    from nlp_motioner import profile as module

    module._matchers.cache_clear()
    try:
        assert "exempelby" in available_profiles()
        chosen = choose_profile("Exempelby kommun\nKommunstyrelsen\nProtokoll\n")
        assert chosen.name == "exempelby"
        assert choose_profile("Annanstad kommun\nProtokoll\n").name == "default"
        # A forced profile wins over the match.
        assert choose_profile("Exempelby kommun\n", explicit="default").name == "default"
    finally:
        module._matchers.cache_clear()


def test_front_matter_chooses_a_profile():
    chosen = choose_profile("Protokoll\n", {"front_matter": {"kommun": "kungsbacka"}})
    assert chosen.name == "kungsbacka"


def test_a_profile_travels_to_worker_processes_by_name(tmp_path):
    path = tmp_path / "exempelby.toml"
    path.write_text(MY_PROFILE, encoding="utf-8")
    for profile in (load_profile("kungsbacka"), load_profile(str(path))):
        copy = pickle.loads(pickle.dumps(profile))
        assert copy.fingerprint == profile.fingerprint


def test_cli_profile_option(tmp_path, monkeypatch):
    # The option hands the profile to workers through the environment; an empty value set
    # here makes monkeypatch remove it again after the test.
    monkeypatch.setenv(ENV_PROFILE, "")
    path = tmp_path / "exempelby.toml"
    path.write_text(MY_PROFILE, encoding="utf-8")
    doc = tmp_path / "motion.txt"
    doc.write_text(MOTION, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["tag", str(doc), "--jobs", "1", "--profile", str(path)])
    assert result.exit_code == 0, result.output
    assert '"parties": ["XP"]' in result.output
    assert '"profile": "' in result.output
    bad = runner.invoke(main, ["tag", str(doc), "--profile", "no-such-profile"])
    assert bad.exit_code == 2 and "unknown profile" in bad.output


def test_compiled_rules_are_shared_only_between_equal_tables():
    from nlp_motioner.profile import Profile

    calls = []

    def build(profile):
        calls.append(profile)
        return {"words": list(profile.table("t").get("words", []))}

    a = Profile("a", {"t": {"words": ["x"]}, "u": {"y": 1}}, {})
    b = Profile("b", {"t": {"words": ["x"]}, "u": {"y": 2}}, {})  # differs in a table not read
    c = Profile("c", {"t": {"words": ["x", "z"]}}, {})
    first = a.compiled("test.shared", build)
    assert b.compiled("test.shared", build) is first
    assert c.compiled("test.shared", build) == {"words": ["x", "z"]}
    assert len(calls) == 2

    def by_name(profile):  # a build that reads more than tables is never shared
        return profile.name

    assert a.compiled("test.named", by_name) == "a"
    assert b.compiled("test.named", by_name) == "b"
