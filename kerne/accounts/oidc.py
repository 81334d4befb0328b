"""Single sign-on with OpenID Connect (Microsoft Entra ID, or any other provider), on mozilla-django-oidc.

Switched on by environment variables (see docs/configuration.md and config/settings/base.py):
``KERNE_OIDC_ENABLED`` is true when a client id and either a discovery URL or explicit endpoints
are set. The provider's endpoints come from the settings or, when only
``KERNE_OIDC_OP_DISCOVERY`` is given, from its discovery document (fetched once per process, at
the first SSO sign-in, never at start-up or during password logins).

Who may sign in: a person of the configured organisation, matched by the e-mail claim or by the
employee-number claim. An existing login of that person is used; on the first sign-in a login is
created and linked to the person. Nobody else gets in: the login page explains why in Danish.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kerne.accounts import services
from kerne.accounts.models import User
from kerne.accounts.throttle import client_ip
from kerne.organisation.models import Organisation

log = logging.getLogger(__name__)

# Setting name -> key in the provider's discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@lru_cache(maxsize=4)
def discovery_document(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def oidc_setting(attr: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting; endpoints not set explicitly come from the discovery document."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        url = settings.KERNE_OIDC_OP_DISCOVERY
        if url:
            value = discovery_document(url).get(DISCOVERED[attr])
            if value:
                return value
        if default:
            return default[0]
        if attr == "OIDC_OP_USER_ENDPOINT":
            return ""  # optional: the ID token's claims are enough
        raise ImproperlyConfigured(f"{attr} is not set and not in the discovery document.")
    return import_from_settings(attr, *default)


def oidc_organisation() -> Organisation | None:
    """KERNE_OIDC_ORGANISATION (a slug); without it, the only organisation if there is exactly one."""
    slug = settings.KERNE_OIDC_ORGANISATION
    if slug:
        return Organisation.objects.filter(slug=slug).first()
    only = list(Organisation.objects.all()[:2])
    return only[0] if len(only) == 1 else None


@dataclass(frozen=True)
class ClaimMatch:
    """The outcome of matching a provider's claims: a user to sign in, or the refusal for the page."""

    user: User | None
    refusal: str = ""


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip() if value not in (None, "") else ""


def match_claims(claims: dict[str, Any], organisation: Organisation | None) -> ClaimMatch:
    """Find (or create on first sign-in) the login for these claims. No network; tested with fake claims."""
    if organisation is None:
        return ClaimMatch(None, "no_organisation")
    email = _claim(claims, settings.KERNE_OIDC_EMAIL_CLAIM).lower()
    number = _claim(claims, settings.KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM)
    if not email and not number:
        return ClaimMatch(None, "no_claims")
    person = services.person_match(organisation=organisation, email=email, employee_number=number)
    if person is None and email:
        # A login HR has already linked, whose address differs from the one in the staff list.
        linked = User.objects.filter(email__iexact=email, organisation=organisation, person__active=True).first()
        person = linked.person if linked is not None else None
    if person is None:
        return ClaimMatch(None, "no_person")
    existing = User.objects.filter(person=person).first()
    if existing is None and email:
        existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.organisation_id != organisation.pk or existing.person_id not in (None, person.pk):
            return ClaimMatch(None, "other_account")
        if not existing.is_active:
            return ClaimMatch(None, "inactive")
        if existing.person_id is None:
            existing.person = person
            existing.save(update_fields=["person"])
        return ClaimMatch(existing)
    address = email or person.email
    if not address:
        return ClaimMatch(None, "no_email")
    try:
        user = services.user_create(email=address, organisation=organisation, person=person, actor="SSO (OIDC)")
    except services.AccountError:
        return ClaimMatch(None, "other_account")
    return ClaimMatch(user)


def refusal_message(reason: str) -> str:
    """The Danish explanation on the login page for a refused SSO sign-in."""
    messages_by_reason = {
        "no_person": _(
            "You were signed in with your organisation, but Kerne finds no person with your e-mail address or "
            "employee number in the organisation's staff list. Ask HR to check the staff list."
        ),
        "no_claims": _(
            "The sign-in service sent neither an e-mail address nor an employee number, so Kerne cannot tell who "
            "you are. Ask your IT department to send one of them."
        ),
        "no_email": _("Your person in Kerne has no e-mail address, and the sign-in service sent none. Ask HR."),
        "other_account": _("Your e-mail address belongs to another Kerne account. Ask HR."),
        "inactive": _("Your Kerne account is closed. Ask HR if you need it opened again."),
        "no_organisation": _("Single sign-on is not set up for an organisation yet. Ask your administrator."),
    }
    return messages_by_reason.get(reason, _("Single sign-on failed. Try again, or log in with your password."))


class KerneOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs in people of the organisation only; see match_claims."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Endpoints are resolved when an SSO callback arrives, so password logins never need the provider.
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None
        super().__init__()
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        # Entra ID puts optional claims (such as an employee number) in the ID token, not in userinfo.
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(self.get_userinfo(access_token, id_token, payload))
        return self.user_from_claims(claims)

    def user_from_claims(self, claims: dict[str, Any]) -> User | None:
        match = match_claims(claims, oidc_organisation())
        request = getattr(self, "request", None)
        if request is not None:
            request.kerne_oidc_refusal = match.refusal
            request.kerne_oidc_email = _claim(claims, settings.KERNE_OIDC_EMAIL_CLAIM)
        if match.user is None:
            log.info("SSO sign-in refused: %s", match.refusal)
        return match.user


def _require_enabled() -> None:
    if not settings.KERNE_OIDC_ENABLED:
        raise Http404(_("Single sign-on is not switched on."))


class KerneOIDCRequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider (404 when SSO is off)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Resolved in get(): the provider is asked only when someone actually starts an SSO sign-in.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


class KerneOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: sign in and audit, or back to the login page with the reason."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    @property
    def failure_url(self) -> str:
        return reverse("accounts:login")

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        response: HttpResponse = super().get(request)
        return response

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        services.login_record(user=self.user, method="oidc", ip=client_ip(self.request))
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "kerne_oidc_refusal", "") or "failed"
        services.login_failed_record(
            email=getattr(self.request, "kerne_oidc_email", ""),
            method="oidc",
            ip=client_ip(self.request),
            reason=reason,
        )
        messages.error(self.request, refusal_message(reason))
        return HttpResponseRedirect(self.failure_url)
