"""Demo data for the team's own translation and the private self-reflection (issue 12 §3–§4).

Two units have accepted texts for Holstebro's statements: the leader login's own unit (with one
proposal from the team still waiting for the leader) and the employee login's unit (or, when that
is the same one, the chef's). The employee login has two dated reflections on Ishøj's lederskab og
følgeskab, a few months apart, so the change since last time shows. Where the unit's leader has a
login, the texts go through the services; elsewhere the rows are written as the services would
have written them, named for the unit's leader (demo data only).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.development.services import reflection as reflections
from kerne.frameworks import translation_services
from kerne.frameworks.models import Framework, Statement, TranslationKind, TranslationProposal, UnitTranslation
from kerne.frameworks.models import UnitTranslationVersion as Version
from kerne.frameworks.translation_selectors import unit_level_keys
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import Organisation, Person, Unit

DEMO_FRAMEWORK = "holstebro-social-og-sundhed"
REFLECTION_FRAMEWORK = "ishoej-lederskab-og-foelgeskab"

# What the statements of "Stabil drift" mean in a care unit and in the chef's area (made-up, plain Danish).
TEXTS = (
    "Hos os betyder det, at vagtplanen er lagt fire uger frem, og at alle ved, hvem de ringer til ved sygdom.",
    "Vi gennemgår budgettet på personalemødet hver måned, så alle kan se, hvad vores valg koster.",
    "Når en regel ændres, forklarer vi den på morgenmødet med et eksempel fra en borger, vi kender.",
)
AREA_TEXT = "For os handler stabil drift om, at borgerne møder de samme ansigter og får hjælp til tiden."
CHEF_TEXTS = (
    "I området betyder det, at hver institution har en plan for sygefravær, som vi følger op på hvert kvartal.",
    "Vi deler tallene på tværs af institutionerne, så vi lærer af hinanden i stedet for at sammenligne os.",
)
PROPOSAL = "Forslag fra teamet: at vi også aftaler, hvem der tager over, når lederen er væk."


def _login_of(organisation: Organisation, level_key: str | None = None, *, leader: bool = True) -> User | None:
    for user in User.objects.filter(organisation=organisation, person__isnull=False, is_org_admin=False).order_by("pk"):
        position = org_selectors.current_position(organisation, user.person)
        if position is None:
            continue
        if level_key is not None and position.role_level.key == level_key:
            return user
        if level_key is None and not leader and not policy.is_leader(user):
            return user
    return None


def _unit_leader(unit: Unit) -> tuple[User | None, Person | None]:
    """A leader placed in the unit: their login if they have one, else the person."""
    positions = (
        org_selectors.current_positions(unit)
        .filter(unit=unit, role_level__is_leader=True)
        .select_related("person")
        .order_by("person__employee_number")
    )
    position = positions.first()
    if position is None:
        return None, None
    return User.objects.filter(person=position.person, is_active=True).first(), position.person


def _accept(unit: Unit, framework: Framework, kind: str, key: str, text: str, when: dt.datetime) -> None:
    user, person = _unit_leader(unit)
    if user is not None:
        translation_services.translation_accept(
            actor=user, unit=unit, framework=framework, kind=kind, key=key, text=text
        )
        return
    name = person.name if person is not None else unit.name
    row = UnitTranslation.objects.create(
        organisation_id=unit.organisation_id,
        unit=unit,
        framework=framework,
        kind=kind,
        target_key=key,
        text=text,
        accepted_by_name=name,
        accepted_at=when,
    )
    Version.objects.create(
        translation=row, version=1, text=text, proposed_by_name=name, accepted_by_name=name, accepted_at=when
    )


def _translate(unit: Unit, framework: Framework, texts: tuple[str, ...], *, area: bool, days_ago: int) -> None:
    role_levels = list(framework.role_levels.all())
    level_keys = unit_level_keys(unit, framework, role_levels) or [role_levels[0].key]
    keys = list(
        Statement.objects.filter(framework=framework, role_level__key=level_keys[0])
        .order_by("position")
        .values_list("key", flat=True)[: len(texts)]
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    for key, text in zip(keys, texts, strict=False):
        _accept(unit, framework, TranslationKind.STATEMENT, key, text, when)
    if area:
        top = framework.nodes.filter(depth=0, general=False).order_by("position").first()
        if top is not None:
            _accept(unit, framework, TranslationKind.NODE, top.key, AREA_TEXT, when)


def demo_translation(organisation: Organisation) -> None:
    """The translation and reflection part of the demo (one call from demo_development)."""
    framework = Framework.objects.filter(slug=DEMO_FRAMEWORK).first()
    leader = _login_of(organisation, "leder-af-medarbejdere")
    employee = _login_of(organisation, leader=False)
    chef = _login_of(organisation, "chef")
    if (
        framework is not None
        and leader is not None
        and not UnitTranslation.objects.filter(organisation=organisation).exists()
    ):
        leader_unit = policy.own_unit(leader)
        assert leader_unit is not None
        _translate(leader_unit, framework, TEXTS, area=True, days_ago=20)
        # One proposal from the team still waits for the leader.
        member = (
            org_selectors.current_positions(organisation)
            .filter(unit=leader_unit, role_level__is_leader=False)
            .select_related("person")
            .order_by("person__employee_number")
            .first()
        )
        target = (
            UnitTranslation.objects.filter(unit=leader_unit, kind=TranslationKind.STATEMENT)
            .order_by("target_key")
            .first()
        )
        if member is not None and target is not None:
            TranslationProposal.objects.create(
                organisation=organisation,
                unit=leader_unit,
                framework=framework,
                kind=TranslationKind.STATEMENT,
                target_key=target.target_key,
                text=PROPOSAL,
                proposed_by=User.objects.filter(person=member.person).first(),
                proposed_by_name=member.person.name,
                proposed_at=timezone.now() - dt.timedelta(days=3),
            )
        other = policy.own_unit(employee) if employee is not None else None
        if other is None or other.pk == leader_unit.pk:
            other = policy.own_unit(chef) if chef is not None else None
        if other is not None and other.pk != leader_unit.pk:
            _translate(other, framework, CHEF_TEXTS, area=False, days_ago=40)
    if employee is not None and not reflections.my_reflections(employee):
        _reflect(employee)


def _reflect(employee: User) -> None:
    chosen = next(
        (fw for fw in reflections.frameworks_for(employee) if fw.framework.slug == REFLECTION_FRAMEWORK), None
    )
    if chosen is None:
        return
    statements = chosen.statements
    earlier = {st.key: 2 + (i % 3) for i, st in enumerate(statements)}  # 2, 3, 4, 2, 3, 4 …
    later = {key: min(5, value + (1 if i % 2 == 0 else 0)) for i, (key, value) in enumerate(earlier.items())}
    now = timezone.now()
    reflections.reflection_save(
        actor=employee,
        framework=chosen,
        answers=earlier,
        note="Jeg vil blive bedre til at sige fra, når der er for meget på én gang.",
        taken_at=now - dt.timedelta(days=180),
    )
    reflections.reflection_save(
        actor=employee,
        framework=chosen,
        answers=later,
        note="Jeg spørger mere, når jeg er i tvivl. Til MUS: hvordan kan jeg dele min viden i teamet?",
        taken_at=now - dt.timedelta(days=7),
    )
