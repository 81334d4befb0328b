"""The framework file format: validation with Danish, line-precise errors; import; export."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kerne.core.models import AuditEvent
from kerne.frameworks.loader import FrameworkFileError, dump_framework, load_framework_file, load_framework_text
from kerne.frameworks.models import Framework, Node, Statement
from kerne.frameworks.selectors import framework_spec_from_db
from kerne.frameworks.services import framework_import

DATA = Path(__file__).parent / "data"
FJORDBY = DATA / "fjordby-eksempel.yaml"

SMALL = """\
schema: kerne.framework/1
slug: lille
name: Lille grundlag
organisation: Testby Kommune
role_levels:
  - {key: leder, name: Leder}
  - {key: chef, name: Chef}
node_levels: [Område]
nodes:
  - key: drift
    name: Drift
    perspective: compliance
    statements:
      leder: Har styr på driften.
      chef: Sætter retning for driften.
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_text(text, filename="lille.yaml")
    return [str(p) for p in caught.value.problems]


def test_small_file_is_valid():
    spec = load_framework_text(SMALL, filename="lille.yaml")
    assert [st.key for _n, st in spec.statements()] == ["drift-leder-1", "drift-chef-1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", ["lille.yaml: filen er tom."], id="empty-file"),
        pytest.param(
            SMALL.replace("name: Drift", "name: Drift: og mere"),
            [
                "lille.yaml, linje 11: et kolon efterfulgt af mellemrum (': ') inde i en tekst. Sæt hele teksten i "
                'anførselstegn, fx name: "Drift: økonomi og regler".'
            ],
            id="invalid-yaml",
        ),
        pytest.param(
            SMALL.replace("name: Lille grundlag\n", ""),
            ["lille.yaml, linje 1: feltet 'name' mangler."],
            id="missing-field",
        ),
        pytest.param(
            SMALL.replace("node_levels: [Område]", "node_levels: Område"),
            ["lille.yaml, linje 8, felt node_levels: skal være en liste, men er en tekst."],
            id="wrong-type",
        ),
        pytest.param(
            SMALL.replace("      chef: Sætter", "      leder: Igen.\n      chef: Sætter"),
            [
                "lille.yaml, linje 15, felt nodes[drift].statements.leder: feltet 'leder' står to gange her "
                "(første gang på linje 14); fjern det ene."
            ],
            id="duplicate-key",
        ),
        pytest.param(
            SMALL.replace("      chef: Sætter", "      direktoer: Sætter"),
            [
                "lille.yaml, linje 15, felt nodes[drift].statements.direktoer: udsagn for ukendt ledelsesniveau "
                "'direktoer'. Kendte niveauer: leder, chef, alle."
            ],
            id="unknown-role-level",
        ),
        pytest.param(
            SMALL.replace("perspective: compliance", "perspective: effektivitet"),
            [
                "lille.yaml, linje 12, felt nodes[drift].perspective: ukendt perspektiv fra Den Nye Syntese "
                "'effektivitet'. Brug et af: compliance, performance, emergence, resilience."
            ],
            id="unknown-perspective",
        ),
        pytest.param(
            SMALL.replace(
                "    statements:\n      leder: Har styr på driften.\n      chef: Sætter retning for driften.\n", ""
            ),
            ["lille.yaml, linje 9, felt nodes: ledelsesgrundlaget har ingen udsagn; tilføj mindst ét."],
            id="empty-framework",
        ),
        pytest.param(
            SMALL.replace("    perspective: compliance\n", ""),
            [
                "lille.yaml, linje 10, felt nodes[drift]: et område på øverste niveau skal have et perspektiv fra "
                "Den Nye Syntese (perspective: compliance, performance, emergence eller resilience) eller "
                "'general: true', hvis det gælder på tværs af alle områder."
            ],
            id="area-without-perspective",
        ),
        pytest.param(
            SMALL.replace("    name: Drift\n", "    name: Drift\n    statments: []\n"),
            ["lille.yaml, linje 12, felt nodes[drift].statments: ukendt felt 'statments'. Mente du 'statements'?"],
            id="misspelt-field",
        ),
        pytest.param(
            SMALL.replace("key: drift", "key: Drift og økonomi"),
            [
                "lille.yaml, linje 10, felt nodes[Drift og økonomi].key: 'Drift og økonomi' er ikke en gyldig "
                "nøgle: brug små bogstaver a-z, tal og bindestreg (æ→ae, ø→oe, å→aa)."
            ],
            id="bad-key",
        ),
        pytest.param(
            SMALL.replace("schema: kerne.framework/1", "schema: kerne.framework/9"),
            [
                "lille.yaml, linje 1, felt schema: skal være 'kerne.framework/1' (det format, denne version af "
                "Kerne læser)."
            ],
            id="wrong-format-version",
        ),
        pytest.param(
            "- en\n- liste\n",
            [
                "lille.yaml, linje 1: filen skal beskrive ét ledelsesgrundlag med felter (schema, slug, name, "
                "organisation, nodes …)."
            ],
            id="not-a-mapping",
        ),
    ],
)
def test_bad_input_names_file_line_and_field_in_danish(text, expected):
    assert problems(text) == expected


def test_duplicate_area_keys_and_too_deep_tree():
    text = SMALL + "  - key: drift\n    name: Igen\n    perspective: performance\n    statements: [Et udsagn.]\n"
    text = text.replace("node_levels: [Område]", "node_levels: []")
    assert problems(text) == [  # every problem at once
        "lille.yaml, linje 8, felt node_levels: må ikke være tom.",
        "lille.yaml, linje 16, felt nodes[drift].key: områdenøglen 'drift' bruges to gange (også på linje 10); "
        "nøgler skal være unikke i et ledelsesgrundlag.",
    ]
    text = text.replace("node_levels: []", "node_levels: [Område]")
    assert problems(text) == [
        "lille.yaml, linje 16, felt nodes[drift].key: områdenøglen 'drift' bruges to gange (også på linje 10); "
        "nøgler skal være unikke i et ledelsesgrundlag."
    ]


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(SMALL.replace("Sætter", "S\xe6tter").encode("latin-1"))
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}, linje 8: filen er ikke UTF-8-tekst. Gem den som UTF-8, og prøv igen."
    ]


@pytest.mark.django_db
def test_command_refuses_a_bad_file_and_imports_nothing(tmp_path):
    good = tmp_path / "a-good.yaml"
    good.write_text(SMALL, encoding="utf-8")
    bad = tmp_path / "b-bad.yaml"
    bad.write_text(SMALL.replace("slug: lille", "slug: lille-2").replace("chef: Sætter", "boss: Sætter"), "utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("framework", "import", str(tmp_path), stderr=err)
    assert "b-bad.yaml, linje 15, felt nodes[drift].statements.boss: udsagn for ukendt ledelsesniveau" in err.getvalue()
    assert Framework.objects.count() == 0
    assert Statement.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_command_exits_non_zero_on_validate(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("framework", "validate", str(bad), stderr=StringIO())


@pytest.mark.django_db
def test_import_is_idempotent(seed_specs):
    out = StringIO()
    call_command("framework", "import", stdout=out)
    assert out.getvalue().count("indlæst som") == 5
    snapshot = list(Statement.objects.order_by("pk").values_list("pk", "key", "text", "node_id", "role_level_id"))
    stamps = dict(Framework.objects.values_list("slug", "updated_at"))
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("framework", "import", stdout=out)
    assert out.getvalue().count("uændret") == 5
    assert (
        list(Statement.objects.order_by("pk").values_list("pk", "key", "text", "node_id", "role_level_id")) == snapshot
    )
    assert dict(Framework.objects.values_list("slug", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events == 5
    assert Statement.objects.count() == 244


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["seed", "fjordby"])
def test_export_round_trip(seed_specs, name, tmp_path):
    specs = seed_specs if name == "seed" else (load_framework_file(FJORDBY),)
    for spec in specs:
        framework_import(spec=spec, actor="test")
        exported = framework_spec_from_db(spec.slug)
        assert exported is not None
        assert exported == spec
        reread = load_framework_text(dump_framework(exported), filename="export.yaml")
        assert reread == spec
    path = tmp_path / "out.yaml"
    call_command("framework", "export", specs[0].slug, "-o", str(path), stdout=StringIO())
    assert load_framework_file(path) == specs[0]


@pytest.mark.django_db
def test_revised_file_keeps_statement_keys_and_touches_only_changes():
    spec = load_framework_text(SMALL, filename="lille.yaml")
    framework_import(spec=spec, actor="test")
    before = dict(Statement.objects.values_list("key", "pk"))
    revised = SMALL.replace("Har styr på driften.", "Har styr på driften hver dag.")
    revised += "  - key: fremtid\n    name: Fremtid\n    perspective: resilience\n    statements: [Ser langt.]\n"
    result = framework_import(spec=load_framework_text(revised, filename="lille.yaml"), actor="test")
    assert result.counts["statements"] == {"created": 1, "updated": 1, "deleted": 0}
    assert result.counts["nodes"] == {"created": 1, "updated": 0, "deleted": 0}
    after = dict(Statement.objects.values_list("key", "pk"))
    assert {k: after[k] for k in before} == before
    assert Statement.objects.get(key="drift-leder-1").text == "Har styr på driften hver dag."
    removed = framework_import(spec=spec, actor="test")
    assert removed.counts["statements"] == {"created": 0, "updated": 1, "deleted": 1}
    assert Node.objects.filter(framework=result.framework).count() == 1


@pytest.mark.django_db
def test_another_organisations_framework_imports_without_code_change():
    out = StringIO()
    call_command("framework", "import", str(FJORDBY), stdout=out)
    framework = Framework.objects.get(slug="fjordby-ledelse-med-retning")
    assert framework.publisher == "Fjordby Kommune"
    assert framework.statements.count() == 9
    assert Statement.objects.get(framework=framework, key="afdeling-budget").note == "Tilføjet 2024."
    assert list(framework.role_levels.values_list("key", flat=True)) == ["teamleder", "afdelingsleder", "direktoer"]
