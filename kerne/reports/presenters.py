"""Turning reports into what the templates show: charts (SVG) and the figures beside them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kerne.core.text import possessive
from kerne.evaluations.models import ALL_OTHERS, GroupKey
from kerne.frameworks.models import Picture
from kerne.reports import charts
from kerne.reports.figures import EMPTY
from kerne.reports.organisation import VIEWS, OrgReport, view_label
from kerne.reports.personal import PersonalReport, gap_rule_text, group_label


def personal_context(report: PersonalReport) -> dict[str, Any]:
    subject = report.subject
    framework = subject.round.framework
    groups = report.groups
    overview = charts.grouped_bars(
        [
            charts.BarRow(area.name, [charts.Bar(key, label, area.figures[key].mean) for key, label, _n in groups])
            for area in report.areas
        ],
        title=_("Mean per area and group, on the scale from 1 to 5"),
        ident="overview",
    )
    picture = charts.framework_balance(
        framework.picture,
        [(a.perspective, a.name, a.figures.get(ALL_OTHERS, EMPTY).mean) for a in report.areas],
        title=_("%(framework)s: everyone else's mean in each area") % {"framework": framework.name},
        centre=framework.name,
        ident="picture",
    )
    perspectives = charts.grouped_bars(
        [
            charts.BarRow(
                label,
                [
                    charts.Bar(GroupKey.SELF, group_label(GroupKey.SELF), own.mean),
                    charts.Bar(ALL_OTHERS, group_label(ALL_OTHERS), others.mean),
                ],
            )
            for _key, label, others, own in report.perspectives
        ],
        title=_("The four perspectives of the New Synthesis: your own and everyone else's mean"),
        ident="perspectives",
    )
    distributions = {
        row.key: charts.distribution_bar(
            row.others.distribution,
            title=_("Everyone else's answers from 1 to 5: %(counts)s")
            % {"counts": ", ".join(str(c) for c in row.others.distribution)},
            ident=f"dist-{index}",
        )
        for index, row in enumerate(row for area in report.areas for row in area.statements)
        if row.others.n
    }
    return {
        "report": report,
        "subject": subject,
        "round": subject.round,
        "framework": framework,
        "title": _("%(name)s leadership report") % {"name": possessive(subject.name)},
        "overview_chart": overview,
        "picture": picture,
        "perspective_chart": perspectives,
        "distributions": distributions,
        "gap_rule": gap_rule_text(),
        "is_seesaw": framework.picture == Picture.SEESAW,
    }


def org_context(report: OrgReport, view: str) -> dict[str, Any]:
    total = report.total[view]
    area_chart = charts.grouped_bars(
        [
            charts.BarRow(name, [charts.Bar(view, view_label(view), total.node(key).mean)])
            for key, name, _p in report.areas
        ],
        title=_("Mean per area for the whole scope"),
        ident="org-areas",
    )
    perspective_chart = charts.balance(
        [(key, label, fig.mean) for key, label, fig in report.perspectives[view]],
        title=_("The four perspectives of the New Synthesis"),
        ident="org-perspectives",
    )
    picture = charts.framework_balance(
        report.round.framework.picture,
        [(p, name, total.node(key).mean) for key, name, p in report.areas],
        title=_("%(framework)s: the mean in each area") % {"framework": report.round.framework.name},
        centre=report.round.framework.name,
        ident="org-picture",
    )
    return {
        "report": report,
        "round": report.round,
        "view": view,
        "perspectives": report.perspectives[view],
        "views": [(v, view_label(v)) for v in VIEWS],
        "total": total,
        "area_chart": area_chart,
        "perspective_chart": perspective_chart,
        "picture": picture,
    }


def heat_class(mean: float | None) -> str:
    """A colour band for a heat-map cell; the number is always printed as well."""
    if mean is None:
        return "heat-none"
    if mean < 2.5:
        return "heat-1"
    if mean < 3.25:
        return "heat-2"
    if mean < 3.75:
        return "heat-3"
    if mean < 4.25:
        return "heat-4"
    return "heat-5"
