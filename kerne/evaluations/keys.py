"""A round's keys: kept outside the database, destroyed when the round closes (docs/privacy.md).

Each open round has two secrets in a file of its own in the key directory (`KERNE_KEY_DIR`):
- the *link secret* (32 random bytes): rater links are stored only as a keyed hash under it, a
  rater's draft is found and encrypted under keys derived from it and the rater's own link, and
  the links themselves are kept encrypted under it until closing, so reminders can carry them;
- the *private key* of an X25519 key pair: a submitted response is sealed to the public key (kept
  in the database, `Round.public_key`) and can be opened only with this one, at closing.

The key directory is never part of a database backup. At closing the sealed responses are opened
and aggregated, then the file is overwritten and removed: from then on nothing in the database can
be opened or matched to a link, whoever holds a copy of it.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from nacl.public import PrivateKey

SECRET_BYTES = 32
_FILE_BYTES = SECRET_BYTES + 32  # link secret, then the private key


class KeysMissing(Exception):
    """The round's key file is not there (never made here, lost, or the round has closed)."""


@dataclass(frozen=True)
class RoundKeys:
    key_id: str
    link_secret: bytes
    private_key: PrivateKey

    @property
    def public_key_hex(self) -> str:
        return bytes(self.private_key.public_key).hex()


def key_dir() -> Path:
    return Path(settings.KERNE_KEY_DIR)


_KEY_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _path(key_id: str) -> Path:
    if not key_id or not set(key_id) <= _KEY_ID_CHARACTERS:
        raise KeysMissing(key_id)
    return key_dir() / f"round-{key_id}.key"


_cache: dict[str, RoundKeys] = {}
_lock = threading.Lock()


def create(key_id: str) -> RoundKeys:
    """New keys for a round that opens now (its link code as `key_id`), in a file only we can read."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    link_secret = secrets.token_bytes(SECRET_BYTES)
    private_key = PrivateKey.generate()
    path = _path(key_id)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(link_secret + bytes(private_key))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    keys = RoundKeys(key_id, link_secret, private_key)
    with _lock:
        _cache[key_id] = keys
    return keys


def load(key_id: str) -> RoundKeys:
    """The keys of an open round (read once per process, then kept in memory)."""
    with _lock:
        cached = _cache.get(key_id)
    if cached is not None:
        return cached
    try:
        raw = _path(key_id).read_bytes()
    except FileNotFoundError as exc:
        raise KeysMissing(key_id) from exc
    if len(raw) != _FILE_BYTES:
        raise KeysMissing(key_id)
    keys = RoundKeys(key_id, raw[:SECRET_BYTES], PrivateKey(raw[SECRET_BYTES:]))
    with _lock:
        _cache[key_id] = keys
    return keys


def stored_ids() -> list[str]:
    """The key ids with a file in the key directory (for removing keys of rounds no longer open)."""
    directory = key_dir()
    if not directory.exists():
        return []
    return sorted(p.name[len("round-") : -len(".key")] for p in directory.glob("round-*.key"))


def exists(key_id: str) -> bool:
    try:
        return _path(key_id).exists()
    except KeysMissing:
        return False


def destroy(key_id: str) -> bool:
    """Overwrite the key file, flush it to disk and remove it. True if there was one."""
    with _lock:
        _cache.pop(key_id, None)
    try:
        path = _path(key_id)
    except KeysMissing:
        return False
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return False
    with os.fdopen(descriptor, "r+b") as handle:
        handle.write(secrets.token_bytes(_FILE_BYTES))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True
