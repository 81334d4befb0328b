"""Rater links. The token is never stored: only a random salt and the token's SHA-256.

token = HMAC-SHA256(token key, salt) with a 128-bit random salt per invitation, so a reminder can
carry the same link again, while the database alone (without the key) yields no working link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

SALT_BYTES = 16  # 128 bits


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def _key() -> bytes:
    key = getattr(settings, "KERNE_TOKEN_KEY", "") or f"kerne-rater-links:{settings.SECRET_KEY}"
    return key.encode("utf-8")


def token_for(salt: str) -> str:
    digest = hmac.new(_key(), salt.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
