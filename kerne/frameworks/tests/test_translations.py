"""The team's own translation (issue 12 §3): rules, who may write, history, the browser, HR's counts."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from kerne.core.models import AuditEvent
from kerne.frameworks import translation_selectors, translation_services
from kerne.frameworks.models import ProposalStatus, TranslationProposal, UnitTranslation, UnitTranslationVersion
from kerne.frameworks.tests.builders import build_org, holstebro
from kerne.frameworks.translations import MAX_TEXT, Coverage, ancestor_ids, clean_reason, clean_text, coverage_rows

SLUG = "holstebro-social-og-sundhed"


@pytest.fixture
def world(db):
    org = build_org(slug="oversaet")
    framework = holstebro()
    unit = org.people["l1"].positions.get().unit
    statement = framework.statements.filter(role_level__key="leder-af-medarbejdere").order_by("position").first()
    return org, framework, unit, statement


def state():
    return (
        list(UnitTranslation.objects.values_list("target_key", "text", "version")),
        UnitTranslationVersion.objects.count(),
        list(TranslationProposal.objects.values_list("text", "status")),
    )


# --- pure rules -------------------------------------------------------------------------------


def test_clean_text_says_what_is_wrong_in_danish():
    assert clean_text("  Vi tager ansvar.\r\nHver dag. ") == ("Vi tager ansvar.\nHver dag.", None)
    assert clean_text("   ")[1].message == "Skriv en tekst: den er tom."
    text, problem = clean_text("x" * (MAX_TEXT + 5))
    assert len(text) == 1005
    assert problem.message == "Teksten er 1005 tegn lang; der må højst være 1000. Gør den 5 tegn kortere."
    assert clean_reason("")[1].message == "Skriv, hvorfor forslaget afvises, så teamet ved det."


def test_ancestors_and_coverage_rows():
    assert ancestor_ids("/1/5/9/") == [5, 1]
    assert ancestor_ids("/1/") == []
    rows = coverage_rows(
        [
            (9, "Plejecenter 1", "h", "Holstebro", "statement", 3),
            (9, "Plejecenter 1", "h", "Holstebro", "node", 1),
            (4, "Ældre og Sundhed", "h", "Holstebro", "pending", 2),
        ],
        {"h": 31},
    )
    assert rows == [
        Coverage(9, "Plejecenter 1", "h", "Holstebro", 3, 1, 0, 31),
        Coverage(4, "Ældre og Sundhed", "h", "Holstebro", 0, 0, 2, 31),
    ]
    assert rows[0].share == 9  # 3 of 31, rounded down


# --- writing: propose, accept, history, decline -------------------------------------------------


def test_a_member_proposes_and_the_leader_edits_and_accepts_with_history(world):
    org, framework, unit, statement = world
    member, leader = org.user_for("e10"), org.user_for("l1")
    proposal = translation_services.translation_propose(
        actor=member,
        unit=unit,
        framework=framework,
        kind="statement",
        key=statement.key,
        text="Vi holder styr på vagtplanen.",
    )
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.proposed_by_name == "Medarbejder 1-0"
    current = translation_services.translation_accept(
        actor=leader,
        unit=unit,
        framework=framework,
        kind="statement",
        key=statement.key,
        text="Vi holder styr på vagtplanen og budgettet.",
        proposal=proposal,
    )
    assert (current.version, current.text, current.accepted_by_name) == (
        1,
        "Vi holder styr på vagtplanen og budgettet.",
        "Lise Leder 1",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by_name) == (ProposalStatus.ACCEPTED, "Lise Leder 1")
    again = translation_services.translation_accept(
        actor=leader,
        unit=unit,
        framework=framework,
        kind="statement",
        key=statement.key,
        text="Vi har styr på driften.",
    )
    assert again.pk == current.pk
    assert again.version == 2
    history = list(again.versions.values_list("version", "text", "proposed_by_name", "accepted_by_name"))
    assert history == [
        (2, "Vi har styr på driften.", "Lise Leder 1", "Lise Leder 1"),
        (1, "Vi holder styr på vagtplanen og budgettet.", "Medarbejder 1-0", "Lise Leder 1"),
    ]
    # The same text again changes nothing.
    translation_services.translation_accept(
        actor=leader,
        unit=unit,
        framework=framework,
        kind="statement",
        key=statement.key,
        text="Vi har styr på driften.",
    )
    assert UnitTranslationVersion.objects.count() == 2
    events = list(
        AuditEvent.objects.filter(action__startswith="translation.")
        .order_by("pk")
        .values_list("action", "data__edited")
    )
    assert events == [("translation.proposed", None), ("translation.accepted", True), ("translation.accepted", False)]


def test_only_the_units_leader_accepts_and_only_members_propose(world):
    org, framework, unit, statement = world
    before = state()
    for who in ("e10", "chef", "l2", "dir"):  # a member, the leader above, another leader, the direktør
        with pytest.raises(PermissionDenied):
            translation_services.translation_accept(
                actor=org.user_for(who),
                unit=unit,
                framework=framework,
                kind="statement",
                key=statement.key,
                text="Nej.",
            )
    for who in ("e20", "chef"):  # someone in another unit, the leader of the unit above
        with pytest.raises(PermissionDenied):
            translation_services.translation_propose(
                actor=org.user_for(who),
                unit=unit,
                framework=framework,
                kind="statement",
                key=statement.key,
                text="Nej.",
            )
    with pytest.raises(PermissionDenied):
        translation_services.translation_propose(
            actor=org.hr, unit=unit, framework=framework, kind="statement", key=statement.key, text="Nej."
        )
    assert state() == before


def test_decline_needs_a_reason_and_the_proposer_sees_it(world, client):
    org, framework, unit, statement = world
    member, leader = org.user_for("e10"), org.user_for("l1")
    proposal = translation_services.translation_propose(
        actor=member, unit=unit, framework=framework, kind="statement", key=statement.key, text="For langt ude."
    )
    with pytest.raises(translation_services.TranslationInvalid):
        translation_services.translation_decline(actor=leader, proposal=proposal, reason="  ")
    assert TranslationProposal.objects.get().status == ProposalStatus.PENDING
    with pytest.raises(PermissionDenied):
        translation_services.translation_decline(actor=member, proposal=proposal, reason="Selv")
    translation_services.translation_decline(actor=leader, proposal=proposal, reason="Det siger teksten allerede.")
    client.force_login(member)
    html = client.get(f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/").content.decode()
    assert "“For langt ude.” · afvist af Lise Leder 1: Det siger teksten allerede." in html
    client.force_login(leader)  # the leader's page does not list others' proposals as "yours"
    assert "Dine afviste forslag" not in client.get(f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/").content.decode()


def test_bad_text_in_the_form_is_kept_and_nothing_saved(world, client):
    org, _framework, unit, statement = world
    client.force_login(org.user_for("l1"))
    url = f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/udsagn/{statement.key}/"
    long_text = "Vores hverdag " * 80
    response = client.post(url, {"action": "accept", "text": long_text})
    assert response.status_code == 422
    html = response.content.decode()
    assert "der må højst være 1000" in html
    assert long_text.strip() in html  # what was typed is kept
    response = client.post(url, {"action": "accept", "text": ""})
    assert response.status_code == 422
    assert "Skriv en tekst: den er tom." in response.content.decode()
    assert state() == ([], 0, [])
    # An unknown statement is a 404, and a post as a member of another unit is refused.
    assert client.get(f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/udsagn/findes-ikke/").status_code == 404
    client.force_login(org.user_for("chef"))  # reads the unit (his subtree) but does not lead it
    response = client.post(url, {"action": "accept", "text": "Chefens tekst"})
    assert response.status_code == 403
    assert state() == ([], 0, [])


def test_the_pages_write_propose_and_accept(world, client):
    org, _framework, unit, statement = world
    url = f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/udsagn/{statement.key}/"
    client.force_login(org.user_for("e10"))
    assert "Send forslaget" in client.get(url).content.decode()
    assert client.post(url, {"action": "propose", "text": "Forslag fra teamet"}).status_code == 302
    client.force_login(org.user_for("l1"))
    html = client.get(url).content.decode()
    assert "Forslag fra Medarbejder 1-0" in html
    proposal = TranslationProposal.objects.get()
    response = client.post(url, {"action": "accept", "proposal": proposal.pk, "text": "Forslag fra teamet, rettet"})
    assert response.status_code == 302
    assert UnitTranslation.objects.get().text == "Forslag fra teamet, rettet"
    html = client.get(url).content.decode()
    assert "Version 1: skrevet af Medarbejder 1-0, godkendt af Lise Leder 1" in html


# --- reading: the browser, the units above, HR ---------------------------------------------------


def _accept(org, unit, framework, key, text, leader="l1", kind="statement"):
    return translation_services.translation_accept(
        actor=org.user_for(leader), unit=unit, framework=framework, kind=kind, key=key, text=text
    )


def test_a_member_sees_the_units_text_beside_the_statement_in_fixed_queries(world, client, django_assert_num_queries):
    org, framework, unit, statement = world
    chef_unit = unit.parent
    _accept(org, unit, framework, statement.key, "Hos os betyder det vagtplanen.")
    _accept(org, unit, framework, "stabil-drift", "Drift er hverdagen hos os.", kind="node")
    _accept(org, chef_unit, framework, statement.key, "I Ældre og Sundhed betyder det budgettet.", leader="chef")
    member = org.user_for("e10")
    client.force_login(member)
    role_url = f"/ledelsesgrundlag/{SLUG}/rolle/leder-af-medarbejdere/"
    client.get(role_url)
    # session, user, 4 framework reads, own person and position, the unit's texts, the units above
    # with texts, and the menu's two
    with django_assert_num_queries(12):
        response = client.get(role_url)
    html = response.content.decode()
    assert html.count("Sådan forstår vi det i Plejecenter 1") == 3  # the box, the area, the statement
    assert "Hos os betyder det vagtplanen." in html
    assert "Drift er hverdagen hos os." in html
    assert "I Ældre og Sundhed betyder det budgettet." not in html  # the unit above: a link, not its text
    assert f'href="/ledelsesgrundlag/{SLUG}/enhed/{chef_unit.pk}/">Ældre og Sundhed</a> (1 tekst)' in html
    # More texts, the same number of queries.
    for st in framework.statements.filter(role_level__key="leder-af-medarbejdere")[1:6]:
        _accept(org, unit, framework, st.key, f"Tekst {st.pk}")
    with django_assert_num_queries(12):
        client.get(role_url)
    # The chain and the overview show it too; an anonymous visitor sees none.
    assert (
        "Hos os betyder det vagtplanen."
        in client.get(f"/ledelsesgrundlag/{SLUG}/omraade/stabil-drift/").content.decode()
    )
    assert "Drift er hverdagen hos os." in client.get(f"/ledelsesgrundlag/{SLUG}/").content.decode()
    client.logout()
    assert "Sådan forstår vi det" not in client.get(role_url).content.decode()


def test_who_reads_a_units_translation(world, client):
    org, framework, unit, statement = world
    _accept(org, unit, framework, statement.key, "Hos os betyder det vagtplanen.")
    url = f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/"
    for who, status in (("e10", 200), ("l1", 200), ("chef", 200), ("dir", 200), ("e20", 404), ("l2", 404)):
        client.force_login(org.user_for(who))
        assert client.get(url).status_code == status, who
    client.force_login(org.hr)
    assert "Hos os betyder det vagtplanen." in client.get(url).content.decode()
    # A member of another unit sees the page of their own unit, not this one's text.
    client.force_login(org.user_for("e20"))
    html = client.get(f"/ledelsesgrundlag/{SLUG}/rolle/leder-af-medarbejdere/").content.decode()
    assert "Hos os betyder det vagtplanen." not in html
    assert "Sådan forstår vi det i Plejecenter 2" in html
    # History is for the unit's own members.
    item = f"{url}udsagn/{statement.key}/"
    client.force_login(org.user_for("chef"))
    assert "Historik" not in client.get(item).content.decode()
    client.force_login(org.user_for("e10"))
    assert "Historik" in client.get(item).content.decode()


def test_hr_sees_how_much_each_unit_has_translated(world, client, django_assert_num_queries):
    org, framework, unit, statement = world
    _accept(org, unit, framework, statement.key, "Tekst 1")
    _accept(org, unit, framework, "stabil-drift", "Område", kind="node")
    translation_services.translation_propose(
        actor=org.user_for("e20"),
        unit=org.people["l2"].positions.get().unit,
        framework=framework,
        kind="statement",
        key=statement.key,
        text="Forslag",
    )
    client.force_login(org.hr)
    client.get("/ledelsesgrundlag/oversaettelser/")
    with django_assert_num_queries(5):  # session, user, translated, waiting, totals
        response = client.get("/ledelsesgrundlag/oversaettelser/")
    html = response.content.decode()
    share = 100 // framework.statements.count()
    assert share == 0  # 1 of Holstebro's 100-odd statements
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = [r.split("</tr>")[0] for r in body.split("<tr>")[1:]]
    assert len(rows) == 2
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]
    assert [[re.sub(r"<[^>]+>", "", c) for c in row] for row in cells] == [
        ["Plejecenter 1", "Ledelsesgrundlag for Social og Sundhed", "1", "0 %", "1", "0"],
        ["Plejecenter 2", "Ledelsesgrundlag for Social og Sundhed", "0", "0 %", "0", "1"],
    ]
    assert 'href="/ledelsesgrundlag/oversaettelser/"' in client.get("/ledelsesgrundlag/").content.decode()
    client.force_login(org.user_for("l1"))
    assert client.get("/ledelsesgrundlag/oversaettelser/").status_code == 403
    assert 'href="/ledelsesgrundlag/oversaettelser/"' not in client.get("/ledelsesgrundlag/").content.decode()


def test_the_questionnaire_keeps_the_common_statement_and_shows_the_units_text_as_help(world):
    org, framework, unit, statement = world
    _accept(org, unit, framework, statement.key, "Hos os betyder det vagtplanen.")
    texts = translation_selectors.help_texts(unit.pk, framework.pk)
    assert texts == {"statement": {statement.key: "Hos os betyder det vagtplanen."}, "node": {}}


def test_another_organisation_sees_nothing_and_writes_nothing(world, client):
    from kerne.accounts.tests.factories import UserFactory
    from kerne.organisation.tests.factories import OrganisationFactory

    org, framework, unit, statement = world
    _accept(org, unit, framework, statement.key, "Hos os betyder det vagtplanen.")
    before = state()
    stranger = UserFactory(organisation=OrganisationFactory(slug="andenkommune"), is_org_admin=True)
    client.force_login(stranger)
    assert client.get(f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/").status_code == 404
    url = f"/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/udsagn/{statement.key}/"
    assert client.post(url, {"action": "accept", "text": "Overtaget"}).status_code == 404
    assert "Plejecenter 1" not in client.get("/ledelsesgrundlag/oversaettelser/").content.decode()
    with pytest.raises(PermissionDenied):
        translation_services.translation_accept(
            actor=stranger, unit=unit, framework=framework, kind="statement", key=statement.key, text="Overtaget"
        )
    assert state() == before
