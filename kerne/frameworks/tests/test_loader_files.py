"""Framework files that are hostile, broken or repeated: refused fast, in Danish, at the right line, each
problem once and all in one pass; export gives the author's comments back, without trailing spaces."""

from __future__ import annotations

import dataclasses
import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kerne.frameworks.loader import (
    MAX_FILE_BYTES,
    FrameworkFileError,
    dump_framework,
    load_framework_file,
    load_framework_text,
    read_framework_file,
)
from kerne.frameworks.models import Framework
from kerne.frameworks.tests.test_loader import SMALL, problems

SEEDS = sorted(Path("content/frameworks").glob("*.yaml"))


@pytest.fixture
def deadline():
    """Turn a hang into a failure: the old loader expanded an alias bomb for minutes."""

    def expired(*_args):
        raise AssertionError("took more than 5 seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    return SMALL + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once(deadline):
    found = problems(alias_bomb())
    assert found[0] == (
        "lille.yaml, linje 16: filen bruger et YAML-anker eller -alias (&navn eller *navn). Kerne tager ikke imod "
        "dem i en fil med et ledelsesgrundlag: skriv teksten helt ud hvert sted."
    )
    assert len(found) == 9  # one per line with an anchor or alias, each once


def test_a_single_alias_is_refused_with_its_line():
    text = SMALL.replace("name: Drift\n", "name: &navn Drift\n").replace(
        "      chef: Sætter retning for driften.", "      chef: *navn"
    )
    assert [p.split(":")[0] for p in problems(text)] == ["lille.yaml, linje 11", "lille.yaml, linje 15"]


def test_too_large_a_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "stor.yaml"
    path.write_text(SMALL + "# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(FrameworkFileError) as caught:
        load_framework_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: filen er for stor (1000 kB; højst 1000 kB). En fil med et ledelsesgrundlag indeholder kun tekst."
    ]


def test_too_many_statements_are_refused():
    many = "".join(f"      - Udsagn nummer {n}.\n" for n in range(5001))
    text = SMALL.replace("      leder: Har styr på driften.\n      chef: Sætter retning for driften.\n", "")
    text = text.replace("    statements:\n", "    statements:\n" + many)
    assert problems(text) == [  # counted as the file is read, before anything is built
        "lille.yaml, linje 5014: ledelsesgrundlaget har mere end 5000 udsagn; højst 5000 er tilladt."
    ]


def test_an_unclosed_quote_is_reported_where_it_opens():
    text = SMALL.replace("name: Lille grundlag", 'name: "Lille grundlag')
    assert problems(text) == [
        'lille.yaml, linje 3: en tekst i anførselstegn (") begynder her, men slutter aldrig. Sæt det afsluttende '
        '" ved slutningen af teksten.'
    ]


def test_tabs_are_named_as_tabs_on_every_line():
    text = SMALL.replace("    name: Drift\n", "\tname: Drift\n").replace("      chef:", "\t  chef:")
    assert problems(text) == [
        "lille.yaml, linje 11: linjen er rykket ind med et tabulatortegn (tab). YAML rykker kun ind med "
        "mellemrum: erstat tabulatortegnet med mellemrum (to pr. niveau).",
        "lille.yaml, linje 15: linjen er rykket ind med et tabulatortegn (tab). YAML rykker kun ind med "
        "mellemrum: erstat tabulatortegnet med mellemrum (to pr. niveau).",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "name: Drift\n",
            "name: Drift: og mere\n",
            "lille.yaml, linje 11: et kolon efterfulgt af mellemrum (': ') inde i en tekst. Sæt hele teksten i "
            'anførselstegn, fx name: "Drift: økonomi og regler".',
        ),
        (
            "node_levels: [Område]",
            "node_levels: [Område\nnodes2: x",
            "lille.yaml, linje 8: den [ ], der åbnes på denne linje, lukkes ikke, eller en tekst i den indeholder "
            "et kolon eller et komma. Skriv i stedet én '- '-linje pr. punkt.",
        ),
        (
            "    name: Drift\n",
            "    name: Drift\n   description: skæv\n",
            "lille.yaml, linje 12: indrykningen af linjen passer ikke til linjerne over den. Ryk et felt lige så "
            "mange mellemrum ind som de andre felter på samme niveau.",
        ),
        (
            "    name: Drift\n",
            "    name: Drift\n    bare en tekst uden kolon\n",
            "lille.yaml, linje 12: linjen har intet kolon. Skriv 'felt: værdi', eller ryk linjen længere ind, "
            "hvis den fortsætter teksten på linjen over.",
        ),
    ],
    ids=["colon-in-text", "unclosed-bracket", "indentation", "no-colon"],
)
def test_syntax_errors_in_danish_at_the_right_line(old, new, expected):
    assert problems(SMALL.replace(old, new)) == [expected]


def test_a_duplicate_field_points_at_its_first_occurrence():
    # 'name' is the second field of the area; the block starts a line earlier, at 'key'.
    text = SMALL.replace("    perspective: compliance\n", "    perspective: compliance\n    name: Igen\n")
    assert problems(text) == [
        "lille.yaml, linje 13, felt nodes[drift].name: feltet 'name' står to gange her (første gang på linje 11); "
        "fjern det ene."
    ]


def test_a_repeated_area_key_is_one_error_not_six():
    text = SMALL + (
        "  - key: drift\n    name: Igen\n    perspective: performance\n"
        "    statements:\n      leder: [Et., To.]\n      chef: [Tre., Fire.]\n"
    )
    assert problems(text) == [
        "lille.yaml, linje 16, felt nodes[drift].key: områdenøglen 'drift' bruges to gange (også på linje 10); "
        "nøgler skal være unikke i et ledelsesgrundlag."
    ]


def test_a_pinned_key_that_repeats_a_generated_one_is_reported():
    text = SMALL.replace("      chef: Sætter retning for driften.", "      chef: {key: drift-leder-1, text: Sætter.}")
    assert problems(text) == [
        "lille.yaml, linje 15, felt nodes[drift].statements.chef: udsagnsnøglen 'drift-leder-1' bruges to gange "
        "(også på linje 14)."
    ]


def test_every_problem_in_one_pass_the_perspective_does_not_hide_the_key():
    text = SMALL.replace("    perspective: compliance\n", "") + (
        "  - key: drift\n    name: Igen\n    perspective: performance\n    statements: [Et.]\n"
    )
    assert problems(text) == [
        "lille.yaml, linje 10, felt nodes[drift]: et område på øverste niveau skal have et perspektiv fra "
        "Den Nye Syntese (perspective: compliance, performance, emergence eller resilience) eller "
        "'general: true', hvis det gælder på tværs af alle områder.",
        "lille.yaml, linje 15, felt nodes[drift].key: områdenøglen 'drift' bruges to gange (også på linje 10); "
        "nøgler skal være unikke i et ledelsesgrundlag.",
    ]


def test_a_malformed_file_is_checked_without_crashing():
    text = SMALL.replace("  - {key: chef, name: Chef}", "  - chef").replace("node_levels: [Område]", "node_levels: 3")
    found = problems(text)
    assert any("linje 7, felt role_levels[2]" in p for p in found)
    assert any("linje 8, felt node_levels" in p for p in found)


@pytest.mark.django_db
@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_export_gives_back_the_comments_without_trailing_spaces(path, tmp_path):
    call_command("framework", "import", str(path), stdout=StringIO())
    spec, text = read_framework_file(path)
    out = tmp_path / "eksport.yaml"
    call_command("framework", "export", spec.slug, "-o", str(out), stdout=StringIO())
    exported = out.read_text(encoding="utf-8")
    assert exported.count("#") == text.count("#") > 0
    assert [n for n, line in enumerate(exported.splitlines(), 1) if line != line.rstrip()] == []
    assert load_framework_file(out) == spec


@pytest.mark.django_db
def test_export_after_a_change_keeps_the_comments_of_what_is_still_there():
    path = Path("kerne/frameworks/tests/data/fjordby-eksempel.yaml")
    spec, text = read_framework_file(path)
    node = spec.nodes[0]
    changed = dataclasses.replace(spec, nodes=(dataclasses.replace(node, name="Nyt navn"), *spec.nodes[1:]))
    exported = dump_framework(changed, source=text)
    assert load_framework_text(exported, filename="x.yaml") == changed
    kept = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert kept
    assert all(comment in exported for comment in kept)
    # Without a stored file (loaded before Kerne kept them) there are no comments, and no trailing spaces.
    fresh = dump_framework(changed)
    assert [line for line in fresh.splitlines() if line != line.rstrip()] == []


@pytest.mark.django_db
def test_reimporting_with_new_comments_keeps_them_and_changes_nothing_else():
    path = Path("kerne/frameworks/tests/data/fjordby-eksempel.yaml")
    call_command("framework", "import", str(path), stdout=StringIO())
    framework = Framework.objects.get()
    stamp = framework.updated_at
    spec, text = read_framework_file(path)
    from kerne.frameworks.services import framework_import

    result = framework_import(spec=spec, actor="test", source_text="# Ny kommentar\n" + text)
    assert not result.changed
    framework.refresh_from_db()
    assert framework.source_text.startswith("# Ny kommentar\n")
    assert framework.updated_at == stamp
