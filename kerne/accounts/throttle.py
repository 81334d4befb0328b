"""Login throttling with django-axes: how an attempt is keyed (configured in config/settings/base.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The e-mail address tried, lower-cased, so "Hanne@X.dk" and "hanne@x.dk" count as one account."""
    source: Any = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") if source else None
    return str(value).strip().lower() if value else None


def is_single_sign_on(request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
    """An attempt without a user name is a single sign-on callback: django-axes leaves it alone.

    The password form always sends a user name. The provider does the password checking (and its own
    throttling) for SSO; a refused SSO sign-in is recorded in the audit log, not counted for a lockout.
    """
    return attempted_username(request, credentials) is None and "username" not in getattr(request, "POST", {})


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The Danish lockout page (HTTP 429), saying how long to wait."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/lockout.html", context, status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, for throttling and the audit log.

    Behind KERNE_PROXY_COUNT trusted reverse proxies it is the address the outermost of them saw:
    each proxy appends to X-Forwarded-For, so it is that many entries from the right. Entries further
    left were written by the client and are not trusted.
    """
    proxies = settings.KERNE_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
