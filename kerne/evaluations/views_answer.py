"""The rater's questionnaire behind their personal link. No login; the link is the key."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from kerne.evaluations import answering
from kerne.evaluations.models import Invitation


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    return render(request, f"evaluations/{template}.html", context, status=status)


def _resolve(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """The invitation behind the link, or the page to show instead (invalid, closed, too many).

    Wrong links are counted per client address; a real link has its own allowance, so a busy
    town-hall network is not locked out by somebody else's typing.
    """
    try:
        invitation = answering.invitation_for_token(token)
    except answering.LinkInvalid:
        if is_ratelimited(request, group="answer-bad", key="ip", rate=settings.KERNE_BAD_TOKEN_RATE, increment=True):
            return _page(request, "answer_too_many", 429)
        return _page(request, "answer_invalid", 404)
    except answering.RoundClosed:
        return _page(request, "answer_closed", 410)
    if is_ratelimited(
        request, group="answer-link", key=lambda _g, _r: token, rate=settings.KERNE_TOKEN_RATE, increment=True
    ):
        return _page(request, "answer_too_many", 429)
    return invitation


def _form(
    request: HttpRequest, invitation: Invitation, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "evaluations/answer_form.html",
        {
            "form": answering.questionnaire(invitation),
            "invitation": invitation,
            "scale": list(enumerate(invitation.round.scale_labels, start=1)),
            "errors": errors or {},
            "saved": request.GET.get("gemt") == "1",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    resolved = _resolve(request, token)
    if isinstance(resolved, HttpResponse):
        return resolved
    invitation = resolved
    if request.method == "GET":
        if answering.is_submitted(invitation):
            return _page(request, "answer_thanks", 200, invitation=invitation, again=True)
        return _form(request, invitation)
    submitting = request.POST.get("action") == "submit"
    try:
        posted = answering.parse_post(invitation, request.POST, partial=not submitting)
    except answering.TamperedPost:
        return _page(request, "answer_refused", 400)
    try:
        if submitting and not posted.errors:
            _response, first = answering.response_submit(invitation=invitation, posted=posted)
            return _page(request, "answer_thanks", 200, invitation=invitation, again=not first)
        response = answering.response_save(invitation=invitation, posted=posted)
    except answering.RoundClosed:
        return _page(request, "answer_closed", 410)
    if response.submitted:
        return _page(request, "answer_thanks", 200, invitation=invitation, again=True)
    if posted.errors:
        return _form(request, invitation, errors=posted.errors, status=422)
    if request.headers.get("HX-Request"):
        return render(
            request, "evaluations/_answer_progress.html", {"form": answering.questionnaire(invitation), "saved": True}
        )
    return redirect(request.path + "?gemt=1")
