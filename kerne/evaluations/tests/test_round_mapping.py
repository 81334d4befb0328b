"""Issue 14 §2: the role level mapping is part of HR's set-up; a round does not open on an unsaved one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kerne.core.models import AuditEvent
from kerne.evaluations import services
from kerne.evaluations.models import RoundStatus
from kerne.evaluations.tests.builders import build_org, make_round
from kerne.frameworks.models import RoleLevel, RoleLevelMapping
from kerne.frameworks.services import role_level_mapping_save_suggested, role_level_mapping_set
from kerne.organisation.models import OrgRoleLevel

pytestmark = pytest.mark.django_db

UNSAVED = (
    "Ledelsesniveauerne er ikke gemt for Ledelsesgrundlag for Social og Sundhed: {levels}. Tjek dem på siden om"
    " ledelsesniveauer, og gem dem; de afgør, hvilke udsagn hver leder bedømmes på."
)


def test_a_round_does_not_open_on_an_unsaved_mapping_and_nothing_changes(django_assert_num_queries):
    org = build_org()
    round_ = make_round(org, save_mapping=False)
    # Before the leaders are chosen: every leader level of the organisation.
    with django_assert_num_queries(4):
        assert services.mapping_problems(round_) == [
            UNSAVED.format(levels="Chef, Direktør, Kommunaldirektør, Leder af ledere, Leder af medarbejdere")
        ]
    services.subjects_select(round_=round_, actor=org.hr)
    services.raters_propose(round_=round_, actor=org.hr)
    # Then the levels of the leaders chosen.
    with django_assert_num_queries(3):
        assert services.mapping_problems(round_) == [UNSAVED.format(levels="Chef, Direktør, Leder af medarbejdere")]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.round_open(round_=round_, actor=org.hr, send_mail=False)
    assert refused.value.messages == [UNSAVED.format(levels="Chef, Direktør, Leder af medarbejdere")]
    round_.refresh_from_db()
    assert (round_.status, round_.link_code, round_.questions.count(), AuditEvent.objects.count()) == (
        RoundStatus.DRAFT,
        None,
        0,
        events,
    )
    role_level_mapping_save_suggested(organisation=org.organisation, framework=round_.framework, actor=org.hr)
    assert services.mapping_problems(round_) == []
    assert services.round_open(round_=round_, actor=org.hr, send_mail=False) == 21


def test_leaders_chosen_before_the_mapping_changed_are_chosen_again():
    org = build_org()
    round_ = make_round(org)
    services.subjects_select(round_=round_, actor=org.hr)
    services.raters_propose(round_=round_, actor=org.hr)
    chef = OrgRoleLevel.objects.get(organisation=org.organisation, key="chef")
    role_level_mapping_set(
        organisation=org.organisation,
        framework=round_.framework,
        mapping={chef.pk: RoleLevel.objects.get(framework=round_.framework, key="direktoer").pk},
        actor=org.hr,
    )
    assert services.mapping_problems(round_) == [
        "1 leder(e) blev valgt, før ledelsesniveauerne blev ændret. Vælg lederne igen, så hver bedømmes på"
        " udsagnene for niveauet, som det er gemt."
    ]
    services.subjects_select(round_=round_, actor=org.hr)
    assert services.mapping_problems(round_) == []
    assert round_.subjects.get(name="Carsten Chef").framework_role_level == "direktoer"


def test_a_framework_without_role_levels_needs_no_mapping():
    org = build_org()
    round_ = make_round(org, save_mapping=False)
    RoleLevel.objects.filter(framework=round_.framework).delete()
    assert services.mapping_problems(round_) is None
    assert not RoleLevelMapping.objects.exists()


def test_the_role_level_page_leads_back_only_to_a_page_of_this_site(client):
    org = build_org()
    round_ = make_round(org, save_mapping=False)
    client.force_login(org.hr)
    slug = round_.framework.slug
    html = client.get(
        f"/ledelsesgrundlag/niveauer/?ramme={slug}&tilbage=/evaluering/runder/{round_.pk}/"
    ).content.decode()
    assert f'<a href="/evaluering/runder/{round_.pk}/">Tilbage til runden</a>' in html
    for bad in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        html = client.get(f"/ledelsesgrundlag/niveauer/?ramme={slug}&tilbage={bad}").content.decode()
        assert "Tilbage til runden" not in html
