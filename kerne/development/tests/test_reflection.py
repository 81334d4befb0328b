"""Private self-reflection on the statements for everyone (issue 12 §4), tested as an attacker would:
nobody but the login that wrote it reads, downloads, deletes or counts it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from kerne.core.models import AuditEvent
from kerne.development.models import Reflection, ReflectionAnswer
from kerne.development.services import reflection as reflections
from kerne.evaluations.tests.builders import build_org
from kerne.frameworks.loader import load_framework_file
from kerne.frameworks.models import Statement
from kerne.frameworks.selectors import everyone_frameworks, is_for_everyone
from kerne.frameworks.services import framework_import

ISHOEJ = "ishoej-lederskab-og-foelgeskab"
BFU = "hjoerring-bfu-sammen-om-kerneopgaven"


@pytest.fixture
def world(db):
    org = build_org(slug="refleksion")
    for slug in (ISHOEJ, BFU, "holstebro-social-og-sundhed"):
        framework_import(spec=load_framework_file(f"content/frameworks/{slug}.yaml"), actor="test")
    return org


def ishoej(user):
    return next(fw for fw in reflections.frameworks_for(user) if fw.framework.slug == ISHOEJ)


def snapshot():
    return (
        list(Reflection.objects.order_by("pk").values_list("pk", "owner_id", "note")),
        list(ReflectionAnswer.objects.order_by("pk").values_list("statement_key", "value")),
    )


def test_which_frameworks_are_for_everyone(world, django_assert_num_queries):
    assert is_for_everyone(["medarbejder", "leder"]) is True
    assert is_for_everyone(["medarbejder", "leder-af-medarbejder", "direktoer"]) is True
    assert is_for_everyone(["leder-af-medarbejdere", "direktoer"]) is False
    assert is_for_everyone(["chef", "direktoer"]) is False
    assert is_for_everyone([]) is False  # a framework without levels is for all leaders
    employee = world.user_for("e10")
    with django_assert_num_queries(4):
        found = everyone_frameworks(employee)
    assert [fw.framework.slug for fw in found] == [BFU, ISHOEJ]
    shared_bfu = Statement.objects.filter(framework__slug=BFU, role_level__isnull=True).count()
    assert [len(fw.statements) for fw in found] == [shared_bfu, 25]
    assert "Jeg spørger, når jeg er i tvivl." in [st.text for st in found[1].statements]


def test_an_employee_reflects_twice_and_sees_the_change(world, client):
    employee = world.user_for("e10")
    client.force_login(employee)
    assert client.get("/konto/min-side/").status_code == 200
    form = client.get(f"/udvikling/refleksion/ny/?ramme={ISHOEJ}").content.decode()
    statements = ishoej(employee).statements
    assert form.count('<fieldset class="question') == 25
    first, second = statements[19], statements[20]  # Jeg spørger, når jeg er i tvivl. / Jeg deler mine refleksioner …
    assert first.text == "Jeg spørger, når jeg er i tvivl."
    response = client.post(
        "/udvikling/refleksion/ny/",
        {"ramme": ISHOEJ, f"s-{first.key}": "2", f"s-{second.key}": "4", "note": "Spørge mere i teamet."},
    )
    assert response.status_code == 302
    one = Reflection.objects.get()
    assert response["Location"] == f"/udvikling/refleksion/{one.pk}/"
    assert list(one.answers.values_list("statement_text", "value")) == [(first.text, 2), (second.text, 4)]
    html = client.get(response["Location"]).content.decode()
    assert "din første refleksion over dette ledelsesgrundlag" in html
    assert "Spørge mere i teamet." in html
    # A second, later entry: the change since the first.
    client.post("/udvikling/refleksion/ny/", {"ramme": ISHOEJ, f"s-{first.key}": "4", f"s-{second.key}": "3"})
    two = Reflection.objects.exclude(pk=one.pk).get()
    entry = reflections.my_entry(employee, two.pk)
    assert entry.previous == one
    assert [(row.value, row.previous, row.change) for row in entry.rows] == [(4, 2, 2), (3, 4, -1)]
    html = client.get(f"/udvikling/refleksion/{two.pk}/").content.decode()
    assert "<td>4 · Meget ofte</td>" in html
    assert '<td class="reflection-change">2 op</td>' in html
    assert '<td class="reflection-change">1 ned</td>' in html
    listing = client.get("/udvikling/refleksion/").content.decode()
    assert listing.count('href="/udvikling/refleksion/') == 2 + 2  # two entries, two frameworks to start
    assert "Din seneste refleksion" in client.get("/konto/min-side/").content.decode()
    pdf = client.get(f"/udvikling/refleksion/{two.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_bad_input_keeps_what_was_typed_and_saves_nothing(world, client):
    employee = world.user_for("e10")
    client.force_login(employee)
    statements = ishoej(employee).statements
    response = client.post(
        "/udvikling/refleksion/ny/",
        {"ramme": ISHOEJ, f"s-{statements[0].key}": "9", f"s-{statements[1].key}": "3", "note": "Min tanke"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"“{statements[0].text}”: vælg et af de fem svar." in html
    assert f'name="s-{statements[1].key}" value="3" checked' in html
    assert "Min tanke</textarea>" in html
    response = client.post("/udvikling/refleksion/ny/", {"ramme": ISHOEJ, "note": "x" * 2001})
    assert response.status_code == 422
    assert "Svar på mindst ét udsagn, før du gemmer." in response.content.decode()
    response = client.post(
        "/udvikling/refleksion/ny/", {"ramme": ISHOEJ, f"s-{statements[0].key}": "3", "note": "x" * 2001}
    )
    assert response.status_code == 422
    assert "Noten er 2001 tegn lang; der må højst være 2000." in response.content.decode()
    assert snapshot() == ([], [])
    assert client.get("/udvikling/refleksion/ny/?ramme=holstebro-social-og-sundhed").status_code == 404


@pytest.mark.parametrize("who", ["hr", "l1", "dir", "chef", "e11", "e20"])
def test_nobody_else_reads_downloads_or_deletes_it(world, client, who):
    """HR, the person's own leader, the direktør, the leader above, a colleague and a stranger: 404 for
    all, nothing changed, nothing of it on their own pages."""
    owner = world.user_for("e10")
    reflection = reflections.reflection_save(
        actor=owner, framework=ishoej(owner), answers={ishoej(owner).statements[0].key: 1}, note="Hemmelig note"
    )
    before = snapshot()
    attacker = world.hr if who == "hr" else world.user_for(who)
    client.force_login(attacker)
    base = f"/udvikling/refleksion/{reflection.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "pdf/").status_code == 404
    assert client.post(base + "slet/").status_code == 404
    with pytest.raises(reflections.ReflectionNotFound):
        reflections.my_entry(attacker, reflection.pk)
    with pytest.raises(reflections.ReflectionNotFound):
        reflections.reflection_delete(actor=attacker, reflection_id=reflection.pk)
    assert reflections.my_reflections(attacker) == []
    for page in ("/udvikling/refleksion/", "/konto/min-side/", "/konto/log/"):
        response = client.get(page)
        assert "Hemmelig note" not in response.content.decode(), page
    assert snapshot() == before


def test_the_owner_deletes_an_entry_and_an_anonymous_visitor_is_sent_to_log_in(world, client):
    owner = world.user_for("e10")
    reflection = reflections.reflection_save(
        actor=owner, framework=ishoej(owner), answers={ishoej(owner).statements[0].key: 5}, note=""
    )
    response = client.get(f"/udvikling/refleksion/{reflection.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/")
    client.force_login(owner)
    assert client.post(f"/udvikling/refleksion/{reflection.pk}/slet/").status_code == 302
    assert snapshot() == ([], [])


def test_no_audit_no_admin_no_api(world, client):
    owner = world.user_for("e10")
    before = AuditEvent.objects.count()
    reflection = reflections.reflection_save(
        actor=owner, framework=ishoej(owner), answers={ishoej(owner).statements[0].key: 3}, note="Privat"
    )
    client.force_login(owner)
    client.get(f"/udvikling/refleksion/{reflection.pk}/")
    assert AuditEvent.objects.count() == before  # saving and reading leave no trace for HR or the DPO
    # Kerne runs without the Django admin; should it ever be switched on, these stay out of it.
    if apps.is_installed("django.contrib.admin"):
        from django.contrib import admin

        assert Reflection not in admin.site._registry
        assert ReflectionAnswer not in admin.site._registry
    schema = client.get("/api/openapi.json").content.decode().lower()
    assert "reflection" not in schema
    assert "refleksion" not in schema


ALLOWED = {
    "kerne/development/models/reflection.py",
    "kerne/development/models/__init__.py",
    "kerne/development/services/reflection.py",
}


def test_nothing_outside_its_own_module_queries_or_counts_reflections():
    """No selector, report, export, API or admin reads the tables: only services/reflection.py
    touches the models (migrations and tests aside)."""
    root = Path(__file__).resolve().parents[3]
    uses = re.compile(r"ReflectionAnswer|Reflection\.objects|development_reflection|reflection_set|models\.reflection")
    offenders = []
    for path in sorted((root / "kerne").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative in ALLOWED or "/migrations/" in relative or "/tests/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        imported = any(
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("kerne.development.models")
            and any(alias.name in {"Reflection", "ReflectionAnswer"} for alias in node.names)
            for node in ast.walk(ast.parse(source))
        )
        if imported or uses.search(source):
            offenders.append(relative)
    assert offenders == []
    # The one module has no function that reads another's entries or counts them.
    source = (root / "kerne/development/services/reflection.py").read_text(encoding="utf-8")
    for counting in ("aggregate(", "annotate(", "Count("):
        assert counting not in source
    calls = re.findall(r"Reflection\.objects\.filter\(([^)]*)\)", source)
    assert len(calls) == 5
    assert all("owner=actor" in args for args in calls), calls
