"""The front page and Min side: each shows what every app has for the person.

Min side is composed here, at the top of the layers, because it lists what every app has due for
the person (questionnaires to answer, talks to prepare, plans, onboarding, results). Each app
contributes a selector and a partial template; this module only puts them in order.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import selectors as account_selectors
from kerne.development.selectors import due_for as development_due
from kerne.development.selectors_onboarding import onboarding_due
from kerne.development.services.reflection import my_latest as my_reflection
from kerne.evaluations import selectors as evaluation_selectors
from kerne.frameworks.selectors import visible_frameworks
from kerne.results.selectors import my_results


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", {"framework_count": visible_frameworks(request.user).count()})


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    """Who am I in the organisation, what can I see, and what is due for me."""
    context = {
        "profile": account_selectors.my_profile(request.user),
        "questionnaires": evaluation_selectors.my_questionnaires(request.user),
        "my_results": my_results(request.user, today=timezone.localdate()),
        "development_due": development_due(request.user),
        "onboarding_due": onboarding_due(request.user),
        "my_reflection": my_reflection(request.user),
        "crumbs": [(reverse("home"), _("Front page")), (None, _("My page"))],
    }
    return render(request, "home/my_page.html", context)
