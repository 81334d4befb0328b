"""The demo shows the team's own translation and the private reflection at once (issue 12 §3–§4)."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test.utils import override_settings

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.demo.services import demo_create
from kerne.demo.translation import _login_of
from kerne.development.services import reflection as reflections
from kerne.frameworks.models import ProposalStatus, TranslationProposal, UnitTranslation

pytestmark = pytest.mark.django_db
ROLE_PAGE = "/ledelsesgrundlag/holstebro-social-og-sundhed/rolle/leder-af-medarbejdere/"


def test_two_units_have_translated_and_the_employee_has_two_reflections(
    seed_frameworks, django_capture_on_commit_callbacks, client
):
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        organisation = demo_create(seed=2026)
    counts = dict(
        UnitTranslation.objects.filter(organisation=organisation)
        .values_list("unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sorted(counts.values()) == [2, 4]
    assert TranslationProposal.objects.filter(organisation=organisation, status=ProposalStatus.PENDING).count() == 1
    leader = _login_of(organisation, "leder-af-medarbejdere")
    employee = _login_of(organisation, leader=False)
    client.force_login(leader)
    html = client.get(ROLE_PAGE).content.decode()
    assert f"Sådan forstår vi det i {policy.own_unit(leader).name}" in html
    assert "vagtplanen er lagt fire uger frem" in html
    client.force_login(employee)
    html = client.get(ROLE_PAGE).content.decode()
    assert f"Sådan forstår vi det i {policy.own_unit(employee).name}" in html
    assert html.count('class="unit-translation"') == 2
    entries = reflections.my_reflections(employee)
    assert len(entries) == 2
    entry = reflections.my_entry(employee, entries[0].pk)
    assert entry.previous == entries[1]
    assert len(entry.rows) == 25
    assert sum(1 for row in entry.rows if row.change == 1) == 13  # every other statement, from the first
    assert client.get(f"/udvikling/refleksion/{entries[0].pk}/").status_code == 200
    # Nobody else, HR included, opens it.
    client.force_login(User.objects.get(organisation=organisation, is_org_admin=True))
    assert client.get(f"/udvikling/refleksion/{entries[0].pk}/").status_code == 404
    # Running the demo again adds nothing.
    demo_create(seed=2026)
    assert UnitTranslation.objects.filter(organisation=organisation).count() == 6
    assert len(reflections.my_reflections(employee)) == 2
