"""Who sees what ("to niveauer"): every level of a five-level chain, allowed and denied, page and API alike.

The world (builders.py): U0 Anne (direktør, top) → U1 Bent (chef, a sector) → U2 Carla → U3 Dennis,
with Eva (medarbejder) in U3; Per (P1) → Pia (P2) beside Carla under Bent; Birthe leads a second
sector S2 under Anne.
"""

from __future__ import annotations

import pytest
from django.test import Client

from kerne.core.models import AuditEvent
from kerne.results import access
from kerne.results.models import Comment

pytestmark = pytest.mark.django_db

# Level → the units (by name in the world) whose results that person may follow.
ALLOWED = {
    0: {"U0", "U1", "U2", "P1", "S2"},  # Anne: herself, two down (Bent, Birthe; Carla, Per)
    1: {"U0", "U1", "U2", "U3", "P1", "P2"},  # Bent: one up, two down both branches
    2: {"U0", "U1", "U2", "U3"},  # Carla: two up, one down (Per beside her is outside her line)
    3: {"U1", "U2", "U3"},  # Dennis: two up
    4: {"U2", "U3"},  # Eva (an employee): her leader's and his leader's units
}


def named_units(rw):
    return {
        "U0": rw.units[0],
        "U1": rw.units[1],
        "U2": rw.units[2],
        "U3": rw.units[3],
        "P1": rw.side[0],
        "P2": rw.side[1],
        "S2": rw.sector2,
    }


def state():
    return Comment.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("level", range(5))
def test_each_level_sees_two_levels_away_and_no_further_on_page_and_api(rw, level):
    user = rw.users[level]
    client = Client()
    client.force_login(user)
    units = named_units(rw)
    allowed = {name for name, unit in units.items() if access.can_view_unit(user, unit)}
    assert allowed == ALLOWED[level]
    for name, unit in units.items():
        expected = 200 if name in ALLOWED[level] else 403
        page = client.get(f"/resultater/enhed/{unit.pk}/")
        assert page.status_code == expected, (level, name, "page")
        indicator = client.get(f"/resultater/enhed/{unit.pk}/indikator/{rw.sick.pk}/")
        assert indicator.status_code == expected, (level, name, "indicator page")
        api = client.get(f"/api/results/units/{unit.pk}")
        assert api.status_code == expected, (level, name, "api")
        series = client.get(f"/api/results/units/{unit.pk}/indicators/sygefravaer")
        assert series.status_code == expected, (level, name, "api series")
        if expected == 403:
            assert "Du har ikke indsigt i denne enheds resultater." in page.content.decode()
            assert api.json() == {"detail": "Du har ikke indsigt i denne enheds resultater.", "errors": []}


def test_hr_sees_every_unit_and_another_organisation_nothing(rw):
    units = named_units(rw)
    assert all(access.can_view_unit(rw.admin, unit) for unit in units.values())
    assert not any(access.can_view_unit(rw.other_admin, unit) for unit in units.values())
    client = Client()
    client.force_login(rw.other_admin)
    assert client.get(f"/resultater/enhed/{rw.units[0].pk}/").status_code == 403
    assert client.get(f"/api/results/units/{rw.units[0].pk}").status_code == 403


def test_the_unit_page_lists_only_the_units_in_reach(rw):
    client = Client()
    client.force_login(rw.users[2])  # Carla
    html = client.get(f"/resultater/enhed/{rw.units[2].pk}/").content.decode()
    assert rw.units[3].name in html  # below
    assert rw.units[1].name in html
    assert rw.units[0].name in html
    assert rw.side[0].name not in html
    assert rw.sector2.name not in html


def test_the_direktion_sees_every_sector_on_the_board_but_nothing_below_another_sector(rw):
    sectors = {rw.units[1].pk, rw.sector2.pk}
    for level in (0, 1):  # Anne leads the top unit, Bent a sector: the direktion
        assert set(access.board_units(rw.users[level]).values_list("pk", flat=True)) == sectors
    assert set(access.board_units(rw.users[2]).values_list("pk", flat=True)) == {rw.units[1].pk}
    assert not access.board_units(rw.users[4]).exists()
    client = Client()
    client.force_login(rw.users[1])
    board = client.get("/resultater/tavle/").content.decode()
    assert rw.sector2.name in board
    # The board row, yes; the other sector's own page, no.
    assert client.get(f"/resultater/enhed/{rw.sector2.pk}/").status_code == 403
    client.force_login(rw.users[4])
    assert client.get("/resultater/tavle/").status_code == 403


def test_only_the_units_own_leader_comments_and_a_refusal_changes_nothing(rw):
    month = rw.months[-1]
    u3 = rw.units[3]
    url = f"/resultater/enhed/{u3.pk}/indikator/{rw.sick.pk}/"
    client = Client()
    for user in (rw.users[2], rw.users[1], rw.users[4], rw.admin):  # may see U3, do not lead it
        client.force_login(user)
        before = state()
        response = client.post(url, {"period": month.key, "text": "Ikke min enhed"})
        assert response.status_code == 403
        assert state() == before
    client.force_login(rw.users[3])  # Dennis leads U3
    response = client.post(url, {"period": month.key, "text": "Influenzaen ramte hele teamet i november."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.unit, comment.period, comment.author_name) == (u3, month.key, "Dennis Dahl")
    assert AuditEvent.objects.filter(action="results.comment_saved").count() == 1


def test_the_responsible_leader_comments_on_the_indicators_own_unit(rw):
    # Bent is responsible for "ventetid" at U1, which he also leads; Dennis is not responsible there.
    assert access.can_comment(rw.users[1], rw.waiting, rw.units[1])
    assert not access.can_comment(rw.users[3], rw.waiting, rw.units[1])
    assert access.can_comment(rw.users[3], rw.waiting, rw.units[3])


def test_a_comment_keeps_what_was_written_before_and_bad_input_loses_nothing(rw):
    client = Client()
    client.force_login(rw.users[3])
    url = f"/resultater/enhed/{rw.units[3].pk}/indikator/{rw.sick.pk}/"
    month = rw.months[-1]
    client.post(url, {"period": month.key, "text": "Første udgave"})
    client.post(url, {"period": month.key, "text": "Anden udgave"})
    assert Comment.objects.get().text == "Anden udgave"
    replaced = AuditEvent.objects.get(action="results.comment_replaced")
    assert replaced.data == {"previous": "Første udgave"}
    before = state()
    response = client.post(url, {"period": "2026K9", "text": "Tabt?"})
    assert response.status_code == 400
    assert "Tabt?" in response.content.decode()  # the text is shown again
    assert state() == before
