"""Previewing and applying the HR file: the difference, history, idempotence, fixed query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kerne.core.models import AuditEvent
from kerne.organisation.demo import demo_csv
from kerne.organisation.hr_sync import org_import_apply, org_import_preview
from kerne.organisation.models import Person, Position, Unit
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import HEADER, PEOPLE, csv_text, replace

pytestmark = pytest.mark.django_db

NOTHING = {
    "new": 0,
    "rehired": 0,
    "changed": 0,
    "moved": 0,
    "left": 0,
    "units_new": 0,
    "units_changed": 0,
    "units_closed": 0,
}


@pytest.fixture
def org():
    return OrganisationFactory(name="Aby Kommune", slug="aby")


def preview(org, people=None, header=HEADER):
    return org_import_preview(organisation=org, data=csv_text(people, header).encode(), filename="hr.csv", actor="t")


def apply(org, people=None, header=HEADER, **kwargs):
    return org_import_apply(
        organisation=org, data=csv_text(people, header).encode(), filename="hr.csv", actor="test", **kwargs
    )


def row_counts(org):
    return (
        Unit.objects.filter(organisation=org).count(),
        Person.objects.filter(organisation=org).count(),
        Position.objects.filter(organisation=org).count(),
        AuditEvent.objects.filter(organisation=org).count(),
    )


def current(org, number):
    return Position.objects.select_related("unit", "manager", "role_level").get(
        organisation=org, person__employee_number=number, valid_to__isnull=True
    )


def backdate(org):
    """Pretend the first import happened long ago, so today's changes make history."""
    Position.objects.filter(organisation=org).update(valid_from=datetime.date(2024, 1, 1))


def test_preview_shows_the_difference_and_changes_nothing(org, django_assert_num_queries):
    before = row_counts(org)
    with django_assert_num_queries(4):  # role levels, units, people, current positions
        plan = preview(org)
    assert row_counts(org) == before
    assert plan.ok
    assert plan.counts() == {**NOTHING, "new": 8, "units_new": 5}
    assert [(e.key, e.name, e.line, e.unit) for e in plan.new[:2]] == [
        ("1000", "Kirsten Holm", 2, "Aby Kommune (K)"),
        ("1001", "Bo Berg", 3, "Børn og Unge (BU)"),
    ]
    assert [(e.key, e.name, e.line) for e in plan.units_new] == [
        ("K", "Aby Kommune", 2),
        ("BU", "Børn og Unge", 3),
        ("LS", "Lindeskolen", 4),
        ("SS", "Social og Sundhed", 7),
        ("PE", "Plejecenter Egebakken", 8),
    ]
    assert not plan.applied


def test_apply_creates_exactly_the_units_people_and_positions(org):
    plan = apply(org)
    assert plan.applied
    units = {u.code: u for u in Unit.objects.filter(organisation=org)}
    assert set(units) == {"K", "BU", "LS", "SS", "PE"}
    k, bu, ls, ss, pe = (units[c] for c in ("K", "BU", "LS", "SS", "PE"))
    assert (k.parent_id, k.path, k.depth) == (None, f"/{k.pk}/", 0)
    assert (ls.parent_id, ls.path, ls.depth) == (bu.pk, f"/{k.pk}/{bu.pk}/{ls.pk}/", 2)
    assert (pe.parent_id, pe.path, pe.depth) == (ss.pk, f"/{k.pk}/{ss.pk}/{pe.pk}/", 2)
    assert {u.name for u in units.values()} == {
        "Aby Kommune",
        "Børn og Unge",
        "Lindeskolen",
        "Social og Sundhed",
        "Plejecenter Egebakken",
    }
    assert Person.objects.filter(organisation=org).count() == 8
    assert Position.objects.filter(organisation=org).count() == 8
    finn = current(org, "1004")
    assert (finn.person.name, finn.person.email, finn.person.on_leave, finn.person.active) == (
        "Finn Friis",
        "finn.friis@aby.dk",
        True,
        True,
    )
    assert (finn.unit.code, finn.manager.employee_number, finn.role_level.key) == ("LS", "1002", "medarbejder")
    assert (finn.start_date, finn.valid_from, finn.valid_to) == (
        datetime.date(2021, 8, 1),
        timezone.localdate(),
        None,
    )
    top = current(org, "1000")
    assert (top.manager, top.role_level.key, top.unit.code) == (None, "kommunaldirektoer", "K")
    event = AuditEvent.objects.get(organisation=org, action="organisation.import_applied")
    assert event.actor_label == "test"
    assert event.data == {"file": "hr.csv", "rows": 8, **NOTHING, "new": 8, "units_new": 5}


def test_reimporting_the_same_file_changes_nothing_but_one_audit_event(org):
    apply(org)
    ids = (
        sorted(Unit.objects.values_list("id", "path")),
        sorted(Person.objects.values_list("id", "updated_at")),
        sorted(Position.objects.values_list("id", "valid_from", "valid_to")),
    )
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        plan = apply(org)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1
    assert "core_auditevent" in writes[0]
    assert plan.applied
    assert plan.counts() == NOTHING
    assert (
        sorted(Unit.objects.values_list("id", "path")),
        sorted(Person.objects.values_list("id", "updated_at")),
        sorted(Position.objects.values_list("id", "valid_from", "valid_to")),
    ) == ids
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").data["rows"] == 8


def test_a_move_closes_one_position_and_opens_another(org):
    apply(org)
    backdate(org)
    old = current(org, "1003")
    people = replace(5, "Lindeskolen;LS;BU;1002;", "Plejecenter Egebakken;PE;SS;1006;")
    plan = preview(org, people)
    assert plan.counts() == {**NOTHING, "moved": 1}
    (entry,) = plan.moved
    assert (entry.key, entry.name, entry.line) == ("1003", "Eva Eriksen", 5)
    assert entry.changes == [
        ("enhed", "Lindeskolen (LS)", "Plejecenter Egebakken (PE)"),
        ("leder", "Anne Dahl (1002)", "Hans Holm (1006)"),
    ]
    apply(org, people)
    old.refresh_from_db()
    assert (old.unit.code, old.valid_to) == ("LS", timezone.localdate())
    new = current(org, "1003")
    assert new.pk != old.pk
    assert (new.unit.code, new.manager.employee_number, new.valid_from) == ("PE", "1006", timezone.localdate())
    assert new.start_date == old.start_date == datetime.date(2020, 8, 1)
    assert Position.objects.filter(person__employee_number="1003").count() == 2
    assert Position.objects.filter(organisation=org).count() == 9


def test_a_change_on_the_day_the_position_opened_corrects_it_in_place(org):
    apply(org)
    position = current(org, "1003")
    apply(org, replace(5, "Lindeskolen;LS;BU;1002;", "Plejecenter Egebakken;PE;SS;1006;"))
    assert Position.objects.filter(organisation=org).count() == 8
    corrected = current(org, "1003")
    assert (corrected.pk, corrected.unit.code, corrected.manager.employee_number) == (position.pk, "PE", "1006")


def test_a_leaver_is_deactivated_not_deleted_and_can_come_back(org):
    apply(org)
    backdate(org)
    ida = current(org, "1007")
    without_ida = PEOPLE[:-1]
    plan = preview(org, without_ida)
    assert plan.counts() == {**NOTHING, "left": 1}
    assert [(e.key, e.name, e.line, e.unit) for e in plan.left] == [
        ("1007", "Ida Iversen", None, "Plejecenter Egebakken (PE)")
    ]
    apply(org, without_ida)
    person = Person.objects.get(organisation=org, employee_number="1007")
    assert (person.active, person.left_on) == (False, timezone.localdate())
    ida.refresh_from_db()
    assert ida.valid_to == timezone.localdate()
    assert not Position.objects.filter(person=person, valid_to__isnull=True).exists()
    assert Person.objects.filter(organisation=org).count() == 8

    plan = apply(org)
    assert plan.counts() == {**NOTHING, "rehired": 1}
    person.refresh_from_db()
    assert (person.active, person.left_on) == (True, None)
    assert current(org, "1007").unit.code == "PE"
    assert Position.objects.filter(person=person).count() == 2


def test_changed_name_email_and_leave_update_the_person_without_a_new_position(org):
    apply(org)
    backdate(org)
    people = replace(5, "Eva Eriksen;eva.eriksen@aby.dk", "Eva Holm;eva.holm@aby.dk")
    people[4] = people[4].replace(";ja", ";nej")
    plan = apply(org, people)
    assert plan.counts() == {**NOTHING, "changed": 2}
    assert [(e.key, e.changes) for e in plan.changed] == [
        ("1003", [("navn", "Eva Eriksen", "Eva Holm"), ("e-mail", "eva.eriksen@aby.dk", "eva.holm@aby.dk")]),
        ("1004", [("på orlov", "ja", "nej")]),
    ]
    eva = Person.objects.get(organisation=org, employee_number="1003")
    assert (eva.name, eva.email) == ("Eva Holm", "eva.holm@aby.dk")
    assert Person.objects.get(organisation=org, employee_number="1004").on_leave is False
    assert Position.objects.filter(organisation=org).count() == 8


def test_a_new_role_level_makes_history_and_a_start_date_is_corrected_in_place(org):
    apply(org)
    backdate(org)
    people = replace(5, ";Medarbejder;01-08-2020", ";leder-af-medarbejdere;01-08-2020")
    people[4] = people[4].replace("01.08.2021", "02-08-2021")
    plan = apply(org, people)
    assert [(e.key, e.changes) for e in plan.changed] == [
        ("1003", [("stillingsniveau", "Medarbejder", "Leder af medarbejdere")]),
        ("1004", [("startdato", "01-08-2021", "02-08-2021")]),
    ]
    assert current(org, "1003").role_level.key == "leder-af-medarbejdere"
    assert Position.objects.filter(person__employee_number="1003").count() == 2
    assert Position.objects.filter(person__employee_number="1004").count() == 1
    assert current(org, "1004").start_date == datetime.date(2021, 8, 2)


def test_a_unit_renamed_and_moved_gets_new_paths_for_its_subtree_and_an_emptied_unit_closes(org):
    apply(org)
    backdate(org)
    # Lindeskolen moves under Social og Sundhed and is renamed; Plejecenter Egebakken is emptied.
    people = [
        p.replace("Lindeskolen;LS;BU;", "Lindeskolen og SFO;LS;SS;")
        .replace(";Plejecenter Egebakken;PE;SS;", ";Social og Sundhed;SS;K;")
        .replace(";1006;Medarbejder", ";1005;Medarbejder")
        for p in PEOPLE
    ]
    people[6] = people[6].replace(";Leder af medarbejdere;", ";Medarbejder;").replace(";SS;K;1005;", ";SS;K;1005;")
    plan = apply(org, people)
    assert [(e.key, e.changes) for e in plan.units_changed] == [
        ("LS", [("navn", "Lindeskolen", "Lindeskolen og SFO"), ("overordnet enhed", "BU", "SS")])
    ]
    assert [(e.key, e.name) for e in plan.units_closed] == [("PE", "Plejecenter Egebakken")]
    units = {u.code: u for u in Unit.objects.filter(organisation=org)}
    assert units["LS"].path == f"/{units['K'].pk}/{units['SS'].pk}/{units['LS'].pk}/"
    assert (units["LS"].name, units["LS"].depth) == ("Lindeskolen og SFO", 2)
    assert units["PE"].active is False
    assert Unit.objects.filter(organisation=org).count() == 5  # closed, never deleted
    assert apply(org, people).counts() == NOTHING


def test_a_missing_email_column_keeps_the_addresses(org):
    apply(org)
    header = HEADER.replace(";E-mail", "")
    people = [";".join(p.split(";")[:2] + p.split(";")[3:]) for p in PEOPLE]
    plan = apply(org, people, header)
    assert plan.counts() == NOTHING
    assert Person.objects.get(organisation=org, employee_number="1003").email == "eva.eriksen@aby.dk"


def test_a_file_with_errors_changes_nothing(org):
    apply(org)
    before = row_counts(org)
    plan = apply(org, [*replace(5, ";1002;Medarbejder", ";1042;Medarbejder"), "9999;;;;;;;;;"])
    assert not plan.applied
    assert [str(p) for p in plan.problems] == [
        "linje 5, felt Leders medarbejdernr: lederen '1042' findes ikke i filen. "
        "Hver leder skal selv have en linje i filen; tjek nummeret.",
        "linje 10, felt Navn: feltet er tomt; det skal udfyldes.",
        "linje 10, felt Enhedskode: feltet er tomt; det skal udfyldes.",
        "linje 10, felt Enhed: feltet er tomt; det skal udfyldes.",
        "linje 10, felt Stillingsniveau: feltet er tomt; det skal udfyldes.",
        "linje 10, felt Leders medarbejdernr: feltet er tomt, men kun én person må stå uden leder (den øverste "
        "leder, fx kommunaldirektøren); det gør Kirsten Holm på linje 2 allerede. Udfyld lederens medarbejdernummer.",
    ]
    assert row_counts(org) == before


def test_apply_refuses_a_difference_other_than_the_one_previewed(org):
    shown = preview(org)
    apply(org, PEOPLE[:-1])  # someone else imports first
    before = row_counts(org)
    plan = apply(org, expected_digest=shown.digest)
    assert not plan.applied
    assert [str(p) for p in plan.problems] == [
        "Organisationen er ændret siden forhåndsvisningen, så forskellen er ikke længere den viste. "
        "Indlæs filen igen for at se den nye forskel."
    ]
    assert row_counts(org) == before
    assert apply(org, expected_digest=preview(org).digest).applied


def test_organisations_are_kept_apart(org):
    other = OrganisationFactory(name="Bby Kommune", slug="bby")
    apply(other)
    assert preview(org).counts() == {**NOTHING, "new": 8, "units_new": 5}
    apply(org)
    assert Person.objects.filter(organisation=other).count() == 8
    assert apply(other, PEOPLE[:-1]).counts() == {**NOTHING, "left": 1}
    assert Person.objects.get(organisation=org, employee_number="1007").active


def test_progress_is_reported_up_to_the_total(org):
    calls = []
    apply(org, progress=lambda done, total: calls.append((done, total)))
    totals = {total for _done, total in calls}
    assert totals == {24}  # three parts of eight rows
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
    assert calls[-1] == (24, 24)


def _queries(org, data, action):
    with CaptureQueriesContext(connection) as captured:
        plan = action(organisation=org, data=data, filename="demo.csv", actor="test")
    assert plan.ok, plan.problems[:3]
    return len(captured)


def test_the_import_runs_no_query_per_row():
    """300 and 1,000 people: the same queries to read and compare, writes only grow by batches."""
    small, large = OrganisationFactory(slug="small"), OrganisationFactory(slug="large")
    data_small, data_large = demo_csv(seed=3, size=300), demo_csv(seed=3, size=1000)
    assert _queries(small, data_small, org_import_preview) == _queries(large, data_large, org_import_preview) == 4
    first_small = _queries(small, data_small, org_import_apply)
    first_large = _queries(large, data_large, org_import_apply)
    # INSERTs go in batches (SQLite: about 100 rows each); 700 more people add a handful, not 700.
    assert first_large - first_small <= 20
    assert first_large < 1000 / 20
    assert _queries(small, data_small, org_import_apply) == _queries(large, data_large, org_import_apply)
