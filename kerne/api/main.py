"""The REST API: one NinjaAPI at /api/ (OpenAPI at /api/docs), mounting each app's router.

Errors answer in Danish JSON: {"detail": …, "errors": [{"item", "field", "message"}]}.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from kerne.api.auth import ApiTokenAuth
from kerne.results import api as results_api

api = NinjaAPI(
    title="Kerne API",
    version="1",
    description=(
        "Kernes API. Fagsystemer indberetter målinger med en API-nøgle fra HR "
        "(Authorization: Bearer kerne_…); personer læser resultater med deres Kerne-login."
    ),
    urls_namespace="api",
)
api.add_router("/results/", results_api.system_router, auth=ApiTokenAuth())
api.add_router("/results/", results_api.router, auth=django_auth)


def _location(loc: Any) -> tuple[int | None, str]:
    """A pydantic error location as (item number from 1, field name)."""
    parts = [p for p in (loc or []) if p not in ("body", "payload", "query", "path")]
    item = None
    field = ""
    for part in parts:
        if isinstance(part, int) and item is None:
            item = part + 1
        elif isinstance(part, str) and part != "measurements":
            field = part
    return item, field


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return _("The field is missing.")
    if kind in ("json_invalid", "json_type"):
        return _("The body is not valid JSON.")
    if kind.startswith(("string", "int", "float", "decimal", "list", "dict", "model")):
        return _("The field has the wrong type.")
    return _("The value is not valid.")


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        item, field = _location(error.get("loc"))
        where = _("Measurement %(n)s") % {"n": item} if item else ""
        message = _message(error)
        text = ", ".join(part for part in (where, _("field “%(field)s”") % {"field": field} if field else "") if part)
        errors.append({"item": item, "field": field, "message": f"{text}: {message}" if text else message})
    return api.create_response(
        request,
        {"detail": _("The request is not in the expected form – nothing has been changed."), "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _("Not signed in: send a valid API key as “Authorization: Bearer kerne_…”, or sign in to Kerne."),
            "errors": [],
        },
        status=401,
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("You do not have access."), "errors": []}, status=403)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own messages are English; the one a caller meets is an unreadable body.
    detail = _("The body is not valid JSON.") if str(exc).startswith("Cannot parse request body") else str(exc)
    return api.create_response(request, {"detail": detail, "errors": []}, status=exc.status_code)
