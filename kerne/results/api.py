"""The results API (django-ninja routers; kerne.api mounts them at /api/results/).

Two routers, because two kinds of caller use them:

- `system_router` for systems that post measurements, authenticated by an API key of the
  organisation (kerne.api sets the authentication; here `request.auth` is the key, which has
  `organisation` and `label`). Posting goes through the same checks and the same service as the
  file import, with the same Danish messages.
- `router` for people, authenticated by their Kerne session: the same reads as the pages, through
  the same access rules, so what is denied on a page is denied here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kerne.organisation.models import Organisation
from kerne.results import selectors, services
from kerne.results.models import Indicator, Source
from kerne.results.tables import RawRow

MAX_ITEMS = 100_000

system_router = Router(tags=["Målinger fra fagsystemer"])
router = Router(tags=["Resultater"])


class ApiKey(Protocol):
    """What the results API needs of an API key (the model lives in kerne.api)."""

    organisation: Organisation

    @property
    def label(self) -> str: ...


# --- posting measurements ---------------------------------------------------------------------------


class MeasurementIn(Schema):
    indicator: str = Field(description="Indikatorens nøgle, fx sygefravaer")
    unit: str = Field(description="Enhedens kode fra HR-systemet")
    period: str = Field(description="2026M03, 2026K1, 2026, 2025/26 eller en dato")
    value: str | float | int | None = Field(
        None, description='Tallet (12,5 eller 12.5), eller ".." når kilden har diskretioneret det'
    )
    denominator: str | float | int | None = Field(None, description="Nævneren for et vægtet gennemsnit")
    status: str = Field("", description="endelig, foreløbig eller diskretioneret (tom: endelig)")


class MeasurementsIn(Schema):
    measurements: list[MeasurementIn]


class Counts(Schema):
    created: int
    updated: int
    unchanged: int


class Problem(Schema):
    item: int | None
    field: str
    message: str


class Refused(Schema):
    detail: str
    errors: list[Problem] = []


API_FIELDS = {
    "indicator": "indicator",
    "unit": "unit",
    "period": "period",
    "value": "value",
    "denominator": "denominator",
    "status": "status",
}


def _raw(index: int, item: MeasurementIn) -> RawRow:
    def text(value: Any) -> Any:
        return "" if value is None else value

    return RawRow(
        line=index,
        indicator=item.indicator,
        unit=item.unit,
        period=item.period,
        value=text(item.value),
        denominator=text(item.denominator),
        status=item.status,
    )


@system_router.post(
    "/measurements",
    response={200: Counts, 400: Refused},
    summary="Indberet målinger",
    description=(
        "Målinger for organisationens indikatorer. Samme kontrol som filimporten: en fejl i én måling "
        "afviser hele indberetningen, og intet ændres. Den samme indberetning to gange ændrer intet."
    ),
)
def post_measurements(request: HttpRequest, payload: MeasurementsIn) -> Status[Any]:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    organisation = key.organisation
    if not payload.measurements:
        return Status(400, {"detail": _("The request holds no measurements."), "errors": []})
    if len(payload.measurements) > MAX_ITEMS:
        return Status(400, {"detail": _("At most %(max)s measurements a request.") % {"max": MAX_ITEMS}, "errors": []})
    rows = [_raw(index, item) for index, item in enumerate(payload.measurements, start=1)]
    checked = services.check(organisation, rows, columns=API_FIELDS)
    if checked.problems:
        return Status(
            400,
            {
                "detail": _("The measurements have errors – nothing has been changed."),
                "errors": [
                    {"item": p.line, "field": p.column, "message": p.text(_("Measurement"))}
                    for p in checked.problems[:500]
                ],
            },
        )
    recorded = services.measurements_record(
        organisation=organisation,
        entries=checked.entries,
        source=Source.API,
        source_ref=key.label,
        actor=key.label,
    )
    return Status(200, recorded.as_dict())


class IndicatorOut(Schema):
    key: str
    name: str
    unit: str = Field(description="Den ansvarlige enheds kode")
    unit_label: str
    frequency: str
    aggregation: str
    direction: str


@system_router.get("/indicators", response=list[IndicatorOut], summary="Organisationens indikatorer")
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return [
        {
            "key": i.key,
            "name": i.name,
            "unit": i.responsible_unit.code,
            "unit_label": i.unit_label,
            "frequency": i.frequency,
            "aggregation": i.aggregation,
            "direction": i.direction,
        }
        for i in Indicator.objects.filter(organisation=key.organisation, active=True)
        .select_related("responsible_unit")
        .order_by("position", "name")
    ]


# --- reading, as a person ---------------------------------------------------------------------------


class LineOut(Schema):
    indicator: str
    name: str
    unit: str
    period: str | None
    value: Decimal | None
    status: str | None
    target: Decimal | None
    target_period: str | None
    light: str
    light_label: str
    progress: float | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    indicators: list[LineOut]


class PointOut(Schema):
    period: str
    value: Decimal | None
    status: str | None


class SeriesOut(Schema):
    indicator: str
    unit: str
    points: list[PointOut]
    light: str
    light_label: str


def _line(line: selectors.Line) -> dict[str, Any]:
    latest = line.latest
    return {
        "indicator": line.indicator.key,
        "name": line.indicator.name,
        "unit": line.unit.code,
        "period": latest.period.key if latest else None,
        "value": latest.value if latest else None,
        "status": latest.status if latest else None,
        "target": line.target.value if line.target else None,
        "target_period": line.target.period if line.target else None,
        "light": line.light,
        "light_label": line.light_label,
        "progress": float(line.assessment.progress) if line.assessment.progress is not None else None,
    }


def _today() -> dt.date:
    return timezone.localdate()


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, 403: Refused},
    summary="En enheds indikatorer",
    description="Kun enheder inden for dine to niveauer (som siderne).",
)
def unit_results(request: HttpRequest, unit_id: int) -> Status[Any]:
    try:
        unit = selectors.unit_get(request.user, unit_id)
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied), "errors": []})
    indicators = selectors.unit_indicators(request.user, unit)
    lines = selectors.build_lines([(i, unit) for i in indicators], upto=_today())
    return Status(
        200, {"id": unit.pk, "code": unit.code, "name": unit.name, "indicators": [_line(line) for line in lines]}
    )


@router.get(
    "/units/{unit_id}/indicators/{key}",
    response={200: SeriesOut, 403: Refused, 404: Refused},
    summary="En indikators udvikling for en enhed",
)
def indicator_series(request: HttpRequest, unit_id: int, key: str) -> Status[Any]:
    try:
        unit = selectors.unit_get(request.user, unit_id)
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied), "errors": []})
    indicator = Indicator.objects.filter(organisation_id=unit.organisation_id, key=key, active=True).first()
    if indicator is None:
        return Status(
            404,
            {
                "detail": _("There is no indicator with the key “%(key)s” in the organisation.") % {"key": key},
                "errors": [],
            },
        )
    line = selectors.build_lines([(indicator, unit)], upto=_today())[0]
    return Status(
        200,
        {
            "indicator": indicator.key,
            "unit": unit.code,
            "points": [
                {"period": period.key, "value": row.value if row else None, "status": row.status if row else None}
                for period, row in line.series
            ],
            "light": line.light,
            "light_label": line.light_label,
        },
    )
