"""Signing in and out, password reset, Min side, HR's user list and audit log, the organisation pages.

Thin: each view asks kerne.accounts.policy who may see what, reads through selectors, and writes
through kerne.accounts.services (which records the audit events).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kerne.accounts import backends, oidc, policy, services
from kerne.accounts.models import User
from kerne.accounts.throttle import client_ip
from kerne.core.mail import Delivery, Outgoing, deliver
from kerne.core.models import AuditEvent
from kerne.organisation import selectors

PAGE_SIZE = 50
log = logging.getLogger(__name__)


def _tenant_id(request: HttpRequest) -> int:
    """The organisation of the logged-in user (pages behind the policy's decorators always have one)."""
    organisation_id = getattr(request.user, "organisation_id", None)
    if not isinstance(organisation_id, int):
        raise PermissionDenied(_("Only HR administrators of the organisation can open this page."))
    return organisation_id


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), *items]


# --- signing in and out ----------------------------------------------------------------------------


class EmailAuthenticationForm(AuthenticationForm):
    """Addresses are stored lower-case; "Eva@Aby.dk" is the same login as "eva@aby.dk"."""

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()


class LoginView(auth_views.LoginView):
    """E-mail and password (throttled by django-axes); the SSO button when OIDC is on."""

    template_name = "accounts/login.html"
    form_class = EmailAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.KERNE_OIDC_ENABLED
        context["oidc_provider"] = settings.KERNE_OIDC_PROVIDER_NAME
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_record(user=form.get_user(), method="password", ip=client_ip(self.request))
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        locked_out = bool(getattr(self.request, "axes_locked_out", False))
        services.login_failed_record(
            email=str(form.data.get("username", "")),
            method="password",
            ip=client_ip(self.request),
            reason="locked_out" if locked_out else "invalid_credentials",
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Ends Kerne's session and, after single sign-on, the provider's too (RP-initiated logout).

    Then the logged-out page says what happened: logged out of Kerne only, or of the provider as well.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plan = oidc.logout_plan(request)
        if request.user.is_authenticated:
            services.logout_record(user=request.user, ip=client_ip(request))
        auth_logout(request)
        # The new, anonymous session carries what the page after the logout must say.
        request.session[LOGGED_OUT_KEY] = plan.how
        if plan.end_session:
            request.session[END_SESSION_KEY] = plan.end_session
        return redirect(plan.redirect or reverse("accounts:logged_out"))


LOGGED_OUT_KEY = "kerne_logged_out"
END_SESSION_KEY = "kerne_end_session"


def logged_out_view(request: HttpRequest) -> HttpResponse:
    """After logging out (and, after single sign-on, the provider's end-session): what happened."""
    how = request.session.pop(LOGGED_OUT_KEY, "")
    end_session = request.session.pop(END_SESSION_KEY, "")
    if request.user.is_authenticated:
        how = "still_in"
    return render(
        request,
        "accounts/logged_out.html",
        {"how": how, "end_session": end_session, "provider": settings.KERNE_OIDC_PROVIDER_NAME},
    )


class KernePasswordResetForm(PasswordResetForm):
    """Django's reset form, sending through kerne.core.mail so Kerne knows whether the mail went out.

    Django's own form logs a failed mail and carries on, so the page said "Tjek din e-mail" while
    nothing was sent. Here `save()` keeps the `Delivery`, and the view says what really happened.
    """

    delivery: Delivery

    def get_users(self, email: str) -> Iterator[Any]:
        # The same rule as signing in: nobody who has left the organisation gets a reset link.
        return (user for user in super().get_users(email) if backends.may_sign_in(user))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        self._outgoing.append(
            Outgoing(
                to=to_email,
                subject=render_to_string(subject_template_name, context),
                text=render_to_string(email_template_name, context),
                html=render_to_string(html_email_template_name, context) if html_email_template_name else "",
            )
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._outgoing: list[Outgoing] = []
        super().save(*args, **kwargs)
        # Someone waits for the page: one try, no back-off (the connection has KERNE_EMAIL_TIMEOUT).
        self.delivery = deliver(self._outgoing, retries=0)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = KernePasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        assert isinstance(form, KernePasswordResetForm)
        form.save(
            use_https=self.request.is_secure(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            # Links in e-mails use the public address, not whatever Host header the request carried.
            extra_email_context={"base_url": settings.KERNE_BASE_URL},
        )
        delivery = form.delivery
        outcome = _reset_outcome(delivery)
        services.password_reset_requested_record(
            email=form.cleaned_data["email"], ip=client_ip(self.request), mail=outcome
        )
        if outcome in {"sent", "none"}:
            # The same page whether or not the address has an account, so nobody can test addresses.
            return redirect(self.get_success_url())
        log.error(
            "Password reset mail not sent (%s): %s",
            outcome,
            "; ".join(reason for _to, reason in delivery.pending)
            or "; ".join(reason for _to, reason in delivery.failed),
        )
        [result] = delivery.results
        context = self.get_context_data(form=form)
        context.update({"mail_failure": result.reason, "mail_pending": outcome == "pending"})
        return self.render_to_response(context)


def _reset_outcome(delivery: Delivery) -> str:
    if not delivery.results:
        return "none"  # no account (or one that cannot use a password): nothing to send
    if delivery.all_sent:
        return "sent"
    return "pending" if delivery.pending else "failed"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        services.password_reset_completed_record(user=form.user, ip=client_ip(self.request))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- HR: users --------------------------------------------------------------------------------------


@policy.org_admin_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    """The organisation's logins with role and linked person (fixed number of queries per page)."""
    users = User.objects.filter(organisation_id=_tenant_id(request)).select_related("person").order_by("email")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("side"))
    person_ids = [u.person_id for u in page.object_list if u.person_id]
    leader_ids = set(selectors.leaders(request.user).filter(pk__in=person_ids).values_list("pk", flat=True))
    rows = []
    for account in page.object_list:
        if account.is_org_admin:
            role = _("HR administrator")
        elif account.person_id is None:
            role = _("No person linked")
        elif account.person_id in leader_ids:
            role = _("Leader")
        else:
            role = _("Employee")
        rows.append({"user": account, "role": role})
    return render(
        request,
        "accounts/user_list.html",
        {"rows": rows, "page": page, "crumbs": _crumbs((None, _("Users")))},
    )


@require_POST
@policy.org_admin_required
def user_set_admin_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk, organisation_id=_tenant_id(request))
    make_admin = request.POST.get("is_admin") == "1"
    try:
        services.user_set_admin(user=account, is_admin=make_admin, actor=request.user)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        if make_admin:
            messages.success(request, _("%(email)s is now an HR administrator.") % {"email": account.email})
        else:
            messages.success(request, _("%(email)s is no longer an HR administrator.") % {"email": account.email})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("accounts:users")
    return redirect(target)


# --- HR: audit log ------------------------------------------------------------------------------------

ACTION_LABELS = {
    "login.succeeded": gettext_lazy("Logged in"),
    "login.failed": gettext_lazy("Failed login"),
    "logout": gettext_lazy("Logged out"),
    "password_reset.requested": gettext_lazy("Password reset requested"),
    "password_reset.completed": gettext_lazy("Password changed via reset link"),
    "user.created": gettext_lazy("User created"),
    "user.role_changed": gettext_lazy("Role changed"),
    "user.person_linked": gettext_lazy("User linked to person"),
    "user.deactivated": gettext_lazy("User deactivated"),
    "user.sessions_ended": gettext_lazy("Signed out everywhere"),
    "organisation.created": gettext_lazy("Organisation created"),
    "framework.imported": gettext_lazy("Framework imported"),
    "framework.updated": gettext_lazy("Framework updated"),
    "role_level_mapping.set": gettext_lazy("Role level mapping changed"),
}


DETAIL_LABELS = {
    "email": gettext_lazy("E-mail address"),
    "ip": gettext_lazy("IP address"),
    "method": gettext_lazy("How"),
    "reason": gettext_lazy("Reason"),
    "is_org_admin": gettext_lazy("HR administrator"),
    "was_org_admin": gettext_lazy("Was HR administrator"),
    "person": gettext_lazy("Employee number"),
    "previous": gettext_lazy("Before"),
    "known": gettext_lazy("Known account"),
    "changed": gettext_lazy("Changed"),
    "mail": gettext_lazy("E-mail"),
}

VALUE_LABELS = {
    "password": gettext_lazy("password"),
    "oidc": gettext_lazy("single sign-on"),
    "invalid_credentials": gettext_lazy("wrong e-mail address or password"),
    "locked_out": gettext_lazy("locked after too many attempts"),
    "no_person": gettext_lazy("no person in the staff list"),
    "no_claims": gettext_lazy("no e-mail address or employee number from the sign-in service"),
    "no_email": gettext_lazy("no e-mail address"),
    "other_account": gettext_lazy("the address belongs to another account"),
    "inactive": gettext_lazy("closed account"),
    "no_organisation": gettext_lazy("single sign-on not set up"),
    "failed": gettext_lazy("the sign-in service reported an error"),
    "left": gettext_lazy("no longer in HR's staff list"),
    "declined": gettext_lazy("the person did not allow the sign-in service to share their details"),
    "not_assigned": gettext_lazy("not given access to Kerne in the sign-in service"),
    "provider_refused": gettext_lazy("refused by the sign-in service"),
    "stale": gettext_lazy("an expired or already used sign-in answer"),
    "invalid_token": gettext_lazy("the sign-in service's answer could not be verified"),
    "provider_unreachable": gettext_lazy("the sign-in service could not be reached"),
    "provider_timeout": gettext_lazy("the sign-in service did not answer in time"),
    "provider_error": gettext_lazy("the sign-in service answered with an error"),
    "client_rejected": gettext_lazy("the sign-in service refused Kerne's client secret"),
    "misconfigured": gettext_lazy("single sign-on is not set up correctly"),
    "deactivated": gettext_lazy("the login was closed"),
}


# Values whose meaning depends on the key they stand under.
KEY_VALUE_LABELS = {
    ("mail", "sent"): gettext_lazy("sent"),
    ("mail", "failed"): gettext_lazy("could not be sent"),
    ("mail", "pending"): gettext_lazy("not sent: the mail server was busy or could not be reached"),
    ("mail", "none"): gettext_lazy("none (no account with a password)"),
}


def _detail_value(value: Any, key: str = "") -> str:
    if isinstance(value, str) and (key, value) in KEY_VALUE_LABELS:
        return str(KEY_VALUE_LABELS[(key, value)])
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_detail_value(item)}" for key, item in value.items())
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def audit_details(data: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's data as (Danish label, value) pairs; unknown keys are shown as they are."""
    return [
        (str(DETAIL_LABELS.get(key, key)), _detail_value(value, key))
        for key, value in sorted(data.items())
        if value not in (None, "")
    ]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From date"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To date"), required=False)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labelled = sorted(((a, str(ACTION_LABELS.get(a, a))) for a in actions), key=lambda c: c[1])
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("All actions")), *labelled]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", _("The to date must not be before the from date."))
        return cleaned


def _filtered_events(events: QuerySet[AuditEvent], form: AuditFilterForm) -> QuerySet[AuditEvent]:
    if not form.is_valid():
        return events  # the errors are shown above the list; nothing is filtered by bad input
    data = form.cleaned_data
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["date_from"]:
        events = events.filter(created_at__date__gte=data["date_from"])
    if data["date_to"]:
        events = events.filter(created_at__date__lte=data["date_to"])
    return events


@policy.org_admin_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log, newest first, filtered by action and date (fixed queries)."""
    events = AuditEvent.objects.filter(organisation_id=_tenant_id(request))
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actions=actions)
    page = Paginator(_filtered_events(events, form), PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    rows = [
        {
            "event": event,
            "label": ACTION_LABELS.get(event.action, event.action),
            "details": audit_details(event.data),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "crumbs": _crumbs((None, _("Audit log"))),
        },
    )


# --- the organisation -----------------------------------------------------------------------------------


@login_required
def unit_tree_view(request: HttpRequest) -> HttpResponse:
    """HR: the whole unit tree. A leader: the subtree of their own unit. An employee: their own unit."""
    unit_list = list(selectors.units_with_people_count(policy.visible_units(request.user)).order_by("path"))
    return render(
        request,
        "accounts/unit_tree.html",
        {
            "tree": selectors.build_unit_tree(unit_list),
            "unit_count": len(unit_list),
            "people_count": sum(u.people_count for u in unit_list),  # type: ignore[attr-defined]
            "is_admin": policy.is_org_admin(request.user),
            "crumbs": _crumbs((None, _("Organisation"))),
        },
    )


@login_required
def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One unit with its people (name, role level, manager, start date) and visible sub-units."""
    unit = get_object_or_404(selectors.units(request.user), pk=pk)
    visible = policy.visible_units(request.user)
    if not visible.filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You do not have access to this unit."))
    ancestors = selectors.unit_ancestors(request.user, unit)
    visible_ancestor_ids = set(visible.filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    children = list(selectors.units_with_people_count(visible.filter(parent_id=unit.pk)).order_by("name"))
    positions = list(selectors.unit_positions(request.user, unit))
    tree_url = reverse("accounts:units")
    crumbs = _crumbs(
        (tree_url, _("Organisation")),
        *[(reverse("accounts:unit", args=[a.pk]), a.name) for a in ancestors if a.pk in visible_ancestor_ids],
        (None, unit.name),
    )
    return render(
        request,
        "accounts/unit_detail.html",
        {"unit": unit, "children": children, "positions": positions, "crumbs": crumbs},
    )
