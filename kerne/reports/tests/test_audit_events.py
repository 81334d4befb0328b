"""The audit log shows what the evaluation and report services wrote in Danish words, in fixed queries."""

from __future__ import annotations

import pytest

from kerne.core.models import AuditEvent
from kerne.evaluations.models import Subject
from kerne.evaluations.tests.builders import build_org, prepared_round
from kerne.reports.services import report_view_record

pytestmark = pytest.mark.django_db


def test_report_views_and_round_events_read_as_danish_in_fixed_queries(client, django_assert_num_queries):
    org = build_org()
    first = prepared_round(org, name="Runde forår")
    second = prepared_round(org, name="Runde efterår")
    subjects = list(Subject.objects.filter(round__in=[first, second]).select_related("round"))
    for subject in subjects:
        report_view_record(actor=org.hr, subject=subject, kind="html", reason="hr")
    leader = next(s for s in subjects if s.person_id == org.people["l1"].pk and s.round_id == first.pk)
    report_view_record(actor=org.user_for("l1"), subject=leader, kind="pdf", reason="self")
    assert AuditEvent.objects.filter(organisation=org.organisation).count() < 50
    client.force_login(org.hr)
    with django_assert_num_queries(5):  # session, user, count, page, the names of the rounds on the page
        html = client.get("/konto/log/").content.decode()
    assert '<th scope="row">Personlig rapport læst på skærmen</th>' in html
    assert '<th scope="row">Personlig rapport hentet som PDF</th>' in html
    assert '<th scope="row">Bedømmere foreslået</th>' in html
    assert "<dt>Runde</dt><dd>Runde forår</dd>" in html
    assert "<dt>Runde</dt><dd>Runde efterår</dd>" in html
    assert "<dt>Adgang som</dt><dd>HR</dd>" in html
    assert "<dt>Adgang som</dt><dd>lederen selv</dd>" in html
    assert "round: " not in html
    assert "Årsag: self" not in html
    assert "<dd>self</dd>" not in html
    # Whom a report view concerns: the leader whose report it is.
    person = org.people["l1"]
    html = client.get(f"/konto/log/?about={person.employee_number}&action=report.personal_viewed_pdf").content.decode()
    assert "1 hændelse<" in html
    assert f"<td>{person.name} ({person.employee_number})</td>" in html
