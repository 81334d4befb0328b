"""Writes to accounts: users, roles, person links, and the audit events of signing in and out.

Every function is one write in one transaction and records an AuditEvent. Account errors are
raised as AccountError with a Danish message for the page; nothing is changed when one is raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kerne.accounts.models import User
from kerne.core.audit import audit_record
from kerne.organisation.models import Organisation, Person


class AccountError(Exception):
    """A refused account change; str(error) is the message for the user."""


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _organisation_admin_count(organisation_id: int) -> int:
    return User.objects.filter(organisation_id=organisation_id, is_org_admin=True, is_active=True).count()


def _require_admin_of(actor: Any, organisation_id: int | None) -> None:
    """Only an active HR administrator of the same organisation (or a superuser) may change accounts."""
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False):
        return
    if not (
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
        and getattr(actor, "is_org_admin", False)
        and organisation_id is not None
        and getattr(actor, "organisation_id", None) == organisation_id
    ):
        raise AccountError(_("Only an HR administrator of the organisation can change its user accounts."))


@transaction.atomic
def user_create(
    *,
    email: str,
    organisation: Organisation,
    actor: Any,
    first_name: str = "",
    last_name: str = "",
    person: Person | None = None,
    password: str | None = None,
    is_org_admin: bool = False,
) -> User:
    """A new login for the organisation. Without a password the account can only use SSO or a reset link.

    `actor` may be a user (checked to be HR of the organisation) or a plain label for system
    work (a command, the demo, the OIDC sign-in that creates the account on first login).
    """
    if getattr(actor, "is_authenticated", False):
        _require_admin_of(actor, organisation.pk)
    address = _normalise_email(email)
    if not address:
        raise AccountError(_("An e-mail address is required."))
    if User.objects.filter(email__iexact=address).exists():
        raise AccountError(_("A user with the e-mail address %(email)s already exists.") % {"email": address})
    if person is not None:
        _check_person_free(person, organisation)
    user = User.objects.create_user(
        address,
        password,
        organisation=organisation,
        first_name=first_name or (person.name.split(" ")[0] if person else ""),
        last_name=last_name or (" ".join(person.name.split(" ")[1:]) if person else ""),
        person=person,
        is_org_admin=is_org_admin,
    )
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        organisation=organisation,
        data={"person": person.employee_number if person else None, "is_org_admin": is_org_admin},
    )
    return user


def _check_person_free(person: Person, organisation: Organisation) -> None:
    if person.organisation_id != organisation.pk:
        raise AccountError(_("The person belongs to another organisation."))
    holder = User.objects.filter(person=person).first()
    if holder is not None:
        raise AccountError(
            _("%(person)s is already linked to the user %(email)s.") % {"person": person.name, "email": holder.email}
        )


@transaction.atomic
def user_set_admin(*, user: User, is_admin: bool, actor: Any) -> User:
    """Grant or remove the HR administrator role. The last administrator cannot be removed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_admin_of(actor, user.organisation_id)
    if user.is_org_admin == is_admin:
        return user
    if not is_admin and user.organisation_id is not None and _organisation_admin_count(user.organisation_id) <= 1:
        raise AccountError(
            _("%(email)s is the organisation's last HR administrator; make someone else administrator first.")
            % {"email": user.email}
        )
    user.is_org_admin = is_admin
    user.save(update_fields=["is_org_admin"])
    audit_record(
        actor=actor,
        action="user.role_changed",
        obj=user,
        organisation=user.organisation,
        data={"is_org_admin": is_admin, "was_org_admin": not is_admin},
    )
    return user


def person_match(*, organisation: Organisation, email: str = "", employee_number: str = "") -> Person | None:
    """The one active person of the organisation with this employee number, else this e-mail address."""
    active = Person.objects.filter(organisation=organisation, active=True)
    number = employee_number.strip()
    if number:
        found = active.filter(employee_number=number).first()
        if found is not None:
            return found
    address = _normalise_email(email)
    if address:
        matches = list(active.filter(email__iexact=address)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


@transaction.atomic
def user_link_person(*, user: User, actor: Any, employee_number: str = "") -> User:
    """Link the user to their person: by employee number when given, else by the user's e-mail address."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if getattr(actor, "is_authenticated", False):
        _require_admin_of(actor, user.organisation_id)
    if user.organisation is None:
        raise AccountError(_("The user belongs to no organisation."))
    person = person_match(organisation=user.organisation, email=user.email, employee_number=employee_number)
    if person is None:
        if employee_number.strip():
            raise AccountError(
                _("No active person has the employee number %(number)s.") % {"number": employee_number.strip()}
            )
        raise AccountError(_("No single active person has the e-mail address %(email)s.") % {"email": user.email})
    if user.person_id == person.pk:
        return user
    _check_person_free(person, user.organisation)
    previous = user.person.employee_number if user.person else None
    user.person = person
    user.save(update_fields=["person"])
    audit_record(
        actor=actor,
        action="user.person_linked",
        obj=user,
        organisation=user.organisation,
        data={"person": person.employee_number, "previous": previous},
    )
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: Any) -> User:
    """Close a login (the account and its history stay). Not yourself, not the last administrator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_admin_of(actor, user.organisation_id)
    if getattr(actor, "pk", None) == user.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return user
    if user.is_org_admin and user.organisation_id is not None and _organisation_admin_count(user.organisation_id) <= 1:
        raise AccountError(_("The organisation's last HR administrator cannot be deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.deactivated", obj=user, organisation=user.organisation)
    user_sessions_end(user_ids=[user.pk], actor=actor, reason="deactivated")
    return user


@transaction.atomic
def user_sessions_end(*, user_ids: Iterable[int], actor: Any, reason: str) -> int:
    """Sign these logins out everywhere, at once (every browser, every device). Returns how many.

    Raising `User.session_generation` changes the hash every session of the login carries, so Django
    treats each of them as signed out at its next request, whatever the session store. `reason`
    ("left": no longer in HR's file; "deactivated": closed by HR) is written to the audit log.
    """
    users = list(User.objects.filter(pk__in=list(user_ids)).select_related("organisation", "person"))
    if not users:
        return 0
    User.objects.filter(pk__in=[u.pk for u in users]).update(session_generation=F("session_generation") + 1)
    for user in users:
        audit_record(
            actor=actor,
            action="user.sessions_ended",
            obj=user,
            organisation=user.organisation,
            data={"reason": reason, "person": user.person.employee_number if user.person else None},
        )
    return len(users)


def sessions_end_for_leavers(*, organisation: Organisation, person_ids: Sequence[int]) -> int:
    """The HR import marked these people as having left: end the sessions of their logins."""
    ids = User.objects.filter(organisation=organisation, person_id__in=list(person_ids)).values_list("pk", flat=True)
    return user_sessions_end(user_ids=ids, actor="HR-import", reason="left")


# --- signing in and out (called by the login, logout, reset and OIDC views) ------------------------


def login_record(*, user: User, method: str, ip: str | None) -> None:
    audit_record(
        actor=user,
        action="login.succeeded",
        obj=user,
        organisation=user.organisation,
        data={"method": method, "ip": ip},
    )


def login_failed_record(
    *, email: str, method: str, ip: str | None, reason: str, organisation: Organisation | None = None
) -> None:
    """A refused sign-in, with the address that was tried (never the password).

    The event belongs to the organisation of the account with that address, so its HR can see
    attempts on their users. Without such an account it belongs to `organisation` when given (single
    sign-on: the organisation SSO is set up for, whose HR must see strangers and failures), else to
    no organisation (a password attempt on an unknown address).
    """
    address = _normalise_email(email)[:254]
    account = User.objects.select_related("organisation").filter(email__iexact=address).first() if address else None
    audit_record(
        actor=address or "?",
        action="login.failed",
        obj=account,
        organisation=account.organisation if account is not None and account.organisation else organisation,
        data={"email": address, "method": method, "ip": ip, "reason": reason},
    )


def logout_record(*, user: User, ip: str | None) -> None:
    audit_record(actor=user, action="logout", obj=user, organisation=user.organisation, data={"ip": ip})


def password_reset_requested_record(*, email: str, ip: str | None, mail: str = "") -> None:
    """`mail`: what happened to the reset mail: "sent", "failed", "pending" (relay busy or down), "none"."""
    address = _normalise_email(email)[:254]
    account = User.objects.select_related("organisation").filter(email__iexact=address).first() if address else None
    audit_record(
        actor=address or "?",
        action="password_reset.requested",
        obj=account,
        organisation=account.organisation if account is not None else None,
        data={"email": address, "ip": ip, "known": account is not None, "mail": mail},
    )


def password_reset_completed_record(*, user: User, ip: str | None) -> None:
    audit_record(
        actor=user, action="password_reset.completed", obj=user, organisation=user.organisation, data={"ip": ip}
    )


def audit_log_export_record(*, actor: User, events: int, filters: dict[str, str]) -> None:
    """HR copied the audit log out of Kerne (it holds personal data): who, how many events, which filter."""
    audit_record(
        actor=actor,
        action="audit_log.exported",
        organisation=actor.organisation,
        data={"events": events, "filter": filters},
        about=None,
    )
