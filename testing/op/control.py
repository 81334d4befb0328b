"""The test provider's knobs: users and their claims, the client, and failure modes (JSON under /_test/)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from testing.op import CLIENT_ID, DEFAULT_SECRET

_lock = threading.Lock()
# Claims that Django's User has no field for (Entra's optional `employeeid`), by username.
EXTRA: dict[str, dict[str, Any]] = {}
MODE: dict[str, Any] = {}


def _reset_mode() -> None:
    MODE.clear()
    MODE.update({"token": "ok", "slow_seconds": 5.0, "claims_in_id_token": True})


_reset_mode()


def _claims_of(user: Any) -> dict[str, Any]:
    extra = EXTRA.get(user.username, {})
    claims = {"preferred_username": user.username, **extra}
    return {k: v for k, v in claims.items() if v not in (None, "")}


def id_token_claims(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    """Like Entra: the e-mail, name and the optional employeeid claim in the ID token (unless switched off)."""
    if MODE["claims_in_id_token"]:
        id_token.update(_claims_of(user))
    else:
        for claim in ("email", "email_verified", "name", "given_name", "family_name", "preferred_username"):
            id_token.pop(claim, None)
    if not user.email:
        id_token.pop("email", None)
    return id_token


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["email"] = user.email or None
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}".strip()
    return claims


class FailureModes:
    """Make the token endpoint fail like a real provider: 500, slow, or an expired client secret."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.rstrip("/").endswith("/openid/token"):
            mode = MODE["token"]
            if mode == "error":
                return HttpResponse("<h1>Server Error (500)</h1>", status=500)
            if mode == "slow":
                time.sleep(float(MODE["slow_seconds"]))
            if mode == "expired_secret":
                return JsonResponse(
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000222: The provided client secret keys for app 'kerne' "
                        "are expired.",
                    },
                    status=401,
                )
        return self.get_response(request)


def _client() -> Any:
    from oidc_provider.models import Client, ResponseType

    client, created = Client.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={"name": "Kerne", "client_type": "confidential", "client_secret": DEFAULT_SECRET, "jwt_alg": "RS256"},
    )
    if created:
        client.response_types.add(ResponseType.objects.get(value="code"))
    return client


@csrf_exempt
def control(request: HttpRequest, action: str) -> HttpResponse:
    if request.headers.get("X-Test-Key") != settings.CONTROL_KEY or request.method != "POST":
        return HttpResponse(status=403)
    data = json.loads(request.body or b"{}")
    with _lock:
        if action == "reset":
            from oidc_provider.models import Code, Token, UserConsent

            UserConsent.objects.all().delete()
            Token.objects.all().delete()
            Code.objects.all().delete()
            User.objects.all().delete()
            EXTRA.clear()
            _reset_mode()
            client = _client()
            client.client_secret = DEFAULT_SECRET
            client.require_consent = False
            client.reuse_consent = True
            client.redirect_uris = []
            client.post_logout_redirect_uris = []
            client.save()
        elif action == "user":
            user, _created = User.objects.get_or_create(username=data["username"])
            user.set_password(data["password"])
            user.email = data.get("email", "")
            user.first_name = data.get("given_name", "")
            user.last_name = data.get("family_name", "")
            user.save()
            EXTRA[user.username] = {"employeeid": data.get("employeeid")}
        elif action == "client":
            client = _client()
            for name in ("redirect_uris", "post_logout_redirect_uris", "require_consent", "client_secret"):
                if name in data:
                    setattr(client, name, data[name])
            client.save()
        elif action == "mode":
            MODE.update(data)
        else:
            return HttpResponse(status=404)
    return JsonResponse({"ok": True})
