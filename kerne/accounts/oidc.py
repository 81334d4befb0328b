"""Single sign-on with OpenID Connect (Microsoft Entra ID, or any other provider), on mozilla-django-oidc.

Switched on by environment variables (see docs/configuration.md and config/settings/base.py):
``KERNE_OIDC_ENABLED`` is true when a client id and either a discovery URL or explicit endpoints
are set. The provider's endpoints come from the settings or, when only
``KERNE_OIDC_OP_DISCOVERY`` is given, from its discovery document (fetched once per process, at
the first SSO sign-in, never at start-up or during password logins).

Who may sign in: a person of the configured organisation, matched by the e-mail claim or by the
employee-number claim. An existing login of that person is used; on the first sign-in a login is
created and linked to the person. Nobody else gets in: the login page explains why in Danish, and
the refusal is written to the audit log of that organisation, where HR reads it.

When the sign-in cannot be finished (a stale or tampered callback, a provider that is down or slow,
a token endpoint that fails, a client secret that has expired), `SSOFailure` names what happened:
the person gets a Danish page saying it and what to do, IT gets a log line with the same reference,
and HR's audit log gets the failed sign-in. Every call to the provider has KERNE_OIDC_TIMEOUT.

Logging out of an SSO session also ends the session at the provider (RP-initiated logout, the
provider's `end_session_endpoint`) unless KERNE_OIDC_LOGOUT=kerne; the page after it says which.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
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


BACKEND_PATH = "kerne.accounts.oidc.KerneOIDCBackend"


@lru_cache(maxsize=4)
def discovery_document(url: str) -> dict[str, Any]:
    # Cached once it has been read; a failure is not cached, so the next sign-in asks again.
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT, proxies=settings.OIDC_PROXY)
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
        "declined": _(
            "You did not allow Kerne to receive your name and e-mail address from the sign-in service, so Kerne "
            "cannot tell who you are. Try again and accept, or log in with your e-mail address and password."
        ),
        "not_assigned": _(
            "Your organisation has not given you access to Kerne in its sign-in service. Ask your IT department to "
            "give you access, or log in with your e-mail address and password."
        ),
        "provider_refused": _(
            "The sign-in service did not sign you in. Try again, or log in with your e-mail address and password. "
            "If it goes on, tell your IT department."
        ),
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

    def get_user(self, user_id: Any) -> User | None:
        # As Django's own backend: a closed login is signed out at its next request.
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

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


# --- when the sign-in cannot be finished ----------------------------------------------------------------


class SSOFailure(Exception):
    """A sign-in that could not be finished, by kind (see FAILURES); `technical` is for IT's log only."""

    def __init__(self, kind: str, technical: str) -> None:
        super().__init__(f"{kind}: {technical}")
        self.kind = kind
        self.technical = technical


# kind -> HTTP status of the Danish page
FAILURES = {
    "stale": 400,
    "invalid_token": 502,
    "provider_unreachable": 502,
    "provider_timeout": 504,
    "provider_error": 502,
    "client_rejected": 502,
    "misconfigured": 500,
}


def _token_error(response: requests.Response | None) -> tuple[str, str]:
    """The OAuth error code and description of a provider's error answer, if it sent one."""
    if response is None:
        return "", ""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300]
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error", "")), str(body.get("error_description", ""))[:300]


def failure_of(exc: Exception) -> SSOFailure:
    """Name what an exception from talking to the provider means."""
    if isinstance(exc, SSOFailure):
        return exc
    technical = f"{exc.__class__.__name__}: {exc}"[:600]
    if isinstance(exc, SuspiciousOperation):
        return SSOFailure("invalid_token", technical)  # signature, nonce, algorithm or key of the ID token
    if isinstance(exc, ImproperlyConfigured):
        return SSOFailure("misconfigured", technical)
    if isinstance(exc, requests.Timeout):
        return SSOFailure("provider_timeout", technical)
    if isinstance(exc, requests.HTTPError):
        response = exc.response
        error, description = _token_error(response)
        technical = f"{technical} [{error}: {description}]" if error else technical
        if error in {"invalid_client", "unauthorized_client"} or (response is not None and response.status_code == 401):
            return SSOFailure("client_rejected", technical)  # e.g. Entra's AADSTS7000222: the secret expired
        if error == "invalid_grant":
            return SSOFailure("stale", technical)  # the code expired or was already used
        return SSOFailure("provider_error", technical)
    if isinstance(exc, requests.exceptions.InvalidJSONError | ValueError | KeyError):
        return SSOFailure("provider_error", technical)
    if isinstance(exc, requests.RequestException):
        return SSOFailure("provider_unreachable", technical)
    raise exc


def _failure_text(kind: str) -> tuple[str, str, str]:
    provider = settings.KERNE_OIDC_PROVIDER_NAME
    values = {"provider": provider}
    texts = {
        "stale": (
            _("The sign-in could not be finished"),
            _(
                "The answer from %(provider)s does not belong to a sign-in started in this browser, or it has "
                "already been used: for example after the back button, from a bookmark, or when the sign-in took "
                "too long."
            ),
            _("Start the sign-in again. Nothing has been changed."),
        ),
        "invalid_token": (
            _("Kerne could not verify the answer from %(provider)s"),
            _(
                "The sign-in answer from %(provider)s did not pass Kerne's checks (its signature or its one-time "
                "value), so Kerne did not sign you in."
            ),
            _("Try again. If it happens again, tell your IT department."),
        ),
        "provider_unreachable": (
            _("Kerne could not reach %(provider)s"),
            _(
                "The sign-in service did not answer Kerne: it may be down, or the connection between Kerne and it "
                "is. You have not been signed in."
            ),
            _(
                "Try again in a few minutes, or log in with your e-mail address and password. If it goes on, tell "
                "your IT department."
            ),
        ),
        "provider_timeout": (
            _("%(provider)s did not answer in time"),
            _(
                "Kerne asked %(provider)s to confirm your sign-in, but no answer came in time. "
                "You have not been signed in."
            ),
            _(
                "Try again in a few minutes, or log in with your e-mail address and password. If it goes on, tell "
                "your IT department."
            ),
        ),
        "provider_error": (
            _("%(provider)s reported an error"),
            _(
                "Kerne asked %(provider)s to confirm your sign-in, and it answered with an error. "
                "You have not been signed in."
            ),
            _(
                "Try again in a few minutes, or log in with your e-mail address and password. If it goes on, tell "
                "your IT department."
            ),
        ),
        "client_rejected": (
            _("%(provider)s does not accept Kerne's sign-in"),
            _(
                "%(provider)s refused Kerne's own credentials (the client secret). Usually the secret has expired "
                "and must be renewed. Until then nobody can sign in with %(provider)s."
            ),
            _(
                "Log in with your e-mail address and password in the meantime, and tell your IT department: they "
                "renew the secret in the app registration and in Kerne's settings."
            ),
        ),
        "misconfigured": (
            _("Single sign-on is not set up correctly"),
            _("Kerne's settings for single sign-on are incomplete, so the sign-in could not start."),
            _("Log in with your e-mail address and password, and tell your IT department."),
        ),
    }
    title, happened, todo = texts[kind]
    return title % values, happened % values, todo


def failure_page(request: HttpRequest, failure: SSOFailure) -> HttpResponse:
    """The Danish page for a sign-in that could not be finished; logged for IT, audited for HR."""
    reference = secrets.token_hex(4).upper()
    log.error("SSO sign-in failed [%s] %s: %s", reference, failure.kind, failure.technical)
    services.login_failed_record(
        email="", method="oidc", ip=client_ip(request), reason=failure.kind, organisation=oidc_organisation()
    )
    title, happened, todo = _failure_text(failure.kind)
    context = {
        "title": title,
        "happened": happened,
        "todo": todo,
        "reference": reference,
        "when": timezone.localtime(),
        "retry": failure.kind not in {"client_rejected", "misconfigured"},
        "next": request.session.get("oidc_login_next") or "",
        "provider": settings.KERNE_OIDC_PROVIDER_NAME,
    }
    return render(request, "accounts/sso_error.html", context, status=FAILURES[failure.kind])


# --- the views ------------------------------------------------------------------------------------------------


def _check_redirect_uri(request: HttpRequest, uri: str) -> None:
    """Tell IT when the callback address Kerne sends is not on KERNE_BASE_URL (a proxy setting is missing)."""
    base = urlsplit(settings.KERNE_BASE_URL)
    sent = urlsplit(uri)
    if (sent.scheme, sent.netloc) != (base.scheme, base.netloc):
        log.warning(
            "SSO redirect URI %s is not on KERNE_BASE_URL %s: the provider will refuse it unless it is registered. "
            "Behind a TLS proxy set KERNE_TRUST_X_FORWARDED_PROTO=1 (and pass the Host header on).",
            uri,
            settings.KERNE_BASE_URL,
        )


class KerneOIDCRequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider (404 when SSO is off; a Danish page when the provider is down)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Resolved in get(): the provider is asked only when someone actually starts an SSO sign-in.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        except Exception as exc:
            return failure_page(request, failure_of(exc))
        _check_redirect_uri(request, request.build_absolute_uri(reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)))
        response: HttpResponse = super().get(request)
        return response


# Errors a provider sends back to the callback (RFC 6749 §4.1.2.1), and what Kerne calls them.
def _provider_refusal(error: str, description: str) -> str:
    if "AADSTS50105" in description:  # Entra: the user is not assigned to the application
        return "not_assigned"
    if error in {"access_denied", "consent_required"}:
        return "declined"
    return "provider_refused"


class KerneOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: sign in and audit, or say in Danish what happened (and audit that)."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    @property
    def failure_url(self) -> str:
        return reverse("accounts:login")

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        error = request.GET.get("error", "")
        if error:
            description = request.GET.get("error_description", "")
            request.kerne_oidc_refusal = _provider_refusal(error, description)  # type: ignore[attr-defined]
            log.info("SSO sign-in refused by the provider: %s %s", error, description[:300])
            response: HttpResponse = super().get(request)
            return response
        state = request.GET.get("state", "")
        if "code" not in request.GET or not state or state not in request.session.get("oidc_states", {}):
            return failure_page(request, SSOFailure("stale", f"state {state[:12]!r} not among this session's sign-ins"))
        try:
            response = super().get(request)
        except Exception as exc:
            return failure_page(request, failure_of(exc))
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
            organisation=oidc_organisation(),
        )
        messages.error(self.request, refusal_message(reason))
        return HttpResponseRedirect(self.failure_url)


# --- logging out ----------------------------------------------------------------------------------------------


def signed_in_with_sso(request: HttpRequest) -> bool:
    return bool(request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH)


def end_session_url(request: HttpRequest) -> str:
    """The provider's end-session address for this session (RP-initiated logout), or "" if it has none.

    Raises requests' exceptions when the provider's discovery document cannot be read.
    """
    endpoint = settings.KERNE_OIDC_OP_LOGOUT_ENDPOINT
    if not endpoint and settings.KERNE_OIDC_OP_DISCOVERY:
        endpoint = str(discovery_document(settings.KERNE_OIDC_OP_DISCOVERY).get("end_session_endpoint") or "")
    if not endpoint:
        return ""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:logged_out")),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = str(id_token)
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


@dataclass(frozen=True)
class Logout:
    """How a logout ends: `how` is what the page says; `redirect` the provider's end-session address, if any."""

    how: str  # "password" | "provider" | "kerne_only" | "provider_unreachable"
    redirect: str = ""
    end_session: str = ""  # offered as a link when Kerne logs out only itself


def logout_plan(request: HttpRequest) -> Logout:
    """Decide, before the session is flushed, how this logout also reaches the provider."""
    if not (settings.KERNE_OIDC_ENABLED and signed_in_with_sso(request)):
        return Logout("password")
    try:
        url = end_session_url(request)
    except requests.RequestException as exc:
        log.error("SSO logout: the provider's end-session address could not be read: %s", exc)
        return Logout("provider_unreachable")
    if not url:
        return Logout("kerne_only")
    if settings.KERNE_OIDC_LOGOUT == "kerne":
        return Logout("kerne_only", end_session=url)
    return Logout("provider", redirect=url)
