"""File names and responses for downloads: PDFs, CSV and XLSX files, zip archives.

One rule for every download: the name is built from the words people know ("Preben Krogh
Jørgensen", "Ledelsesevaluering 2026") and keeps æ, ø and å; the `Content-Disposition` header
carries it as UTF-8 (`filename*`, RFC 5987) with an ASCII spelling beside it (`filename`,
RFC 6266: æ→ae, ø→oe, å→aa) for programs that do not read the UTF-8 form.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.text import slugify

_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


def file_slug(text: str) -> str:
    """Words as a file-name part: lower case, hyphens, æ/ø/å kept ("preben-krogh-jørgensen")."""
    return slugify(unicodedata.normalize("NFC", text), allow_unicode=True)


def download_name(*parts: str, extension: str) -> str:
    """The name of a download from its parts: `download_name("Mette Hansen", "Runde 2026", extension="pdf")`."""
    stem = "-".join(slug for slug in (file_slug(p) for p in parts) if slug) or "kerne"
    return f"{stem}.{extension.lstrip('.')}"


def ascii_name(filename: str) -> str:
    """The same name in ASCII for old programs: æ→ae, ø→oe, å→aa, other accents dropped."""
    folded = unicodedata.normalize("NFKD", filename.translate(_ASCII_FOLD))
    text = folded.encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("_", text).strip() or "download"


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with RFC 5987's UTF-8 form)."""
    kind = "attachment" if attachment else "inline"
    fallback = ascii_name(filename)
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def download_response(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
