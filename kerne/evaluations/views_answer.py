"""The rater's questionnaire behind their personal link. No login; the link is the key.

The link (`/svar/<link>/`) is taken once: the page keeps it in a signed cookie of the rater's own
browser (never in the database or a session row) under a random handle, and redirects to
`/svar/s/<handle>/`. So a web server's access log holds the link at most for that first request,
and nothing the server keeps can tie the handle to a person (docs/privacy.md).
"""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from kerne.evaluations import answering, selectors, tokens
from kerne.evaluations.models import Invitation
from kerne.frameworks.translation_selectors import help_texts

COOKIE = "kerne_svar"
COOKIE_SALT = "kerne.evaluations.answer-links"
COOKIE_PATH = "/svar/"
COOKIE_AGE = 60 * 60 * 24 * 60  # a round is open for weeks; the links in the cookie die with it
MAX_LINKS = 30  # a chef who answers as own leader for many leaders keeps them all


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    return render(request, f"evaluations/{template}.html", context, status=status)


def _links(request: HttpRequest) -> dict[str, str]:
    try:
        raw = request.get_signed_cookie(COOKIE, default="", salt=COOKIE_SALT)
        links = json.loads(raw) if raw else {}
    except (signing.BadSignature, ValueError):
        return {}
    return {str(k): str(v) for k, v in links.items()} if isinstance(links, dict) else {}


def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the link in the rater's browser and go to the address without it (also from Min side)."""
    links = _links(request)
    handle = next((known for known, link in links.items() if link == token), None)
    if handle is None:
        handle = secrets.token_urlsafe(8)
        links[handle] = token
        while len(links) > MAX_LINKS:
            links.pop(next(iter(links)))
    response = HttpResponseRedirect(reverse("answer:form", args=[handle]))
    response.status_code = 303
    response.set_signed_cookie(
        COOKIE,
        json.dumps(links, separators=(",", ":")),
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _too_many_bad_links(request: HttpRequest) -> bool:
    """Wrong links are counted per client address, so guessing is slowed without locking out others."""
    limited: bool = is_ratelimited(
        request, group="answer-bad", key="ip", rate=settings.KERNE_BAD_TOKEN_RATE, increment=True
    )
    return limited


def _refused(request: HttpRequest, error: Exception) -> HttpResponse:
    """The page for a link that cannot be used (invalid, closed, unavailable)."""
    if isinstance(error, answering.RoundClosed):
        return _page(request, "answer_closed", 410)
    if isinstance(error, answering.RoundUnavailable):
        return _page(request, "answer_unavailable", 503)
    if _too_many_bad_links(request):
        return _page(request, "answer_too_many", 429)
    return _page(request, "answer_invalid", 404)


def _too_many_uses(request: HttpRequest, token: str) -> HttpResponse | None:
    """A real link has its own allowance, keyed by its hash under the round's key (no query), so
    nothing derived from it can be matched once that key is destroyed at closing."""
    try:
        _code, round_keys = answering.link_keys(token)
    except (answering.LinkInvalid, answering.RoundClosed, answering.RoundUnavailable) as error:
        return _refused(request, error)
    token_key = tokens.token_hash(round_keys.link_secret, token)
    if is_ratelimited(
        request, group="answer-link", key=lambda _g, _r: token_key, rate=settings.KERNE_TOKEN_RATE, increment=True
    ):
        return _page(request, "answer_too_many", 429)
    return None


def _resolve(request: HttpRequest, token: str) -> answering.Rater | HttpResponse:
    """The rater behind the link, or the page to show instead (invalid, closed, unavailable, too many)."""
    refused = _too_many_uses(request, token)
    if refused is not None:
        return refused
    try:
        return answering.rater_for_token(token)
    except (answering.LinkInvalid, answering.RoundClosed, answering.RoundUnavailable) as error:
        return _refused(request, error)


@never_cache
@require_http_methods(["GET"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: checked, kept in the browser, then the form at an address without it."""
    resolved = _resolve(request, token)
    if isinstance(resolved, HttpResponse):
        return resolved
    return open_link(request, token)


def _form(
    request: HttpRequest,
    rater: answering.Rater,
    *,
    draft: answering.Posted | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    form = answering.questionnaire(rater, draft)
    errors = errors or {}
    subject = rater.invitation.subject
    # The leader's unit's own translation, as help under the common statement (one query).
    unit_help = help_texts(subject.unit_id, rater.invitation.round.framework_id)
    return render(
        request,
        "evaluations/answer_form.html",
        {
            "form": form,
            "invitation": rater.invitation,
            "scale": list(enumerate(rater.invitation.round.scale_labels, start=1)),
            "errors": errors,
            "error_items": [(name, form.label(name), message) for name, message in errors.items()],
            "saved": request.GET.get("gemt") == "1",
            "unit_help": unit_help,
            "unit_name": subject.unit_name,
        },
        status=status,
    )


def _done(request: HttpRequest, rater: answering.Rater, *, again: bool) -> HttpResponse:
    """After a submit; a background save from another tab gets a short note, not a whole page."""
    if request.headers.get("HX-Request"):
        return render(request, "evaluations/_answer_done_note.html", {"invitation": rater.invitation})
    return _page(request, "answer_thanks", 200, invitation=rater.invitation, again=again)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_view(request: HttpRequest, handle: str) -> HttpResponse:
    token = _links(request).get(handle)
    if token is None:
        return _page(request, "answer_link_again", 404 if request.method == "GET" else 403)
    htmx = bool(request.headers.get("HX-Request"))
    if request.method == "POST" and request.POST.get("action") == "submit":
        return _submit(request, token)
    resolved = _resolve(request, token)
    if isinstance(resolved, HttpResponse):
        return render(request, "evaluations/_answer_closed_note.html") if htmx else resolved
    rater = resolved
    if request.method == "GET":
        if rater.invitation.submitted:
            return _done(request, rater, again=True)
        return _form(request, rater)
    try:
        posted = answering.parse_post(rater.invitation, request.POST, partial=True)
        saved = answering.response_save(rater=rater, posted=posted)
    except answering.TamperedPost:
        return _page(request, "answer_refused", 400)
    except answering.RoundClosed:
        return render(request, "evaluations/_answer_closed_note.html") if htmx else _page(request, "answer_closed", 410)
    if saved is None:
        return _done(request, rater, again=True)
    if posted.errors:
        return _form(request, rater, draft=saved, errors=posted.errors, status=422)
    language = _chosen_language(request)
    if language is not None:
        # The language switch on the form: the draft is saved first, then the form comes back in it.
        response = HttpResponseRedirect(request.path, status=303)
        _set_language(response, language)
        return response
    if htmx:
        return render(
            request, "evaluations/_answer_progress.html", {"form": answering.questionnaire(rater, saved), "saved": True}
        )
    return HttpResponseRedirect(request.path + "?gemt=1", status=303)


def _chosen_language(request: HttpRequest) -> str | None:
    """The language a button of the form's switch asked for, if it is one Kerne speaks."""
    code = str(request.POST.get("language", ""))
    return code if code in dict(settings.LANGUAGES) else None


def _set_language(response: HttpResponse, language: str) -> None:
    """The same cookie as Django's set_language view, so every page follows the choice."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _submit(request: HttpRequest, token: str) -> HttpResponse:
    """The final submit: checked, sealed and stored in one transaction (answering.submit_form)."""
    refused = _too_many_uses(request, token)
    if refused is not None:
        return refused
    try:
        outcome = answering.submit_form(token=token, data=request.POST)
    except answering.TamperedPost:
        return _page(request, "answer_refused", 400)
    except (answering.LinkInvalid, answering.RoundClosed, answering.RoundUnavailable) as error:
        return _refused(request, error)
    if outcome.posted is not None:
        return _form(request, outcome.rater, draft=outcome.posted, errors=outcome.posted.errors, status=422)
    return _done(request, outcome.rater, again=outcome.again)


@login_required
@require_POST
def mine_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Min side's button: open one of the person's own questionnaires through its link."""
    try:
        invitation = selectors.my_questionnaire(request.user, pk)
        token = answering.link_for(invitation)
    except (Invitation.DoesNotExist, answering.LinkInvalid) as exc:
        raise Http404 from exc
    except answering.RoundUnavailable:
        return _page(request, "answer_unavailable", 503)
    return open_link(request, token)
