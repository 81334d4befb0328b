"""The one permission policy. Every page, service and API that decides who may see what asks here.

Each app that has rights of its own keeps them in one access module built on this one
(kerne.evaluations.access: running rounds and rater changes; kerne.reports.access: who reads which
report; kerne.results.access; kerne.development.access); pages, services, exports and the API ask
that module, and nothing else re-implements a rule.

The rules (DESIGN.md §8, issue 3):

1. Tenant first. A user belongs to one organisation (``User.organisation``). Nothing of another
   organisation is ever visible: every function below starts from the user's organisation, and a
   user without one (or an anonymous visitor) sees nothing.
2. Roles. *HR administrator* (HR / ledelsesudvikling) is stored: ``User.is_org_admin``, and counts
   only with an organisation. *Leader* and *employee* are derived from the person the user is
   linked to (``User.person``): a leader's current position has a role level that leads others
   (``OrgRoleLevel.is_leader``) or someone's current position names them as manager; everybody
   else with a current position is an employee.
3. Organisation (``visible_units``, ``visible_people``). HR sees the whole organisation. A leader
   sees the subtree of the unit of their current position. An employee sees their own unit. People
   are visible when their current position is in a visible unit; everyone sees themselves; HR also
   sees people without a current position (history is kept, nobody is deleted).
4. Result follow-up (``result_insight_people``): Hjørring's direktionsmodel (seed 001) says every
   level "har indsigt i, hvad der foregår to niveauer fra en selv – både udad og opad". So a user
   has insight in themselves, the people up to two levels down their own management line
   (reports and the reports' reports) and up to two levels up (their manager and the manager's
   manager), following ``Position.manager`` of current positions. Colleagues beside the line
   (peers, other branches) are outside it. HR administrators see all of their organisation.
5. The team's own translation (issue 12 §3, ``can_accept_translation``, ``can_propose_translation``,
   ``translation_units``). Only the unit's leader (a leader whose current position is in that unit)
   accepts, edits or declines its translations; every member of the unit (current position in it)
   may propose wording. A user reads the translations of their own unit and the units above it; a
   leader also those of the units below their own (their visible subtree); HR all of the
   organisation, for the counts page. Anyone else reads none.
6. Private self-reflection (issue 12 §4, ``owns_reflection``). A reflection belongs to the login that
   wrote it, not to a person (so re-linking a login to someone else's person moves nothing): only
   that login reads it. No role, HR included, reads another's reflection or anything counted from it.
7. The direktion (``direktion_unit``): the people at the role level direktør or above (the
   organisation's highest leading level when it has no "direktoer" level). Each sees the picture
   of development needs for their own part of the organisation.
8. Pages. ``org_admin_required`` and ``leader_or_admin_required`` send anonymous visitors to the
   login page and answer a logged-in user without the right with a Danish 403 page (never a
   redirect back to the login page, which would loop).

Each function costs a small, fixed number of queries; the QuerySets are lazy and can be combined.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kerne.accounts.models import User
from kerne.organisation import selectors
from kerne.organisation.models import Organisation, OrgRoleLevel, Person, Unit

# How far result follow-up reaches along the chain ("to niveauer").
INSIGHT_LEVELS = 2


def _member(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "organisation_id", None) is not None
    )


def organisation_of(user: Any) -> Organisation | None:
    """The user's organisation; None for anonymous visitors and users without one."""
    if not _member(user):
        return None
    return cast(Organisation, user.organisation)


def person_of(user: Any) -> Person | None:
    """The person the user is linked to, only when it belongs to the user's own organisation."""
    if not _member(user) or user.person_id is None:
        return None
    person = cast(Person, user.person)
    return person if person.organisation_id == user.organisation_id else None


def is_org_admin(user: Any) -> bool:
    """HR administrator of their organisation."""
    return _member(user) and bool(user.is_org_admin)


def is_leader(user: Any) -> bool:
    """The user's person leads others (by role level or by having direct reports)."""
    return selectors.is_leader(user, person_of(user)) if _member(user) else False


DIREKTION_LEVEL = "direktoer"


def direktion_rank(organisation_id: int) -> int | None:
    """The lowest role level rank of the direktion: the level "direktoer" (so direktør and
    kommunaldirektør), or in an organisation without it its highest leading level (1 query)."""
    levels = list(
        OrgRoleLevel.objects.filter(organisation_id=organisation_id, is_leader=True).values_list("key", "rank")
    )
    named = [rank for key, rank in levels if key == DIREKTION_LEVEL]
    if named:
        return named[0]
    return max((rank for _key, rank in levels), default=None)


def direktion_unit(user: Any) -> Unit | None:
    """The unit a member of the direktion leads, or None for anyone else (2 queries).

    The direktion is the people whose current position is at the level direktør or above; each sees
    the picture of development needs for their own part of the organisation: their unit's subtree.
    """
    person = person_of(user)
    position = selectors.current_position(user, person)
    if position is None or not position.role_level.is_leader:
        return None
    lowest = direktion_rank(position.organisation_id)
    return position.unit if lowest is not None and position.role_level.rank >= lowest else None


def role_label(user: Any) -> str:
    """The user's role as shown on pages: HR administrator, leader or employee."""
    if is_org_admin(user):
        return _("HR administrator")
    if is_leader(user):
        return _("Leader")
    if person_of(user) is not None:
        return _("Employee")
    return _("No person linked")


def visible_units(user: Any) -> QuerySet[Unit]:
    """HR: the whole organisation. Leader: the subtree of their current unit. Employee: their unit."""
    if is_org_admin(user):
        return selectors.units(user)
    person = person_of(user)
    position = selectors.current_position(user, person)
    if person is None or position is None:
        return Unit.objects.none()
    if selectors.is_leader(user, person):
        return selectors.unit_subtree(user, position.unit)
    return selectors.units(user).filter(pk=position.unit_id)


def visible_people(user: Any) -> QuerySet[Person]:
    """People whose current position is in a visible unit, plus the user's own person.

    HR sees every person of the organisation, also those without a current position (people who left).
    """
    if is_org_admin(user):
        return selectors.people(user)
    person = person_of(user)
    if person is None:
        return Person.objects.none()
    return selectors.people_in_units(user, visible_units(user)) | selectors.people(user).filter(pk=person.pk)


def can_view_person(user: Any, person: Person) -> bool:
    if not _member(user) or person.organisation_id != user.organisation_id:
        return False
    return visible_people(user).filter(pk=person.pk).exists()


def can_view_unit(user: Any, unit: Unit) -> bool:
    if not _member(user) or unit.organisation_id != user.organisation_id:
        return False
    return visible_units(user).filter(pk=unit.pk).exists()


def result_insight_people(user: Any) -> QuerySet[Person]:
    """Whose results the user may follow: themselves and two levels down and up their own line."""
    if is_org_admin(user):
        return selectors.people(user)
    person = person_of(user)
    if person is None:
        return Person.objects.none()
    below = selectors.people_below(user, person, INSIGHT_LEVELS).values("pk")
    above = selectors.people_above(user, person, INSIGHT_LEVELS).values("pk")
    return selectors.people(user).filter(Q(pk=person.pk) | Q(pk__in=below) | Q(pk__in=above))


def can_view_results_of(user: Any, person: Person) -> bool:
    if not _member(user) or person.organisation_id != user.organisation_id:
        return False
    return result_insight_people(user).filter(pk=person.pk).exists()


def actor_of(request: HttpRequest) -> User:
    """The signed-in user acting in a request (pages behind a login decorator); PermissionDenied
    for anyone else. Services take `actor: User`; this is how a view hands it over."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


# --- the team's own translation and private reflection (issue 12) ------------------------------


def own_unit(user: Any) -> Unit | None:
    """The unit of the user's current position (None without a person or position)."""
    person = person_of(user)
    position = selectors.current_position(user, person)
    return position.unit if position is not None else None


def can_propose_translation(user: Any, unit: Unit) -> bool:
    """Members of the unit (current position in it) propose wording."""
    if not _member(user) or unit.organisation_id != user.organisation_id:
        return False
    person = person_of(user)
    return person is not None and selectors.current_positions(user).filter(person=person, unit=unit).exists()


def can_accept_translation(user: Any, unit: Unit) -> bool:
    """Only the unit's leader: a leader whose current position is in the unit."""
    return can_propose_translation(user, unit) and is_leader(user)


def translation_units(user: Any) -> QuerySet[Unit]:
    """Whose translations the user reads: HR all; others their own unit and the units above it, and a
    leader also their subtree."""
    if is_org_admin(user):
        return selectors.units(user)
    unit = own_unit(user)
    if unit is None:
        return Unit.objects.none()
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    return selectors.units(user).filter(Q(pk__in=above) | Q(pk__in=visible_units(user).values("pk")))


def owns_reflection(user: Any, owner_id: int | None) -> bool:
    """A private reflection is read by the login that wrote it, and by nobody else."""
    return _member(user) and owner_id is not None and user.pk == owner_id


# --- view decorators ---------------------------------------------------------------------------

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _guard(check: Callable[[Any], bool], reason: Callable[[], str]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(reason())
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator


def org_admin_required(view: View) -> View:
    """Only the organisation's HR administrators; others get the Danish 403 page."""
    return _guard(is_org_admin, lambda: _("Only HR administrators of the organisation can open this page."))(view)


def leader_or_admin_required(view: View) -> View:
    """Leaders and HR administrators; employees get the Danish 403 page."""
    return _guard(
        lambda user: is_org_admin(user) or is_leader(user),
        lambda: _("Only leaders and HR administrators can open this page."),
    )(view)
