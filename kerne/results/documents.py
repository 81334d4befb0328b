"""A committee status as a document: built from the live figures, frozen as plain data at issue.

`status_document` gathers everything the status shows (values, targets, traffic lights, the trend
charts as SVG, the responsible leaders' comments, the direktør's text) as JSON-ready data with
every text already formatted in Danish. The draft page, the issued page and the PDF all render
this same data; an issued status renders the stored copy, so later revisions never change it.
`revisions_since` compares a frozen document with today's figures for the live page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kerne.core.pdf import render_pdf
from kerne.results import periods, rules, selectors
from kerne.results.models import Figure, StatusReport, ValueStatus

DOCUMENT_VERSION = 1


def _date(day: dt.date | None) -> str:
    return formats.date_format(day, "j. F Y") if day is not None else ""


def _series(line: selectors.Line) -> list[list[Any]]:
    return [
        [period.key, period.label, str(row.value) if row and row.value is not None else None, row.status if row else ""]
        for period, row in line.series
    ]


def _line(line: selectors.Line, ident: str) -> dict[str, Any]:
    latest = line.latest
    comment = line.comment
    indicator = line.indicator
    target = line.target
    return {
        "indicator_id": indicator.pk,
        "indicator": indicator.name,
        "description": indicator.description,
        "unit_id": line.unit.pk,
        "unit": line.unit.name,
        "unit_label": indicator.unit_label,
        "decimals": line.decimals,
        "direction": indicator.get_direction_display(),
        "responsible": indicator.responsible_person.name if indicator.responsible_person else "",
        "source": indicator.data_source,
        "period": latest.period.key if latest else "",
        "period_label": latest.period.label if latest else "",
        "value": str(latest.value) if latest and latest.value is not None else None,
        "status": latest.status if latest else "",
        "value_text": line.value_text,
        "provisional": bool(latest and latest.provisional),
        "target_text": line.target_text,
        "target_period": periods.from_key(target.period).label if target is not None else "",
        "light": line.light,
        "light_label": line.light_label,
        "explanation": line.explanation,
        "badge": line.badge,
        "comment": comment.text if comment else "",
        "comment_by": comment.author_name if comment else "",
        "comment_on": _date(timezone.localtime(comment.updated_at).date()) if comment else "",
        "chart": line.chart(ident),
        "series": _series(line),
    }


def status_document(status: StatusReport, *, today: dt.date) -> dict[str, Any]:
    """Everything the status shows, as of the end of its period (fixed queries)."""
    committee = status.committee
    pairs = selectors.committee_pairs(committee)
    upto = min(status.period_end, today)
    lines = selectors.build_lines(pairs, upto=upto)
    period = periods.from_key(status.period)
    counts = {str(light): 0 for light in rules.Light}
    for line in lines:
        counts[line.light] += 1
    return {
        "version": DOCUMENT_VERSION,
        "title": status.title,
        "committee": committee.name,
        "organisation": committee.organisation.name,
        "period": status.period,
        "period_label": period.label,
        "due_on": _date(status.due_on),
        "issued": status.issued_at is not None,
        "issued_on": _date(timezone.localtime(status.issued_at).date()) if status.issued_at else "",
        "issued_by": status.issued_by,
        "summary": status.summary,
        "counts": [
            {"light": str(light), "label": str(rules.LIGHT_LABELS[light]), "count": counts[str(light)]}
            for light in (rules.Light.OFF_TRACK, rules.Light.AT_RISK, rules.Light.ON_TRACK, rules.Light.ACHIEVED)
        ],
        "lines": [_line(line, f"status-{status.pk}-{index}") for index, line in enumerate(lines)],
    }


def render_status_pdf(document: dict[str, Any]) -> bytes:
    return render_pdf("results/status_pdf.html", {"doc": document})


def revisions_since(document: dict[str, Any]) -> dict[int, list[str]]:
    """Per line of a frozen status: the values revised since it was issued (one query)."""
    wanted: dict[tuple[int, int, str], tuple[int, str, str | None, str]] = {}
    for index, line in enumerate(document.get("lines", [])):
        for key, label, value, status in line.get("series", []):
            wanted[(line["indicator_id"], line["unit_id"], key)] = (index, label, value, status)
    if not wanted:
        return {}
    current = {
        (f.indicator_id, f.unit_id, f.period): f
        for f in Figure.objects.filter(
            indicator_id__in={k[0] for k in wanted},
            unit_id__in={k[1] for k in wanted},
            period__in={k[2] for k in wanted},
        )
    }
    notes: dict[int, list[str]] = {}
    lines = document["lines"]
    for key, (index, label, value, status) in wanted.items():
        figure = current.get(key)
        now_value = str(figure.value) if figure is not None and figure.value is not None else None
        now_status = figure.status if figure is not None else ""
        if (now_value, now_status) == (value, status):
            continue
        if (now_value is None and value is None) and now_status == status:
            continue
        decimals = int(lines[index].get("decimals", 0))
        notes.setdefault(index, []).append(
            _("%(period)s is now %(now)s (the status showed %(then)s).")
            % {
                "period": label,
                "now": _value_text(now_value, now_status, decimals),
                "then": _value_text(value, status, decimals),
            }
        )
    return notes


def _value_text(value: str | None, status: str, decimals: int) -> str:
    if status == ValueStatus.SUPPRESSED:
        return _("suppressed")
    if value is None:
        return _("no value")
    return rules.format_number(Decimal(value), decimals)
