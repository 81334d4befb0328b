"""Rater links, and the keys derived from them (docs/privacy.md).

A link is `<round code>.<secret>`: the round's public code (random, says nothing about anyone) and
256 random bits. The database keeps a link only as
- its keyed hash under the round's link secret (to find the invitation when the link is used), and
- the link itself encrypted under the round's link secret (so a reminder can carry it again),
and both go when the round closes, when its link secret is destroyed. A rater's draft is stored
under an id and encrypted with a key that both need the link *and* the round's link secret, so
neither a stolen link nor a copy of the database alone can find or read it.

Pure: no database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from nacl.secret import SecretBox

CODE_LENGTH = 8
SECRET_LENGTH = 43  # 32 random bytes, base64url without padding
_CODE_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = set(string.ascii_letters + string.digits + "-_")


def new_round_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token(round_code: str) -> str:
    return f"{round_code}.{secrets.token_urlsafe(32)}"


def round_code_of(token: str) -> str | None:
    """The round code of a well-formed link, else None (nothing else is looked at)."""
    code, dot, secret = token.partition(".")
    if not dot or len(code) != CODE_LENGTH or len(secret) != SECRET_LENGTH:
        return None
    if not all(c in _CODE_ALPHABET for c in code) or not set(secret) <= _SECRET_ALPHABET:
        return None
    return code


def _derive(link_secret: bytes, label: bytes, data: bytes = b"") -> bytes:
    """A 32-byte key or id for `label`, keyed by the round's link secret (keyed BLAKE2b, a PRF)."""
    return hashlib.blake2b(data, key=link_secret, person=label, digest_size=32).digest()


def token_hash(link_secret: bytes, token: str) -> str:
    return hmac.new(link_secret, token.encode("ascii"), hashlib.sha256).hexdigest()


def seal_token(link_secret: bytes, token: str) -> bytes:
    return bytes(SecretBox(_derive(link_secret, b"kerne-link-seal")).encrypt(token.encode("ascii")))


def open_token(link_secret: bytes, sealed: bytes) -> str:
    return SecretBox(_derive(link_secret, b"kerne-link-seal")).decrypt(bytes(sealed)).decode("ascii")


def draft_id(link_secret: bytes, token: str) -> str:
    return _derive(link_secret, b"kerne-draft-id", token.encode("ascii")).hex()


def draft_box(link_secret: bytes, token: str) -> SecretBox:
    return SecretBox(_derive(link_secret, b"kerne-draft-key", token.encode("ascii")))
