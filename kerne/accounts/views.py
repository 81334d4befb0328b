"""Signing in and out, password reset, HR's user list, the organisation pages (the audit log: views_audit).

Thin: each view asks kerne.accounts.policy who may see what, reads through selectors, and writes
through kerne.accounts.services (which records the audit events).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import backends, oidc, policy, services
from kerne.accounts.models import User
from kerne.accounts.throttle import client_ip
from kerne.core.mail import Delivery, Outgoing, deliver
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
