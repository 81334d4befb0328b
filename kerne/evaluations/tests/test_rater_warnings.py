"""Issue 14 §2: HR sees, before the round opens, where the invited raters cannot reach a group's
minimum, what will happen to their answers, and the remedies (add raters, lower to the legal minimum;
the pool is what closing does anyway)."""

from __future__ import annotations

import re

import pytest

from kerne.core.models import AuditEvent
from kerne.evaluations import rules, selectors, services
from kerne.evaluations.models import Invitation, RaterGroup
from kerne.evaluations.tests.builders import build_org, prepared_round
from kerne.evaluations.tests.test_views_flow import text

pytestmark = pytest.mark.django_db

NAMED = {"self", "manager"}
MINIMUMS = {"self": 1, "manager": 1, "employees": 5, "peers": 3, "partners": 3}


def test_a_leader_with_enough_raters_in_every_group_has_no_shortfall():
    assert rules.rater_shortfall({"self": 1, "manager": 1, "employees": 5, "peers": 3}, MINIMUMS, NAMED) is None
    # A group nobody was invited to gives no answers to lose.
    assert rules.rater_shortfall({"self": 1, "employees": 7}, MINIMUMS, NAMED) is None


def test_one_small_group_alone_is_shown_nowhere():
    shortfall = rules.rater_shortfall({"self": 1, "manager": 1, "employees": 4, "peers": 3}, MINIMUMS, NAMED)
    assert shortfall == rules.LeaderShortfall(
        groups=(rules.Shortfall("employees", 4, 5, "employees"),), poolable=False, pool_needs=5
    )
    assert shortfall.groups[0].missing == 1
    assert shortfall.groups[0].reaches_legal_minimum is True


def test_small_groups_together_can_be_pooled_only_if_not_everyone_must_answer():
    # 4 employees + 2 peers = 6 invited; the pool needs 5 answers and not all 6: possible.
    pooled = rules.rater_shortfall({"employees": 4, "peers": 2}, MINIMUMS, NAMED)
    assert pooled is not None
    assert (pooled.poolable, pooled.pool_needs) == (True, 5)
    # 3 employees + 2 peers = 5 invited: only if all five answer, which would pin each group.
    exact = rules.rater_shortfall({"employees": 3, "peers": 2}, MINIMUMS, NAMED)
    assert exact is not None
    assert (exact.poolable, exact.pool_needs) == (False, 5)
    # The same rule as closing: five of the six answering is shown as the pool, all six is not.
    assert rules.decide_groups({"employees": 3, "peers": 2}, MINIMUMS, NAMED, {"employees": 4, "peers": 2}).pooled == (
        "employees",
        "peers",
    )
    assert rules.decide_groups({"employees": 4, "peers": 2}, MINIMUMS, NAMED, {"employees": 4, "peers": 2}).pooled == ()


def test_the_round_warnings_per_leader_and_per_group(django_assert_num_queries):
    org = build_org()
    round_ = prepared_round(org)
    with django_assert_num_queries(3):
        warnings = selectors.rater_warnings(round_)
    assert warnings.subjects == 4
    rows = [
        (row.subject.name, [(s.group, s.invited, s.minimum) for s in row.shortfall.groups], row.shortfall.poolable)
        for row in warnings.leaders
    ]
    assert rows == [
        ("Lise Leder 1", [("peers", 1, 3), ("employees", 4, 5)], False),
        ("Lise Leder 2", [("peers", 1, 3)], False),
        ("Dorte Direktør", [("employees", 1, 5)], False),
        ("Carsten Chef", [("employees", 2, 5)], False),
    ]
    assert [(g.group.key, g.leaders, g.at_legal_minimum, g.can_lower) for g in warnings.groups] == [
        ("peers", 2, 0, False),
        ("employees", 3, 1, True),
    ]


def test_the_preview_and_the_open_page_warn_and_say_what_happens(client):
    org = build_org()
    round_ = prepared_round(org)
    client.force_login(org.hr)
    for url in (f"/evaluering/runder/{round_.pk}/forhaandsvisning/", f"/evaluering/runder/{round_.pk}/aabn/"):
        page = text(client.get(url))
        section = page[page.index("For få bedømmere til at nå gruppens minimum") :]
        assert "4 af 4 ledere har færre bedømmere inviteret i en gruppe end gruppens minimum." in section
        assert (
            "Lederkolleger : 2 ledere har færre end 3 inviteret. Minimummet er allerede det mindst tilladte." in section
        )
        assert (
            "Medarbejdere : 3 ledere har færre end 5 inviteret. Med minimummet sænket til 3, det mindst tilladte,"
            " ville 1 af dem nå det. Sænk minimummet for medarbejdere til 3" in section
        )
        assert (
            "Lise Leder 1 Plejecenter 1 Lederkolleger: 1 af 3 Medarbejdere: 4 af 5"
            " Vises ingen steder i rapporten, uanset hvor mange der svarer." in section
        )
        assert "mindst 2 mere i lederkolleger; mindst 1 mere i medarbejdere" in section
    html = client.get(f"/evaluering/runder/{round_.pk}/aabn/").content.decode()
    assert len(re.findall(r'href="/evaluering/leder/\d+/">Tilføj bedømmere for', html)) == 4


def test_a_pool_that_can_be_shown_says_so(client):
    org = build_org()
    round_ = prepared_round(org)
    # Lise Leder 1 has 4 employees and 1 fellow leader; one partner more makes a pool of 6 invited,
    # which is shown when 5 of them answer (not all 6).
    subject = round_.subjects.get(name="Lise Leder 1")
    partners = RaterGroup.objects.get(round=round_, key="partners")
    Invitation.objects.create(round=round_, subject=subject, group=partners, name="Pia Partner", email="pia@x.dk")
    warnings = selectors.rater_warnings(round_)
    l1 = next(row for row in warnings.leaders if row.subject.name == "Lise Leder 1")
    assert [(s.group, s.invited) for s in l1.shortfall.groups] == [("peers", 1), ("employees", 4), ("partners", 1)]
    assert (l1.shortfall.poolable, l1.shortfall.pool_needs) == (True, 5)
    client.force_login(org.hr)
    page = text(client.get(f"/evaluering/runder/{round_.pk}/aabn/"))
    assert (
        "Lise Leder 1 Plejecenter 1 Lederkolleger: 1 af 3 Medarbejdere: 4 af 5 Samarbejdspartnere: 1 af 3"
        " Vises samlet som én gruppe, hvis mindst 5 af dem svarer, men ikke alle." in page
    )


def test_hr_lowers_a_groups_minimum_to_the_legal_minimum(client):
    org = build_org()
    round_ = prepared_round(org)
    client.force_login(org.hr)
    url = f"/evaluering/runder/{round_.pk}/minimum/"
    response = client.post(url, {"group": "employees", "next": f"/evaluering/runder/{round_.pk}/aabn/#rater-warnings"})
    assert response.status_code == 302
    assert response["Location"] == f"/evaluering/runder/{round_.pk}/aabn/#rater-warnings"
    assert RaterGroup.objects.get(round=round_, key="employees").min_responses == 3
    event = AuditEvent.objects.get(action="round.group_minimum_lowered")
    assert event.data == {"group": "employees", "from": 5, "to": 3}
    page = text(client.get(f"/evaluering/runder/{round_.pk}/aabn/"))
    assert "Minimummet for medarbejdere er nu 3." in page
    assert "Medarbejdere : 2 ledere har færre end 3 inviteret. Minimummet er allerede det mindst tilladte." in page
    # Again: refused with a Danish reason, nothing changed.
    client.post(url, {"group": "employees"})
    page = text(client.get(f"/evaluering/runder/{round_.pk}/aabn/"))
    assert "Minimummet for medarbejdere er allerede 3, det mindst tilladte." in page
    assert AuditEvent.objects.filter(action="round.group_minimum_lowered").count() == 1
    # A named group has no minimum to lower.
    client.post(url, {"group": "self"})
    assert RaterGroup.objects.get(round=round_, key="self").min_responses == 1


def test_only_hr_lowers_a_minimum_and_only_before_opening(client):
    org = build_org()
    round_ = prepared_round(org)
    client.force_login(org.user_for("l1"))
    response = client.post(f"/evaluering/runder/{round_.pk}/minimum/", {"group": "employees"})
    assert response.status_code == 403
    assert RaterGroup.objects.get(round=round_, key="employees").min_responses == 5
    services.round_open(round_=round_, actor=org.hr, send_mail=False)
    client.force_login(org.hr)
    client.post(f"/evaluering/runder/{round_.pk}/minimum/", {"group": "employees"})
    assert RaterGroup.objects.get(round=round_, key="employees").min_responses == 5
    assert not AuditEvent.objects.filter(action="round.group_minimum_lowered").exists()


def test_the_opening_page_in_fixed_queries(client, django_assert_num_queries):
    org = build_org()
    round_ = prepared_round(org)
    client.force_login(org.hr)
    # session, user, round, role levels (3), opening problems (3), warnings (3), invitations by group (2)
    with django_assert_num_queries(14):
        response = client.get(f"/evaluering/runder/{round_.pk}/aabn/")
    assert response.status_code == 200
