"""The LUS: seeded cards per framework, convened by the own leader, Hjørring's seesaw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kerne.development.models import ConversationCard, Lus
from kerne.development.services import lus as lus_services

pytestmark = pytest.mark.django_db


def _season(world, slug="holstebro-social-og-sundhed"):
    from kerne.frameworks.models import Framework

    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        from kerne.frameworks.loader import load_framework_file
        from kerne.frameworks.services import framework_import

        framework = framework_import(
            spec=load_framework_file(f"content/frameworks/{slug}.yaml"), actor="test"
        ).framework
    return lus_services.season_create(
        actor=world.hr,
        organisation=world.org.organisation,
        name="LUS 2026",
        framework=framework,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )


@pytest.mark.parametrize(
    ("slug", "themes"),
    [
        (
            "holstebro-social-og-sundhed",
            [
                "Driftsledelse",
                "Personaleledelse",
                "Innovationsledelse",
                "Forandringsledelse",
                "Tværgående ledelse",
                "Implementeringsledelse",
                "Serviceledelse",
                "Samskabende ledelse",
            ],
        ),
        (
            "hjoerring-bfu-sammen-om-kerneopgaven",
            [
                "Sammen sikrer vi driften",
                "Sammen styrker vi resultaterne",
                "Sammen skaber vi løsninger",
                "Sammen udvikler vi en bæredygtig organisation",
            ],
        ),
        (
            "hjoerring-ledelse-af-kerneopgaven",
            [
                "Ha’ styr på driften",
                "Optimer med blik for helheden",
                "Vær i samspil med omgivelserne",
                "Se langt, og sæt det stærkeste hold",
            ],
        ),
    ],
)
def test_seeded_cards_per_framework(world, slug, themes):
    season = _season(world, slug)
    cards = list(ConversationCard.objects.filter(season=season).order_by("position"))
    assert [c.theme for c in cards[:3]] == [
        "Hvordan har du det som leder?",
        "Sidste års udviklingsplan",
        "Året, der kommer: din udviklingsplan",
    ]
    assert [c.mandatory for c in cards] == [True, True, True] + [False] * len(themes)
    assert [c.theme for c in cards[3:]] == themes


def test_ishoej_cards_are_lederskab_foelgeskab_and_the_directions(world):
    season = _season(world, "ishoej-lederskab-og-foelgeskab")
    themes = list(
        ConversationCard.objects.filter(season=season, mandatory=False)
        .order_by("position")
        .values_list("theme", flat=True)
    )
    assert themes[:2] == ["Aktivt og konstruktivt lederskab", "Aktivt og konstruktivt følgeskab"]
    assert len(themes) == 6  # and the four directions: opad, nedad, indad, til siden


def test_only_the_own_leader_convenes(world, mailoutbox, django_capture_on_commit_callbacks):
    season = _season(world)
    leader = world.org.people["l1"]
    for user in (world.hr, world.line, world.other_leader, world.leader):
        with pytest.raises(PermissionDenied):
            lus_services.lus_convene(actor=user, season=season, leader=leader)
    assert not Lus.objects.exists()
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=10), dt.time(13, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        lus = lus_services.lus_convene(
            actor=world.manager, season=season, leader=leader, starts_at=starts, location="Kontoret"
        )
    assert lus.due_on == starts.date()
    assert lus.framework_role_level == "leder-af-medarbejdere"
    assert sorted(m.to[0] for m in mailoutbox) == ["chef@udvikling.dk", "l1@udvikling.dk"]
    assert mailoutbox[0].subject == "Invitation: Lederudviklingssamtale (LUS): Lise Leder 1 og Carsten Chef"
    with pytest.raises(ValidationError):
        lus_services.lus_convene(actor=world.manager, season=season, leader=leader)


def test_a_day_outside_the_season_is_refused(world):
    season = _season(world)
    late = timezone.make_aware(dt.datetime.combine(season.ends_on + dt.timedelta(days=1), dt.time(9, 0)))
    with pytest.raises(ValidationError):
        lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l1"], starts_at=late)
    assert not Lus.objects.exists()


def test_seesaw_shares_are_checked_and_only_the_leader_marks_them(world):
    season = _season(world, "hjoerring-ledelse-af-kerneopgaven")
    lus = lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l1"])
    keys = [
        "ha-styr-paa-driften",
        "optimer-med-blik-for-helheden",
        "vaer-i-samspil-med-omgivelserne",
        "se-langt-og-saet-det-staerkeste-hold",
    ]
    good = dict(zip(keys, ["40", "30", "20", "10"], strict=True))
    bad = dict(zip(keys, ["40", "30", "20", "20"], strict=True))
    with pytest.raises(ValidationError) as error:
        lus_services.lus_seesaw_set(actor=world.leader, lus=lus, situation=bad, time=good)
    assert error.value.messages == ["De fire andele skal give 100 tilsammen (de giver 110)."]
    with pytest.raises(PermissionDenied):
        lus_services.lus_seesaw_set(actor=world.manager, lus=lus, situation=good, time=good)
    lus.refresh_from_db()
    assert lus.seesaw_situation == {}
    assert lus.seesaw_time == {}
    lus_services.lus_seesaw_set(
        actor=world.leader, lus=lus, situation=good, time=dict(zip(keys, ["70", "10", "10", "10"], strict=True))
    )
    lus.refresh_from_db()
    assert lus.seesaw_situation == {k: int(v) for k, v in good.items()}
    from kerne.development.seesaw import tilt_from_shares

    assert tilt_from_shares([40, 30, 20, 10]) == pytest.approx(-4.8)
    assert tilt_from_shares([0, 0, 50, 50]) == 12.0
