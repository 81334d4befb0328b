"""Every audit action has a Danish name and its details read as words: the registry is complete."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from kerne.core import audit_types
from kerne.core.audit import audit_record
from kerne.core.models import AuditEvent

KERNE = Path(__file__).resolve().parents[2]


def _actions_in_code() -> list[tuple[str, str]]:
    """(where, action or regex) of every `audit_record(action=…)` outside the tests."""
    found: list[tuple[str, str]] = []
    for path in sorted(KERNE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record"
            ):
                continue
            where = f"{path.relative_to(KERNE.parent)}:{node.lineno}"
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found.extend((where, a) for a in _expand(keyword.value, where))
    return found


def _expand(value: ast.expr, where: str) -> list[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [re.escape(value.value)]
    if isinstance(value, ast.IfExp):
        return _expand(value.body, where) + _expand(value.orelse, where)
    if isinstance(value, ast.JoinedStr):
        return [
            "".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"[a-z0-9_]+" for part in value.values)
        ]
    raise AssertionError(f"{where}: write the audit action as a literal (or an f-string of literals).")


def test_the_code_writes_audit_actions_the_scan_can_see():
    actions = _actions_in_code()
    assert len(actions) >= 30  # the scan found the services' calls (40 today)
    assert any("personal_viewed" in a for _w, a in actions)


def test_every_action_written_in_the_code_has_a_danish_name():
    registered = audit_types.registered_actions()
    missing = [
        f"{where}: {pattern}"
        for where, pattern in _actions_in_code()
        if not any(re.fullmatch(pattern, action) for action in registered)
    ]
    assert missing == [], "Register these actions in the app's audit_types.py:\n" + "\n".join(missing)
    with translation.override("da"):
        for action in registered:
            label = audit_types.action_label(action)
            assert label, action
            assert "." not in label, action
            assert "_" not in label, action


def test_every_variant_of_a_composed_action_is_named():
    """f-string actions: the variants the services write (kind = html, pdf, pdf_batch; add, remove)."""
    for action in (
        "report.personal_viewed_html",
        "report.personal_viewed_pdf",
        "report.personal_viewed_pdf_batch",
        "round.rater_add_requested",
        "round.rater_remove_requested",
    ):
        assert audit_types.event_type(action) is not None, action


@pytest.mark.django_db
def test_an_unnamed_action_fails_the_test_that_writes_it():
    with pytest.raises(ImproperlyConfigured, match="no Danish name"):
        audit_record(actor=None, action="something.new")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_names_and_details_read_as_danish():
    with translation.override("da"):
        event = AuditEvent(action="report.personal_viewed_html", data={"round": 999999, "reason": "self"})
        assert audit_types.action_label(event.action) == "Personlig rapport læst på skærmen"
        [view] = audit_types.describe_events([event])
        assert view.details == [("Runde", "nr. 999999 (findes ikke længere)"), ("Adgang som", "lederen selv")]
        assert audit_types.action_label("made.up") == "Ukendt hændelse (made.up)"
        event = AuditEvent(action="organisation.import_applied", data={"file": "hr.csv", "rows": 1234, "moved": 2})
        assert audit_types.event_details(event) == [("Fil", "hr.csv"), ("Personer i filen", "1.234"), ("Flyttede", "2")]
        event = AuditEvent(action="round.invitation_resent", data={"invitation": 12345, "address_changed": True})
        assert audit_types.event_details(event) == [("Invitation nr.", "12345"), ("Ny e-mailadresse", "ja")]
        event = AuditEvent(action="round.rater_change_approved", data={"kind": "remove", "group": "employees"})
        assert audit_types.event_details(event) == [("Ændring", "Fjern"), ("Respondentgruppe", "Medarbejdere")]
