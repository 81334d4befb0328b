"""The accounts app's audit events: signing in and out, logins and roles, the audit log itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register, register_detail

METHOD = Detail(_("How"), values={"password": _("password"), "oidc": _("single sign-on")})
LOGIN_REASON = Detail(
    _("Reason"),
    values={
        "invalid_credentials": _("wrong e-mail address or password"),
        "locked_out": _("locked after too many attempts"),
        "no_person": _("no person in the staff list"),
        "no_claims": _("no e-mail address or employee number from the sign-in service"),
        "no_email": _("no e-mail address"),
        "other_account": _("the address belongs to another account"),
        "inactive": _("closed account"),
        "no_organisation": _("single sign-on not set up"),
        "failed": _("the sign-in service reported an error"),
        "left": _("no longer in HR's staff list"),
        "declined": _("the person did not allow the sign-in service to share their details"),
        "not_assigned": _("not given access to Kerne in the sign-in service"),
        "provider_refused": _("refused by the sign-in service"),
        "stale": _("an expired or already used sign-in answer"),
        "invalid_token": _("the sign-in service's answer could not be verified"),
        "provider_unreachable": _("the sign-in service could not be reached"),
        "provider_timeout": _("the sign-in service did not answer in time"),
        "provider_error": _("the sign-in service answered with an error"),
        "client_rejected": _("the sign-in service refused Kerne's client secret"),
        "misconfigured": _("single sign-on is not set up correctly"),
        "deactivated": _("the login was closed"),
    },
)
# Why every session of a login was ended (kerne.accounts.services.sessions_end).
SESSIONS_REASON = Detail(
    _("Reason"), values={"left": _("no longer in HR's staff list"), "deactivated": _("the login was closed")}
)
RESET_MAIL = Detail(
    _("E-mail"),
    values={
        "sent": _("sent"),
        "failed": _("could not be sent"),
        "pending": _("not sent: the mail server was busy or could not be reached"),
        "none": _("none (no account with a password)"),
    },
)

register_detail("person", Detail(_("Employee number")))
register_detail("is_org_admin", Detail(_("HR administrator")))

register("login.succeeded", _("Logged in"), details={"method": METHOD})
register("login.failed", _("Failed login"), details={"method": METHOD, "reason": LOGIN_REASON})
register("logout", _("Logged out"))
register(
    "password_reset.requested",
    _("Password reset requested"),
    details={"known": Detail(_("Known account")), "mail": RESET_MAIL},
)
register("password_reset.completed", _("Password changed via reset link"))
register("user.created", _("User created"))
register("user.role_changed", _("Role changed"), details={"was_org_admin": Detail(_("Was HR administrator"))})
register("user.person_linked", _("User linked to person"), details={"previous": Detail(_("Before"))})
register("user.deactivated", _("User deactivated"))
register("user.sessions_ended", _("Signed out everywhere"), details={"reason": SESSIONS_REASON})
register(
    "audit_log.exported",
    _("Audit log exported"),
    details={
        "events": Detail(_("Events")),
        "filter": Detail(
            _("Filter"),
            values={
                "action": _("Action"),
                "actor": _("Done by"),
                "about": _("Concerning"),
                "date_from": _("From date"),
                "date_to": _("To date"),
            },
        ),
    },
)
