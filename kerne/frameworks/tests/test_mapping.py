"""The role level mapping: the name-based suggestion, HR's page, and refusals that change nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.frameworks.loader import load_framework_file
from kerne.frameworks.mapping import level_words, suggest_mapping
from kerne.frameworks.models import RoleLevel, RoleLevelMapping
from kerne.frameworks.services import MappingError, framework_import, role_level_mapping_set
from kerne.frameworks.tests.test_loader import FJORDBY
from kerne.organisation.models import OrgRoleLevel
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory

URL = "/ledelsesgrundlag/niveauer/"
BFU = "hjoerring-bfu-sammen-om-kerneopgaven"
HOLSTEBRO = "holstebro-social-og-sundhed"


def lvl(key, name):
    return SimpleNamespace(key=key, name=name)


ORG = [
    lvl("medarbejder", "Medarbejder"),
    lvl("leder-af-medarbejdere", "Leder af medarbejdere"),
    lvl("leder-af-ledere", "Leder af ledere"),
    lvl("chef", "Chef"),
    lvl("direktoer", "Direktør"),
    lvl("kommunaldirektoer", "Kommunaldirektør"),
]


def test_level_words_fold_case_letters_dashes_and_plural_e():
    assert level_words("Leder af medarbejdere") == level_words("leder-af-medarbejder") == "leder af medarbejder"
    assert level_words("Direktør") == level_words("direktoer") == "direktoer"
    assert level_words("LEDER AF LEDERE") == "leder af leder"


def test_suggest_mapping_matches_by_folded_key_or_name():
    bfu = [
        lvl("medarbejder", "Medarbejder"),
        lvl("leder-af-medarbejder", "Leder af medarbejder"),
        lvl("leder-af-leder", "Leder af leder"),
        lvl("chef", "Chef"),
        lvl("direktoer", "Direktør"),
    ]
    assert suggest_mapping(ORG, bfu) == {
        "medarbejder": "medarbejder",
        "leder-af-medarbejdere": "leder-af-medarbejder",
        "leder-af-ledere": "leder-af-leder",
        "chef": "chef",
        "direktoer": "direktoer",
        "kommunaldirektoer": None,
    }
    # By name alone, when the keys differ.
    assert suggest_mapping([lvl("niveau-5", "Direktør")], [lvl("dir", "Direktoer")]) == {"niveau-5": "dir"}
    assert suggest_mapping(ORG, []) == dict.fromkeys(
        ("medarbejder", "leder-af-medarbejdere", "leder-af-ledere", "chef", "direktoer", "kommunaldirektoer")
    )


# --- the page ------------------------------------------------------------------------------------------------


@pytest.fixture
def hr(db, seed_frameworks):
    aby = OrganisationFactory(name="Aby Kommune", slug="aby")
    bby = OrganisationFactory(name="Bby Kommune", slug="bby")
    framework_import(spec=load_framework_file(FJORDBY), actor="test", organisation=bby)
    employee_position = PositionFactory(organisation=aby)
    return SimpleNamespace(
        aby=aby,
        bby=bby,
        frameworks=seed_frameworks,
        admin=UserFactory(organisation=aby, is_org_admin=True),
        employee=UserFactory(organisation=aby, person=employee_position.person),
        other_admin=UserFactory(organisation=bby, is_org_admin=True),
        levels={level.key: level for level in OrgRoleLevel.objects.filter(organisation=aby)},
    )


def fw_level(framework, key):
    return RoleLevel.objects.get(framework=framework, key=key)


def post_data(hr, framework, choices):
    data = {"ramme": framework.slug}
    for key, level in hr.levels.items():
        choice = choices.get(key)
        data[f"level-{level.pk}"] = "" if choice is None else str(choice)
    return data


@pytest.mark.django_db
def test_page_prefills_the_suggestion_in_fixed_queries(client, hr, django_assert_num_queries):
    client.force_login(hr.admin)
    # session, user, organisation, frameworks, their role levels, our levels, saved mappings
    with django_assert_num_queries(7):
        response = client.get(f"{URL}?ramme={BFU}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ledelsesniveauer i ledelsesgrundlagene</h1>" in html
    bfu = hr.frameworks[BFU]
    chef = hr.levels["chef"]
    assert f'<option value="{fw_level(bfu, "chef").pk}" selected>Chef</option>' in html
    assert html.count("Foreslået ud fra navnene; ikke gemt endnu.") == 6
    assert f'<label for="level-{chef.pk}">Chef</label>' in html
    # Frameworks without role levels are listed apart; another tenant's framework is not offered.
    assert "Ledelse med retning" not in html
    assert (
        "<li>Ledelse af Kerneopgaven (Hjørring Kommune)</li>"
        in html.split("Ledelsesgrundlag, der gælder alle niveauer ens")[1]
    )


@pytest.mark.django_db
def test_hr_saves_the_mapping(client, hr):
    bfu = hr.frameworks[BFU]
    choices = {"chef": fw_level(bfu, "chef").pk, "leder-af-ledere": fw_level(bfu, "leder-af-leder").pk}
    client.force_login(hr.admin)
    response = client.post(URL, post_data(hr, bfu, choices), follow=True)
    assert response.redirect_chain == [(f"{URL}?ramme={BFU}", 302)]
    assert "Ledelsesniveauerne for Sammen om Kerneopgaven er gemt (6 ændret)." in response.content.decode()
    saved = {
        m.org_role_level.key: (m.role_level.key if m.role_level else None)
        for m in RoleLevelMapping.objects.filter(organisation=hr.aby, framework=bfu).select_related(
            "org_role_level", "role_level"
        )
    }
    assert saved == {
        "medarbejder": None,
        "leder-af-medarbejdere": None,
        "leder-af-ledere": "leder-af-leder",
        "chef": "chef",
        "direktoer": None,
        "kommunaldirektoer": None,
    }
    assert "Foreslået ud fra navnene" not in response.content.decode()
    [event] = AuditEvent.objects.filter(action="role_level_mapping.set")
    assert event.organisation == hr.aby
    assert event.data["changed"]["chef"] == "chef"
    # Saving the same again changes nothing and writes no event.
    client.post(URL, post_data(hr, bfu, choices))
    assert AuditEvent.objects.filter(action="role_level_mapping.set").count() == 1


@pytest.mark.django_db
def test_bad_choice_is_explained_and_nothing_is_saved(client, hr):
    bfu = hr.frameworks[BFU]
    client.force_login(hr.admin)
    data = post_data(hr, bfu, {"chef": "chef-niveau", "direktoer": fw_level(bfu, "direktoer").pk})
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chef: vælg et af niveauerne på listen." in html
    assert "Intet blev gemt." in html
    assert f'<option value="{fw_level(bfu, "direktoer").pk}" selected>Direktør</option>' in html  # kept
    assert not RoleLevelMapping.objects.exists()


@pytest.mark.django_db
def test_a_level_of_another_framework_is_refused(client, hr):
    bfu, holstebro = hr.frameworks[BFU], hr.frameworks[HOLSTEBRO]
    client.force_login(hr.admin)
    response = client.post(URL, post_data(hr, bfu, {"chef": fw_level(holstebro, "chef").pk}))
    assert response.status_code == 400
    assert "Chef: det valgte niveau er ikke et af ledelsesgrundlagets ledelsesniveauer." in response.content.decode()
    assert not RoleLevelMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="role_level_mapping.set").exists()


@pytest.mark.django_db
def test_employee_cannot_map(client, hr):
    bfu = hr.frameworks[BFU]
    client.force_login(hr.employee)
    response = client.post(URL, post_data(hr, bfu, {"chef": fw_level(bfu, "chef").pk}))
    assert response.status_code == 403
    assert not RoleLevelMapping.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_map(client, hr):
    bfu = hr.frameworks[BFU]
    response = client.post(URL, post_data(hr, bfu, {"chef": fw_level(bfu, "chef").pk}))
    assert response.status_code == 302
    assert not RoleLevelMapping.objects.exists()


@pytest.mark.django_db
def test_other_organisations_hr_cannot_map_our_levels(client, hr):
    bfu = hr.frameworks[BFU]
    client.force_login(hr.other_admin)
    response = client.post(URL, post_data(hr, bfu, {"chef": fw_level(bfu, "chef").pk}))
    # Their page lists their own levels; ours in the post are ignored, theirs are saved as posted (empty).
    assert not RoleLevelMapping.objects.filter(organisation=hr.aby).exists()
    assert response.status_code == 302


@pytest.mark.django_db
def test_another_tenants_framework_cannot_be_chosen(client, hr):
    client.force_login(hr.admin)
    response = client.post(URL, {"ramme": "fjordby-ledelse-med-retning"}, follow=True)
    assert "Vælg et ledelsesgrundlag med ledelsesniveauer." in response.content.decode()
    assert not RoleLevelMapping.objects.exists()


@pytest.mark.django_db
def test_service_refusals_change_nothing(hr):
    bfu = hr.frameworks[BFU]
    fjordby = RoleLevel.objects.filter(framework__slug="fjordby-ledelse-med-retning").first().framework
    chef = hr.levels["chef"]
    with pytest.raises(MappingError, match="Kun en HR-administrator"):
        role_level_mapping_set(organisation=hr.aby, framework=bfu, mapping={chef.pk: None}, actor=hr.employee)
    with pytest.raises(MappingError, match="Kun en HR-administrator"):
        role_level_mapping_set(organisation=hr.aby, framework=bfu, mapping={chef.pk: None}, actor=hr.other_admin)
    with pytest.raises(MappingError, match="hører til en anden organisation"):
        role_level_mapping_set(organisation=hr.aby, framework=fjordby, mapping={chef.pk: None}, actor=hr.admin)
    other_level = OrgRoleLevel.objects.get(organisation=hr.bby, key="chef")
    with pytest.raises(MappingError, match="Ukendt ledelsesniveau"):
        role_level_mapping_set(organisation=hr.aby, framework=bfu, mapping={other_level.pk: None}, actor=hr.admin)
    assert not RoleLevelMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="role_level_mapping.set").exists()
