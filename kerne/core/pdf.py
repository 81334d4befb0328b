"""HTML to PDF with WeasyPrint, shared by every downloadable document."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(template, context, request=request)
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """The PDF as a download; name it with kerne.core.downloads.download_name (æ, ø, å are kept)."""
    from kerne.core.downloads import download_response

    return download_response(pdf, filename=filename, content_type="application/pdf")
