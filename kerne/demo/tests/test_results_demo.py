"""The demo's result follow-up: a direktør sees the sectors, an institution leader comments, statuses are frozen."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings

from kerne.accounts.models import User
from kerne.demo.results import demo_results
from kerne.demo.services import DEMO_ADMIN_EMAIL, DEMO_SLUG, demo_create_logins
from kerne.organisation.demo import demo_csv
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.services import organisation_create
from kerne.results import access
from kerne.results.models import (
    Comment,
    Committee,
    Goal,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    StatusReport,
)

pytestmark = pytest.mark.django_db


def test_the_demo_shows_result_follow_up_at_once(seed_frameworks, django_capture_on_commit_callbacks):
    # The demo's own steps without its evaluation rounds (test_logins covers demo_create as a whole,
    # which ends with demo_results): the kommune, its logins, then result follow-up.
    organisation = organisation_create(name="Demo Kommune", slug=DEMO_SLUG, actor="test")
    org_import_apply(
        organisation=organisation, data=demo_csv(seed=2026, size="small"), filename="demo.csv", actor="test"
    )
    hr = User.objects.create_user(DEMO_ADMIN_EMAIL, "x", organisation=organisation, is_org_admin=True)
    demo_create_logins(organisation)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        demo_results(organisation, hr, seed=2026)
        demo_results(organisation, hr, seed=2026)  # a second time adds nothing
    assert Indicator.objects.filter(organisation=organisation).count() == 11
    assert {g.name for g in Goal.objects.filter(organisation=organisation)} == {
        "Færre langvarige kontanthjælpsmodtagere",
        "Ungegarantien",
    }
    for committee in Committee.objects.filter(organisation=organisation):
        assert committee.statuses.filter(state="issued").count() >= 3, committee.name
    # Numbers came in through Kerne's file, a saved StatBank answer (one month suppressed) and Jobindsats.
    assert set(MeasurementImport.objects.values_list("file_format", "status")) == {
        ("table", "applied"),
        ("statbank", "applied"),
        ("jobindsats", "applied"),
    }
    suppressed = Measurement.objects.get(indicator__key="fuldtidsmodtagere-kontanthjaelp", status="suppressed")
    assert suppressed.value is None
    assert MeasurementRevision.objects.count() == 1
    issued = StatusReport.objects.filter(committee__name="Beskæftigelsesudvalget", state="issued").latest(
        "period_start"
    )
    client = Client()
    # The direktør for Social og Sundhed sees every sector on the board and the revision note.
    direktor = User.objects.get(
        person__positions__valid_to__isnull=True, person__positions__role_level__key="direktoer"
    )
    client.force_login(direktor)
    board = client.get("/resultater/tavle/").content.decode()
    for sector in ("Arbejdsmarked og Borgerservice", "Børn og Unge", "Social og Sundhed"):
        assert sector in board
    assert access.is_direktion(direktor)
    # The institution leader (plejecenter) comments on the falls at the plejecenter.
    leader = User.objects.get(
        person__positions__valid_to__isnull=True, person__positions__role_level__key="leder-af-ledere"
    )
    falls = Indicator.objects.get(key="faldulykker-plejecentre")
    client.force_login(leader)
    url = f"/resultater/enhed/{falls.responsible_unit_id}/indikator/{falls.pk}/"
    assert "Din kommentar til" in client.get(url).content.decode()
    before = Comment.objects.count()
    response = client.post(
        url, {"period": client.get(url).context["form"].initial["period"], "text": "Faldscreening virker."}
    )
    assert response.status_code == 302
    assert Comment.objects.count() in (before, before + 1)  # a new comment, or the one there replaced
    assert Comment.objects.filter(text="Faldscreening virker.").exists()
    # Nobody sees further than two levels: the team leader does not see the kommune's top unit.
    team_leader = User.objects.get(
        person__positions__valid_to__isnull=True, person__positions__role_level__key="leder-af-medarbejdere"
    )
    top = access.top_units(team_leader).get()
    assert not access.can_view_unit(team_leader, top)
    client.force_login(team_leader)
    assert client.get(f"/resultater/enhed/{top.pk}/").status_code == 403
    client.force_login(hr)
    assert "revideret siden" in client.get(f"/resultater/status/{issued.pk}/").content.decode()
