"""The five seed frameworks: every statement present, counted exactly, in correct Danish."""

from __future__ import annotations

from collections import Counter

import pytest

from kerne.frameworks.spec import FrameworkSpec

EXPECTED = {
    "hjoerring-ledelse-af-kerneopgaven": {
        "total": 16,
        "top": {
            "ha-styr-paa-driften": 3,
            "optimer-med-blik-for-helheden": 4,
            "vaer-i-samspil-med-omgivelserne": 4,
            "se-langt-og-saet-det-staerkeste-hold": 5,
        },
        "roles": {"alle": 16},
    },
    "hjoerring-direktionsmodel": {
        "total": 16,
        "top": {
            "fagligt-udfordre-naeste-niveau": 1,
            "indsigt-to-niveauer-fra-en-selv": 1,
            "faglig-indsigt-som-rekrutteringsbetingelse": 2,
            "loebende-resultatopfoelgning": 6,
            "forpligtende-ledelsesfaellesskab-om-resultater-paa-tvaers": 3,
            "strategisk-niveau-og-fingrene-i-driften": 3,
        },
        "roles": {"alle": 8, "direktoer": 8},
    },
    "ishoej-lederskab-og-foelgeskab": {
        "total": 25,
        "top": {
            "styr-paa-tingene": 3,
            "mere-og-bedre-for-mindre": 3,
            "innovation-af-velfaerd-sammen-med-andre": 3,
            "modstandskraft-og-robusthed": 4,
            "lederskab-og-foelgeskab": 12,
        },
        "roles": {"alle": 25},
    },
    "hjoerring-bfu-sammen-om-kerneopgaven": {
        "total": 84,
        "top": {
            "sammen-sikrer-vi-driften": 23,
            "sammen-styrker-vi-resultaterne": 22,
            "sammen-skaber-vi-loesninger": 19,
            "sammen-udvikler-vi-en-baeredygtig-organisation": 20,
        },
        "roles": {
            "alle": 11,
            "medarbejder": 14,
            "leder-af-medarbejder": 15,
            "leder-af-leder": 15,
            "chef": 14,
            "direktoer": 15,
        },
    },
    "holstebro-social-og-sundhed": {
        "total": 103,
        "top": {
            "stabil-drift": 24,
            "udvikling-og-innovation": 24,
            "sammenhaeng": 24,
            "service-og-borger": 24,
            "faellestraek-ved-god-ledelse": 7,
        },
        "roles": {"leder-af-medarbejdere": 24, "leder-af-ledere": 24, "chef": 24, "direktoer": 24, "alle": 7},
    },
}


def _count(node) -> int:
    return len(node.statements) + sum(_count(c) for c in node.children)


@pytest.fixture
def specs(seed_specs) -> dict[str, FrameworkSpec]:
    return {s.slug: s for s in seed_specs}


def test_exactly_the_five_seed_frameworks(specs):
    assert sorted(specs) == sorted(EXPECTED)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_statement_counts(specs, slug):
    spec, expected = specs[slug], EXPECTED[slug]
    assert len(spec.statements()) == expected["total"]
    assert {n.key: _count(n) for n in spec.nodes} == expected["top"]
    assert dict(Counter(st.role or "alle" for _node, st in spec.statements())) == expected["roles"]


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_every_area_is_tagged(specs, slug):
    for node in specs[slug].nodes:
        assert bool(node.perspective) != node.general, node.key


def test_holstebro_structure(specs):
    spec = specs["holstebro-social-og-sundhed"]
    flags = [n for n in spec.nodes if not n.general]
    assert [len(f.children) for f in flags] == [2, 2, 2, 2]
    competencies = [c for f in flags for c in f.children]
    assert [c.name for c in competencies] == [
        "Driftsledelse",
        "Personaleledelse",
        "Innovationsledelse",
        "Forandringsledelse",
        "Tværgående ledelse",
        "Implementeringsledelse",
        "Serviceledelse",
        "Samskabende ledelse",
    ]
    themes = [t for c in competencies for t in c.children]
    assert len(themes) == 24
    for theme in themes:
        assert sorted(st.role for st in theme.statements) == [
            "chef",
            "direktoer",
            "leder-af-ledere",
            "leder-af-medarbejdere",
        ], theme.key
    assert {s.key for s in spec.sections} >= {"ledestjerne"}
    ledestjerne = next(s for s in spec.sections if s.key == "ledestjerne")
    assert len(ledestjerne.items) == 7
    assert spec.values == ("Glæde", "Udvikling", "Udsyn")


def test_bfu_perspectives_are_the_documents_own(specs):
    spec = specs["hjoerring-bfu-sammen-om-kerneopgaven"]
    assert [n.perspective for n in spec.nodes] == ["compliance", "performance", "emergence", "resilience"]
    assert spec.mission == "Sammen skaber vi udvikling, læring og trivsel for børn, unge og familier."


def test_ishoej_directions_and_leadership_followership(specs):
    spec = specs["ishoej-lederskab-og-foelgeskab"]
    assert [d.key for d in spec.directions] == ["opad", "nedad", "indad", "til-siden"]
    general = next(n for n in spec.nodes if n.general)
    assert [len(c.statements) for c in general.children] == [6, 6]
    assert spec.organisation == "Ishøj Kommune"


def test_hjoerring_seesaw_and_values(specs):
    spec = specs["hjoerring-ledelse-af-kerneopgaven"]
    assert spec.picture == "seesaw"
    assert spec.values == ("Tillid", "Dialog", "Arbejdsglæde")
    assert [n.name for n in spec.nodes] == [
        "Ha’ styr på driften",
        "Optimer med blik for helheden",
        "Vær i samspil med omgivelserne",
        "Se langt, og sæt det stærkeste hold",
    ]
