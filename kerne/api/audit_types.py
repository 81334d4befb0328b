"""The API's audit events: access tokens created and revoked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register

PREFIX = {"prefix": Detail(_("Token (first characters)"))}

register("api_token.created", _("API token created"), details=PREFIX)
register("api_token.revoked", _("API token revoked"), details=PREFIX)
