"""API authentication: "Authorization: Bearer <key>" with an API key of the organisation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from kerne.api.models import ApiToken
from kerne.api.services import api_token_check


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_check(token.strip())
