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
    },
)

register_detail("person", Detail(_("Employee number")))
register_detail("is_org_admin", Detail(_("HR administrator")))

register("login.succeeded", _("Logged in"), details={"method": METHOD})
register("login.failed", _("Failed login"), details={"method": METHOD, "reason": LOGIN_REASON})
register("logout", _("Logged out"))
register("password_reset.requested", _("Password reset requested"), details={"known": Detail(_("Known account"))})
register("password_reset.completed", _("Password changed via reset link"))
register("user.created", _("User created"))
register("user.role_changed", _("Role changed"), details={"was_org_admin": Detail(_("Was HR administrator"))})
register("user.person_linked", _("User linked to person"), details={"previous": Detail(_("Before"))})
register("user.deactivated", _("User deactivated"))
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
