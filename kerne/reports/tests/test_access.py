"""Who may open which report, asked of one module (kerne.reports.access): the report list shows
exactly the reports that open, for each kind of person, and every other report is refused (403 in
the organisation, 404 outside it) with nothing changed and no "viewed" event."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from kerne.core.models import AuditEvent
from kerne.evaluations.models import ReportReader, Subject
from kerne.evaluations.tests.builders import Org, build_org
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory
from kerne.reports import access
from kerne.reports.tests.builders import closed_round

pytestmark = pytest.mark.django_db


def build_line(slug: str = "linjekommune") -> Org:
    """Direktør → chef → leader of leaders → two leaders of five employees each; HR beside the line."""
    from kerne.accounts.tests.factories import UserFactory

    organisation = OrganisationFactory(name="Linjekommune", slug=slug)
    org = Org(
        organisation=organisation, hr=UserFactory(organisation=organisation, is_org_admin=True, email=f"hr@{slug}.dk")
    )

    def person(key: str, name: str, role: str, unit: Any, manager: Any) -> Any:
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role,
            manager=manager,
            start_date=dt.date(2015, 1, 1),
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@{slug}.dk",
        )
        org.people[key] = position.person
        return position.person

    top = UnitFactory(organisation=organisation, name="Direktionen", code="DIR")
    director = person("dir", "Dorte Direktør", "direktoer", top, None)
    area = UnitFactory(organisation=organisation, parent=top, name="Ældre", code="AEL")
    chef = person("chef", "Carsten Chef", "chef", area, director)
    district = UnitFactory(organisation=organisation, parent=area, name="Distrikt Nord", code="DN")
    middle = person("mid", "Mette Mellemleder", "leder-af-ledere", district, chef)
    for index in (1, 2):
        unit = UnitFactory(organisation=organisation, parent=district, name=f"Plejecenter {index}", code=f"PC{index}")
        leader = person(f"l{index}", f"Lise Leder {index}", "leder-af-medarbejdere", unit, middle)
        org.employees[f"l{index}"] = [
            person(f"e{index}{n}", f"Medarbejder {index}-{n}", "medarbejder", unit, leader) for n in range(5)
        ]
    return org


# Whose reports each person reads when the round shows the own leader and one level further up.
READS = {
    "hr": {"dir", "chef", "mid", "l1", "l2"},  # HR: every report, as the round lets HR see them
    "dir": {"dir", "chef", "mid"},  # own; chef as own leader; mid further up
    "chef": {"chef", "mid", "l1", "l2"},  # own; mid as own leader; the leaders further up
    "mid": {"mid", "l1", "l2"},  # own; the leaders as own leader
    "l1": {"l1"},  # only their own
    "e10": set(),  # an employee: nothing
}
REASONS = {
    ("dir", "dir"): "self",
    ("dir", "chef"): "manager",
    ("dir", "mid"): "line",
    ("chef", "chef"): "self",
    ("chef", "mid"): "manager",
    ("chef", "l1"): "line",
    ("chef", "l2"): "line",
    ("mid", "mid"): "self",
    ("mid", "l1"): "manager",
    ("mid", "l2"): "manager",
    ("l1", "l1"): "self",
}
PERSONAL = re.compile(r'href="/rapporter/leder/(\d+)/"')
ROUND = re.compile(r'href="/rapporter/runde/(\d+)/"')


def _user(org: Org, key: str) -> Any:
    return org.hr if key == "hr" else org.user_for(key)


def _listed(client: Any) -> tuple[set[int], set[int]]:
    html = _list_page(client)
    return {int(pk) for pk in PERSONAL.findall(html)}, {int(pk) for pk in ROUND.findall(html)}


def _list_page(client: Any) -> str:
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def line_round(django_capture_on_commit_callbacks):
    org = build_line()
    round_ = closed_round(org, django_capture_on_commit_callbacks, report_levels_above=1, publish=False)
    subjects = {s.person_id: s for s in Subject.objects.filter(round=round_, included=True)}
    by_key = {key: subjects[person.pk] for key, person in org.people.items() if person.pk in subjects}
    return org, round_, by_key


def test_the_list_shows_exactly_what_opens(client, line_round, django_capture_on_commit_callbacks):
    org, round_, subjects = line_round
    assert set(subjects) == {"dir", "chef", "mid", "l1", "l2"}
    other = build_org(slug="fremmedkommune")
    foreign = closed_round(other, django_capture_on_commit_callbacks)
    foreign_subject = Subject.objects.filter(round=foreign, included=True).first()
    # Closed, not released: only HR reads (and sees the organisation report), nobody in the line yet.
    for key in READS:
        client.force_login(_user(org, key))
        listed, rounds = _listed(client)
        assert listed == ({s.pk for s in subjects.values()} if key == "hr" else set()), key
        assert rounds == ({round_.pk} if key == "hr" else set()), key
    from kerne.evaluations import closing

    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    for key, readable in READS.items():
        user = _user(org, key)
        client.force_login(user)
        listed, rounds = _listed(client)
        assert listed == {subjects[k].pk for k in readable}, key
        assert rounds == ({round_.pk} if key != "e10" else set()), key
        for name, subject in subjects.items():
            url = reverse("reports:personal", args=[subject.pk])
            before = list(AuditEvent.objects.values_list("pk", flat=True))
            response = client.get(url)
            after = AuditEvent.objects.exclude(pk__in=before)
            if name in readable:
                assert response.status_code == 200, (key, name)
                assert [(e.action, e.object_id, e.data["reason"]) for e in after] == [
                    ("report.personal_viewed_html", str(subject.pk), REASONS.get((key, name), "hr"))
                ]
            else:
                assert response.status_code == 403, (key, name)
                assert client.get(url + "pdf/").status_code == 403, (key, name)
                assert not after.exists(), (key, name)
        # Another organisation's report does not exist for anyone here.
        before = AuditEvent.objects.count()
        assert client.get(reverse("reports:personal", args=[foreign_subject.pk])).status_code == 404
        assert client.get(reverse("reports:organisation", args=[foreign.pk])).status_code == 404
        assert AuditEvent.objects.count() == before
        # The organisation report opens exactly for the rounds listed.
        status = client.get(reverse("reports:organisation", args=[round_.pk])).status_code
        assert status == (200 if rounds else 403), key
        # The main menu offers Rapporter exactly to those it can hold something for.
        menu = '<a href="/rapporter/" aria-current="page">' in _list_page(client)
        assert menu is (key != "e10") is access.may_have_reports(user), key


def test_list_and_check_are_one_rule(line_round, django_capture_on_commit_callbacks):
    """Whatever the list holds opens, with the same reason; whatever it leaves out does not."""
    org, round_, subjects = line_round
    from kerne.evaluations import closing

    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    for key in READS:
        user = _user(org, key)
        listed = dict(access.readable_subjects(user).values_list("pk", "reason"))
        for subject in subjects.values():
            assert access.personal_report_reason(user, subject) == listed.get(subject.pk), (key, subject.name)
    # A reader row of a leader taken out of the round opens nothing, and the list does not show it.
    subjects["l2"].included = False
    subjects["l2"].save(update_fields=["included"])
    chef = org.user_for("chef")
    assert ReportReader.objects.filter(subject=subjects["l2"], person=org.people["chef"]).exists()
    assert subjects["l2"].pk not in set(access.readable_subjects(chef).values_list("pk", flat=True))
    assert access.personal_report_reason(chef, subjects["l2"]) is None


def test_the_list_in_fixed_queries(client, line_round, django_assert_num_queries):
    org, _round, _subjects = line_round
    client.force_login(org.hr)
    # Session, user, organisation, the page's count, the page of reports, the rounds, and HR's own
    # line per closed round (what HR may open, or why not).
    with django_assert_num_queries(7):
        assert client.get(reverse("reports:list")).status_code == 200
