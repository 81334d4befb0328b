"""Values stored in fields are model choices, and the group minimums are written once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation

from kerne.evaluations import minimums, services
from kerne.evaluations.disclosure import org, personal
from kerne.evaluations.forms import RoundForm
from kerne.evaluations.models import ApprovalBy, GroupKey, HiddenReason, Round

KERNE = Path(__file__).resolve().parents[2]


def test_the_defaults_come_from_one_place():
    assert services.DEFAULT_GROUPS[GroupKey.EMPLOYEES] == (5, 0)
    assert services.DEFAULT_GROUPS[GroupKey.PEERS] == (3, 10)
    assert services.DEFAULT_GROUPS[GroupKey.PARTNERS] == (3, 10)
    assert services.DEFAULT_GROUPS[GroupKey.SELF] == services.DEFAULT_GROUPS[GroupKey.MANAGER] == (1, 1)
    form = RoundForm.base_fields
    assert (form["min_employees"].initial, form["min_peers"].initial, form["min_partners"].initial) == (5, 3, 3)
    assert Round._meta.get_field("min_leaders").default == minimums.MIN_LEADERS == 3
    assert Round._meta.get_field("approval_by").default == ApprovalBy.HR
    assert form["approval_by"].choices == ApprovalBy.choices


@pytest.mark.parametrize(("given", "errors"), [(2, 1), (minimums.LEGAL_MINIMUM, 0)])
def test_no_group_below_the_legal_minimum(given, errors):
    settings = services.RoundSettings(
        name="R",
        framework=None,  # type: ignore[arg-type]
        opens_on=dt.date(2030, 1, 1),
        closes_on=dt.date(2030, 1, 15),
        group_minimums={GroupKey.EMPLOYEES: given},
    )
    with translation.override("da"):
        found = services.validate_settings(settings, today=dt.date(2029, 12, 1))
    assert len([k for k in found if k.startswith("min_")]) == errors
    if errors:
        assert found["min_employees"] == "Der skal mindst være 3 svar, før en gruppe vises."


def test_hidden_reasons_are_the_disclosure_decisions():
    assert (personal.TOO_FEW, personal.PROTECTS, org.PROTECTS, org.TOO_FEW_LEADERS) == (
        HiddenReason.TOO_FEW,
        HiddenReason.PROTECTS,
        HiddenReason.PROTECTS,
        HiddenReason.TOO_FEW_LEADERS,
    )


# A field compared with a raw string where the model has choices for it.
RAW = re.compile(
    r"""(approval_by|\.picture|aggregation|status)\s*(==|!=|in)\s*[("'](hr|manager|seesaw|circle|list|four-fields|"""
    r"""mean|sum|none|suppressed|provisional|final|previewed|running|applied|failed|draft|open|closed|published)["']"""
)


def test_no_field_is_compared_with_a_raw_string():
    found = []
    for path in KERNE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or "development" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RAW.search(line):
                found.append(f"{path.relative_to(KERNE)}:{number}: {line.strip()}")
    assert found == []
