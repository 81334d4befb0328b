"""Building the demo data set. Each part of Kerne adds its step here as it is built."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.accounts.services import user_create
from kerne.demo.results import demo_results
from kerne.demo.translation import demo_translation
from kerne.evaluations import closing, services
from kerne.evaluations.answering import invitation_link
from kerne.evaluations.disclosure.service import round_disclose
from kerne.evaluations.models import GroupKey, Invitation, Round, RoundStatus
from kerne.evaluations.simulate import simulate_answers
from kerne.frameworks.models import Framework
from kerne.frameworks.services import role_level_mapping_save_suggested
from kerne.organisation import selectors
from kerne.organisation.demo import demo_csv
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Organisation, Person
from kerne.organisation.services import organisation_create

DEMO_SLUG = "demo-kommune"
DEMO_PASSWORD = "kerne-demo-2026"  # noqa: S105 - a published demo password, printed by bin/run
DEMO_ADMIN_EMAIL = "hr@demo-kommune.dk"
DEMO_ACTOR = "manage.py demo"
DEMO_FRAMEWORK = "holstebro-social-og-sundhed"


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_create(*, seed: int, size: str = "small") -> Organisation:
    """The demo kommune: its people (through the HR import), logins, and evaluation rounds.

    Two closed rounds with realistic answers (a year apart, so reports show change) and one open
    round, so every part of Kerne has something to show at once.
    """
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first() or organisation_create(
        name="Demo Kommune", slug=DEMO_SLUG, actor=DEMO_ACTOR
    )
    if not organisation.people.exists():
        org_import_apply(
            organisation=organisation,
            data=demo_csv(seed=seed, size=size, kommune="Demo Kommune"),
            filename="demo-hr-eksport.csv",
            actor=DEMO_ACTOR,
        )
    admin, created = User.objects.get_or_create(
        email=DEMO_ADMIN_EMAIL,
        defaults={
            "first_name": "Hanne",
            "last_name": "Rasmussen",
            "organisation": organisation,
            "is_org_admin": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    # The organisation's people come first (generator + import); then logins for some of them.
    demo_create_logins(organisation)
    if not organisation.evaluation_rounds.exists():
        demo_rounds(organisation, admin, seed=seed)
    demo_results(organisation, admin, seed=seed)
    from kerne.demo.development import demo_development

    demo_development(organisation, admin)
    from kerne.demo.onboarding import demo_onboarding

    demo_onboarding(organisation, admin)
    demo_translation(organisation)
    return organisation


def _busiest(organisation: Organisation, role_key: str) -> Person | None:
    """The person of a role level with the most direct reports (the richest demo), without a login."""
    from django.db.models import Count, Q

    position = (
        selectors.current_positions(organisation)
        .filter(role_level__key=role_key, person__active=True, person__user__isnull=True)
        .annotate(
            reports=Count("person__managed_positions", filter=Q(person__managed_positions__valid_to__isnull=True))
        )
        .select_related("person")
        .order_by("-reports", "person__employee_number")
        .first()
    )
    return position.person if position is not None else None


def _first_employee(organisation: Organisation) -> Person | None:
    position = (
        selectors.current_positions(organisation)
        .filter(role_level__is_leader=False, person__active=True, person__user__isnull=True)
        .select_related("person")
        .order_by("person__employee_number")
        .first()
    )
    return position.person if position is not None else None


def _login_email(person: Person, fallback: str) -> str:
    email = (person.email or "").strip().lower()
    return email if email and not User.objects.filter(email__iexact=email).exists() else fallback


@transaction.atomic
def demo_create_logins(organisation: Organisation) -> list[tuple[str, str]]:
    """Logins for a chef, a leader of employees and an employee of the demo organisation.

    The chef and the leader are the ones with the most direct reports, so their reports have the
    most to show. Does nothing for a login that exists, or when there is nobody to link yet.
    Returns the logins created now as (e-mail, role label).
    """
    existing = {u.person_id for u in User.objects.filter(organisation=organisation, person__isnull=False)}
    if existing:
        return []
    wanted = [
        (_busiest(organisation, "chef"), f"chef@{DEMO_SLUG}.dk"),
        (_busiest(organisation, "leder-af-medarbejdere"), f"leder@{DEMO_SLUG}.dk"),
        (_first_employee(organisation), f"medarbejder@{DEMO_SLUG}.dk"),
    ]
    created: list[tuple[str, str]] = []
    for person, fallback in wanted:
        if person is None:
            continue
        user = user_create(
            email=_login_email(person, fallback),
            organisation=organisation,
            person=person,
            password=DEMO_PASSWORD,
            actor=DEMO_ACTOR,
        )
        created.append((user.email, _login_label(user)))
    return created


def _login_label(user: User) -> str:
    if not policy.is_leader(user):
        return _("Employee")
    position = selectors.current_position(user, user.person)
    return _("Leader (%(level)s)") % {"level": position.role_level.name.lower()} if position else _("Leader")


def demo_login_list() -> list[tuple[str, str]]:
    """Every demo login with its role, HR first (printed by manage.py demo and bin/run)."""
    logins = [(DEMO_ADMIN_EMAIL, _("HR administrator"))]
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        return logins
    users = User.objects.filter(organisation=organisation, person__isnull=False, is_org_admin=False, is_active=True)
    logins.extend((user.email, _login_label(user)) for user in users.select_related("person").order_by("pk"))
    return logins


def demo_rounds(organisation: Organisation, hr: User, *, seed: int) -> list[Round]:
    """Last year's and this year's closed rounds on Holstebro's framework, and an open one."""
    framework = Framework.objects.get(slug=DEMO_FRAMEWORK)
    today = timezone.localdate()
    rounds = []
    for offset, name in ((400, "Ledelsesevaluering 2025"), (35, "Ledelsesevaluering 2026")):
        round_ = _prepared(organisation, hr, framework, name)
        # Demo data never mails anyone: the invitations count as delivered without a mail.
        services.round_open(round_=round_, actor=hr, send_mail=False)
        simulate_answers(round_, seed=seed + offset)
        closing.round_close(round_=round_, actor=hr)
        round_disclose(round_.pk)  # at once, inside the demo's transaction (the queued job finds it done)
        closing.round_publish(round_=round_, actor=hr, notify=False)
        # Back-date the round as if it had run then (demo data only).
        opened = today - dt.timedelta(days=offset + 21)
        Round.objects.filter(pk=round_.pk).update(
            opens_on=opened,
            closes_on=opened + dt.timedelta(days=20),
            opened_at=timezone.now() - dt.timedelta(days=offset + 21),
            closed_at=timezone.now() - dt.timedelta(days=offset),
        )
        rounds.append(round_)
    open_round = _prepared(organisation, hr, framework, "Opfølgning 2027", days=21)
    services.round_open(round_=open_round, actor=hr, send_mail=False)
    rounds.append(open_round)
    return rounds


def _prepared(organisation: Organisation, hr: User, framework: Framework, name: str, days: int = 14) -> Round:
    today = timezone.localdate()
    settings = services.RoundSettings(
        name=name,
        framework=framework,
        opens_on=today,
        closes_on=today + dt.timedelta(days=days),
        comment_areas=["stabil-drift", "service-og-borger"],
        report_levels_above=1,
    )
    round_ = services.round_create(organisation=organisation, settings=settings, actor=hr)
    role_level_mapping_save_suggested(organisation=organisation, framework=framework, actor=hr)
    services.subjects_select(round_=round_, actor=hr)
    services.raters_propose(round_=round_, actor=hr)
    return round_


def demo_rater_link() -> str | None:
    """One rater's link in the open demo round, so a newcomer can try answering."""
    invitation = (
        Invitation.objects.filter(
            round__organisation__slug=DEMO_SLUG,
            round__status=RoundStatus.OPEN,
            group__key=GroupKey.EMPLOYEES,
        )
        .unanswered()
        .exclude(token_hash=None)
        .order_by("pk")
        .first()
    )
    return invitation_link(invitation, settings.KERNE_BASE_URL) if invitation else None
