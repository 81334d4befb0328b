"""“Dine fokuspunkter”: the next round's report shows the change on exactly the plan's statements."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kerne.development.models import ReportTalk
from kerne.development.services import plans
from kerne.evaluations.models import Subject
from kerne.evaluations.tests.builders import build_org
from kerne.reports.focus import focus_rows
from kerne.reports.personal import load_personal_report
from kerne.reports.tests.builders import age_round, closed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rounds(django_capture_on_commit_callbacks):
    org = build_org(slug="fokus")
    first = closed_round(org, django_capture_on_commit_callbacks, seed=3, name="Ledelsesevaluering 2025")
    age_round(first, 365)
    talk = ReportTalk.objects.get(round=first, leader=org.people["l1"])
    leader, manager = org.user_for("l1"), org.user_for("chef")
    plan = plans.plan_start(actor=manager, talk=talk)
    keys = list(
        plan.framework.statements.filter(role_level__key="leder-af-medarbejdere")
        .order_by("position")
        .values_list("key", flat=True)[:2]
    )
    plans.plan_item_save(
        actor=leader,
        plan=plan,
        data=plans.ItemData(
            target_kind="statements",
            statement_keys=keys,
            goal="Tydeligere retning",
            actions=[{"kind": "course", "text": "Lederkursus"}],
        ),
    )
    plans.plan_item_save(
        actor=leader,
        plan=plan,
        data=plans.ItemData(
            target_kind="own",
            own_title="Egen trivsel",
            goal="Mindre overarbejde",
            actions=[{"kind": "other", "text": "Faste fridage"}],
        ),
    )
    plans.plan_confirm(actor=leader, plan=plan)
    plans.plan_confirm(actor=manager, plan=plan)
    second = closed_round(org, django_capture_on_commit_callbacks, seed=9, name="Ledelsesevaluering 2026")
    subject = Subject.objects.get(round=second, person=org.people["l1"])
    return org, subject, keys


def test_the_rows_are_the_reports_own_rows_for_the_plans_statements(two_rounds):
    _org, subject, keys = two_rounds
    from kerne.development.selectors import focus_targets

    report = load_personal_report(subject)
    rows = focus_rows(report, focus_targets(subject.person_id, before=subject.round.closed_at))
    assert [r.goal for r in rows] == ["Tydeligere retning"]  # own points have no statements
    by_key = {row.key: row for area in report.areas for row in area.statements}
    assert [s.key for s in rows[0].statements] == keys
    for shown in rows[0].statements:
        assert shown is by_key[shown.key]  # the same figures and suppression as the report
        assert shown.change == pytest.approx(shown.others.mean - shown.previous.mean)


def test_the_leader_sees_the_section_and_hr_does_not(two_rounds, client):
    org, subject, _keys = two_rounds
    url = reverse("reports:personal", args=[subject.pk])
    client.force_login(org.user_for("l1"))
    page = client.get(url).content.decode()
    assert "Dine fokuspunkter" in page
    assert "Tydeligere retning" in page
    assert "Ledelsesevaluering 2025" in page
    pdf = client.get(reverse("reports:personal-pdf", args=[subject.pk]))
    assert pdf.status_code == 200
    client.force_login(org.hr)  # HR sees the report, but not what the plan says (the default setting)
    page = client.get(url).content.decode()
    assert "Dine fokuspunkter" not in page
    assert "Tydeligere retning" not in page
