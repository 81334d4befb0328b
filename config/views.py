"""The front page. It lives at the composition root because it draws on every app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kerne.frameworks.selectors import visible_frameworks


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"framework_count": visible_frameworks(request.user).count()})
