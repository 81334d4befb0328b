"""The framework browser: overview, by role, by area, search, compare, role PDF."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.pdf import pdf_response, render_pdf
from kerne.frameworks import selectors
from kerne.frameworks.models import PERSPECTIVE_HELP, Framework, Node, Perspective, Picture, RoleLevel
from kerne.frameworks.pictures import Area, framework_picture
from kerne.frameworks.spec import ALL_LEVELS
from kerne.frameworks.translation_selectors import browser_texts


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("frameworks:list"), _("Frameworks")), *items]


def picture_for(detail: selectors.FrameworkDetail, *, ident: str = "picture") -> str:
    framework = detail.framework
    areas = [Area(label=t.node.label, perspective=t.node.perspective) for t in detail.areas]
    title = _("%(name)s: %(areas)s") % {"name": framework.name, "areas": ", ".join(a.label for a in areas)}
    centre = framework.name if framework.picture == Picture.CIRCLE else ""
    return framework_picture(framework.picture, areas, title=title, centre=centre, ident=ident)


def framework_list_view(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.framework_list(request.user)
    return render(request, "frameworks/list.html", {"frameworks": frameworks, "hr": policy.is_org_admin(request.user)})


def _detail_or_404(request: HttpRequest, slug: str, **kwargs: Any) -> selectors.FrameworkDetail:
    try:
        return selectors.framework_detail(request.user, slug, **kwargs)
    except (Framework.DoesNotExist, RoleLevel.DoesNotExist) as exc:
        raise Http404(_("No such framework or role level.")) from exc


def framework_overview_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        overview = selectors.framework_overview(request.user, slug)
    except Framework.DoesNotExist as exc:
        raise Http404(_("No such framework.")) from exc
    detail = overview["detail"]
    framework = detail.framework
    context = {
        **overview,
        "framework": framework,
        "picture": picture_for(detail),
        "perspective_help": PERSPECTIVE_HELP,
        "unit_texts": browser_texts(request.user, framework),
        "crumbs": _crumbs((None, framework.name)),
    }
    return render(request, "frameworks/overview.html", context)


def _role_context(request: HttpRequest, slug: str, role: str) -> dict[str, Any]:
    detail = _detail_or_404(request, slug, role_key=role)
    framework = detail.framework
    if role == ALL_LEVELS:
        role_name = _("All levels") if detail.role_levels else _("All leaders")
    else:
        role_name = next(r.name for r in detail.role_levels if r.key == role)
    return {
        "detail": detail,
        "framework": framework,
        "role": role,
        "role_name": role_name,
        "picture": picture_for(detail),
        "crumbs": _crumbs(
            (reverse("frameworks:overview", args=[framework.slug]), framework.name),
            (None, role_name),
        ),
    }


def framework_role_view(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    context = _role_context(request, slug, role)
    context["unit_texts"] = browser_texts(request.user, context["framework"])
    return render(request, "frameworks/role.html", context)


def framework_role_pdf_view(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    context = _role_context(request, slug, role)
    pdf = render_pdf("frameworks/role_pdf.html", context, request=request)
    return pdf_response(pdf, f"{slug}-{role}.pdf")


def framework_chain_view(request: HttpRequest, slug: str, node: str) -> HttpResponse:
    try:
        chain = selectors.framework_chain(request.user, slug, node)
    except (Framework.DoesNotExist, Node.DoesNotExist) as exc:
        raise Http404(_("No such framework or area.")) from exc
    framework = chain.detail.framework
    return render(
        request,
        "frameworks/chain.html",
        {
            "chain": chain,
            "framework": framework,
            "detail": chain.detail,
            "unit_texts": browser_texts(request.user, framework),
            "crumbs": _crumbs(
                (reverse("frameworks:overview", args=[framework.slug]), framework.name),
                (None, chain.root.node.name),
            ),
        },
    )


def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    hits = selectors.statement_search(request.user, query) if query else []
    return render(
        request,
        "frameworks/search.html",
        {"query": query, "hits": hits, "crumbs": _crumbs((None, _("Search")))},
    )


def compare_view(request: HttpRequest) -> HttpResponse:
    frameworks, rows = selectors.perspective_comparison(request.user)
    return render(
        request,
        "frameworks/compare.html",
        {
            "frameworks": frameworks,
            "rows": rows,
            "perspective_help": {p.value: PERSPECTIVE_HELP[p] for p in Perspective},
            "crumbs": _crumbs((None, _("Compare perspectives"))),
        },
    )
