"""The demo kommune: deterministic, realistic in shape, and importable without errors."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta
from statistics import mean

import pytest

from kerne.organisation.demo import DEMO_AS_OF, FORVALTNINGER, demo_csv, demo_people, size_of
from kerne.organisation.hr_import import read_hr_file
from kerne.organisation.hr_sync import org_import_apply, org_import_preview
from kerne.organisation.models import Person, Position, Unit
from kerne.organisation.tests.factories import OrganisationFactory


def test_same_seed_and_size_give_the_same_bytes():
    assert demo_csv(seed=7, size="small") == demo_csv(seed=7, size="small")
    assert demo_csv(seed=7, size="small") != demo_csv(seed=8, size="small")
    assert demo_csv(seed=7, size=400) != demo_csv(seed=7, size=300)


def test_sizes():
    assert [size_of(s) for s in ("small", "medium", "kk", 1234, "2500")] == [300, 5000, 45000, 1234, 2500]
    with pytest.raises(ValueError, match="Unknown size"):
        size_of("huge")
    with pytest.raises(ValueError, match="at least 60"):
        size_of(10)


def test_the_file_is_the_default_danish_format_in_either_encoding():
    utf8 = demo_csv(seed=1, size="small")
    cp1252 = demo_csv(seed=1, size="small", encoding="cp1252")
    assert utf8.decode("utf-8") == cp1252.decode("cp1252")
    lines = utf8.decode().split("\r\n")
    assert lines[0] == (
        "Medarbejdernr;Navn;E-mail;Enhed;Enhedskode;Overordnet enhedskode;Leders medarbejdernr;Stillingsniveau;"
        "Startdato;Orlov"
    )
    assert len([line for line in lines[1:] if line]) == 300
    hr_file = read_hr_file(cp1252)
    assert (hr_file.encoding, hr_file.delimiter, hr_file.problems) == ("cp1252", ";", [])


def test_the_chain_runs_from_kommunaldirektoer_to_medarbejdere():
    people = demo_people(seed=1, size="small")
    assert len(people) == 300
    by_number = {p.employee_number: p for p in people}
    assert people[0].role_level == "Kommunaldirektør"
    assert people[0].manager_number == ""
    directors = [p for p in people if p.role_level == "Direktør"]
    assert sorted(p.unit_name for p in directors) == sorted(f.name for f in FORVALTNINGER)
    order = ["Kommunaldirektør", "Direktør", "Chef", "Leder af ledere", "Leder af medarbejdere", "Medarbejder"]
    for person in people[1:]:
        manager = by_number[person.manager_number]
        if person.role_level == "Medarbejder":
            assert manager.role_level == "Leder af medarbejdere"
            assert manager.unit_code == person.unit_code
        else:
            assert order.index(manager.role_level) == order.index(person.role_level) - 1
    assert len({p.email for p in people}) == 300
    assert all(p.email.endswith("@demo-kommune.dk") for p in people)
    assert people[0].email.split("@")[0].count(".") == 1


def test_spans_leave_and_start_dates_look_like_a_real_kommune():
    people = demo_people(seed=1, size="medium")
    assert len(people) == 5000
    staff = Counter(p.manager_number for p in people if p.role_level == "Medarbejder")
    centre_of = {}
    units = {p.unit_code: p for p in people}
    for code, person in units.items():
        chain = []
        while code:
            chain.append(code)
            code = units[code].parent_unit_code
        centre_of[person.unit_code] = units[chain[-3]].unit_name if len(chain) >= 3 else ""
    leaders = [p for p in people if p.role_level == "Leder af medarbejdere"]
    span = {}
    for leader in leaders:
        span.setdefault(centre_of[leader.unit_code], []).append(staff[leader.employee_number])
    assert 26 <= mean(span["Plejecentre"]) <= 34  # eldercare: about 30 per leader
    assert 12 <= mean(span["Økonomi"]) <= 18  # administration: about 15 per leader
    employees = [p for p in people if p.role_level == "Medarbejder"]
    assert sum(p.on_leave for p in employees) == round(0.02 * len(employees))
    recent = [p for p in employees if p.start_date > DEMO_AS_OF - timedelta(days=90)]
    assert 0.03 < len(recent) / len(employees) < 0.09
    assert min(p.start_date for p in people).year < 2000


def test_kk_size_has_about_2500_leaders():
    people = demo_people(seed=1, size="kk")
    leaders = sum(1 for p in people if p.role_level != "Medarbejder")
    assert len(people) == 45000
    assert 2300 <= leaders <= 2900


@pytest.mark.django_db
def test_the_demo_file_imports_without_errors():
    org = OrganisationFactory(slug="demo")
    data = demo_csv(seed=2, size="small")
    plan = org_import_preview(organisation=org, data=data, filename="demo.csv", actor="test")
    assert plan.problems == []
    plan = org_import_apply(organisation=org, data=data, filename="demo.csv", actor="test")
    assert plan.applied
    rows = list(csv.DictReader(io.StringIO(data.decode()), delimiter=";"))
    assert Person.objects.filter(organisation=org).count() == 300
    assert Unit.objects.filter(organisation=org).count() == len({r["Enhedskode"] for r in rows})
    assert Position.objects.filter(organisation=org, manager__isnull=True).count() == 1
    assert Person.objects.filter(organisation=org, on_leave=True).count() == sum(r["Orlov"] == "ja" for r in rows)
