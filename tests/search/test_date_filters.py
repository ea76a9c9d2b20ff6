"""--from and --to take a year, a month or a day that exists; anything else is refused.

A mistyped date used to match nothing and read as "no hits", which a clerk takes for an
answer.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("value", ["2024", "2024-02", "2024-02-29"])
def test_real_dates_are_taken(case_db, run_cli, value):
    result = run_cli("search", "lekplatser", "--db", str(case_db), "--from", value)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["2023-02-29", "2024-13", "banana", "20240101", "2024-1-5"])
@pytest.mark.parametrize("option", ["--from", "--to"])
def test_impossible_dates_are_refused_with_one_line(case_db, run_cli, option, value):
    result = run_cli("search", "lekplatser", "--db", str(case_db), option, value)
    assert result.exit_code == 2
    assert f"'{value}' is not a date" in result.output
    assert "Traceback" not in result.output
