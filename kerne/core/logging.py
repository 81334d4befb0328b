"""Log hygiene: a rater's link never reaches a log line (docs/privacy.md).

The link in an invitation (`/svar/<round code>.<secret>/`) is the rater's key. It is requested
once and then replaced by an address without it, but Django logs that one request when it fails
(404, 410, 429) and `runserver` logs every request. `HideRaterLinks` replaces the secret part of any
such link in a log record with `…`, whichever logger wrote it; `settings.LOGGING` puts it on every
handler. `GunicornLogger` does the same for gunicorn's access log (config/gunicorn.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as _GunicornBase

LINK = re.compile(r"(/svar/[a-z0-9]{8}\.)[A-Za-z0-9_-]{43}")


def hide_links(text: str) -> str:
    return LINK.sub(r"\1…", text)


class HideRaterLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_links(message)
        if hidden != message:
            record.msg = hidden
            record.args = ()
        return True


class GunicornLogger(_GunicornBase):  # type: ignore[misc]
    """gunicorn's logger, with rater links hidden in the access log's request line and path."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = hide_links(value)
        return atoms
