"""Creating, revoking and checking API keys. Each write records its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.api.models import ApiToken
from kerne.core.audit import audit_record
from kerne.organisation.models import Organisation

PREFIX = "kerne_"
# Writing "last used" on every request would turn each read into a write; once a minute is enough.
TOUCH_EVERY = dt.timedelta(minutes=1)


class ApiTokenError(Exception):
    """A key that cannot be created or revoked (Danish message)."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Created:
    token: ApiToken
    key: str  # shown to HR once, never stored


def api_token_create(*, organisation: Organisation, name: str, actor: Any) -> Created:
    if not policy.is_org_admin(actor) or actor.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only HR administrators of the organisation can create API keys."))
    name = name.strip()
    if not name:
        raise ApiTokenError(_("Give the key a name: which system uses it."))
    prefix = secrets.token_hex(6)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organisation=organisation, name=name[:120], prefix=prefix, token_hash=_hash(key), created_by=actor
    )
    audit_record(actor=actor, action="api_token.created", obj=token, organisation=organisation, data={"prefix": prefix})
    return Created(token, key)


def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    if not policy.is_org_admin(actor) or actor.organisation_id != token.organisation_id:
        raise PermissionDenied(_("Only HR administrators of the organisation can revoke API keys."))
    if token.revoked_at is not None:
        raise ApiTokenError(_("The key has already been revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        organisation=token.organisation,
        data={"prefix": token.prefix},
    )
    return token


def api_token_check(key: str) -> ApiToken | None:
    """The active key this is, or None. Compares hashes in constant time; notes when it was used."""
    if not key.startswith(PREFIX):
        return None
    prefix, _sep, _rest = key[len(PREFIX) :].partition("_")
    token = ApiToken.objects.select_related("organisation").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.token_hash, _hash(key)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
