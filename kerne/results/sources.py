"""Public statistics as measurements: Danmarks Statistik's StatBank and Jobindsats.

Parsing and mapping are pure: response bytes and the indicator's source settings in, rows for
kerne.results.ingest out (the same checks as a file). The HTTP call is one small function,
`http_post`, which the tests replace; nothing else here touches the network.

StatBank (``POST https://api.statbank.dk/v1/data``, ``format: BULK``) answers with semicolon-
separated text: a header of the variable codes (``OMRÅDE;YDELSESTYPE;TID;INDHOLD``) and one row
per cell, ``..`` where Danmarks Statistik has suppressed the value (discretion). Jobindsats
(``POST https://api.jobindsats.dk/v2/data/<table>/json``) answers with a list holding one table:
``Variables`` (Name, Label) and ``Data`` (rows in the same order); ``..`` is a suppressed value
there too. A suppressed value becomes a suppressed measurement, never 0.

An indicator's ``source_config``::

    StatBank:   {"table": "AUK01", "variables": {"OMRÅDE": ["860"], "YDELSESTYPE": ["LANG"]},
                 "area": "OMRÅDE", "units": {"860": "10005"}}
    Jobindsats: {"table": "y30r21", "area": ["Hjørring"], "filters": {"_ygrp_y30r21": ["Kontanthjælp mv."]},
                 "measure": "Faktisk antal", "units": {"Hjørring": "10005"}}

``units`` maps the source's area to a unit code; without it every row is the indicator's unit.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kerne.results import periods, rules
from kerne.results.tables import Problem, RawRow, decode, fold

STATBANK_URL = "https://api.statbank.dk/v1/data"
JOBINDSATS_URL = "https://api.jobindsats.dk/v2/data/{table}/json"
TIMEOUT = 60
NOT_PUBLISHED = frozenset({"", "-", ".", "None", "null"})


class SourceError(Exception):
    """The source answered with something Kerne cannot read, or not at all (Danish message)."""


def http_post(url: str, payload: Mapping[str, Any], headers: Mapping[str, str]) -> bytes:
    """POST JSON and return the body. The one place that talks to a statistics source."""
    request = urllib.request.Request(  # noqa: S310 - the URLs are the two fixed https sources above
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "*/*", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return bytes(response.read())
    except OSError as exc:
        raise SourceError(_("The source could not be reached: %(error)s") % {"error": exc}) from exc


@dataclass
class SourceRows:
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows outside the indicator's selection, or not published by the source


def _unit_code(config: Mapping[str, Any], area: str | None, default_unit: str) -> str | None:
    units = config.get("units") or {}
    if not units:
        return default_unit
    if area is None:
        return None
    code = units.get(area)
    return str(code) if code is not None else None


def _row(line: int, key: str, unit: str, period: str, raw: object) -> RawRow:
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and rules.is_suppressed_mark(text):
        return RawRow(line, key, unit, period, "..", "", "diskretioneret")
    return RawRow(line, key, unit, period, text, "", "")


# --- StatBank -------------------------------------------------------------------------------------


def statbank_request(config: Mapping[str, Any], after: periods.Period | None) -> dict[str, Any]:
    """The BULK request for the indicator's selection; only periods after `after` when given."""
    variables = [{"code": code, "values": list(values)} for code, values in (config.get("variables") or {}).items()]
    time = config.get("time", "Tid")
    variables.append({"code": time, "values": [f">{after.key}"] if after is not None else ["*"]})
    return {
        "table": config.get("table", ""),
        "format": "BULK",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": variables,
    }


def parse_statbank(data: bytes, config: Mapping[str, Any], *, indicator_key: str, default_unit: str) -> SourceRows:
    """StatBank BULK text → rows. Rows outside the configured selection are skipped, not errors."""
    result = SourceRows()
    text = decode(data)
    if not text.strip():
        result.problems.append(Problem(None, "", _("The StatBank answer is empty.")))
        return result
    if text.lstrip().startswith("{"):
        result.problems.append(
            Problem(None, "", _("StatBank answered with an error: %(text)s") % {"text": _error_text(text)})
        )
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [fold(h) for h in next(reader, [])]
    try:
        value_at = header.index("indhold")
        time_at = header.index(fold(config.get("time", "Tid")))
    except ValueError:
        result.problems.append(
            Problem(1, "", _("The first line must hold the variables, TID and INDHOLD (StatBank's BULK format)."))
        )
        return result
    area_name = config.get("area")
    area_at = header.index(fold(area_name)) if area_name and fold(area_name) in header else None
    wanted = {fold(code): {str(v) for v in values} for code, values in (config.get("variables") or {}).items()}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.problems.append(
                Problem(
                    line, "", _("The line has %(got)s fields, not %(want)s.") % {"got": len(row), "want": len(header)}
                )
            )
            continue
        if any(
            name in wanted and "*" not in wanted[name] and row[index].strip() not in wanted[name]
            for index, name in enumerate(header)
        ):
            result.skipped += 1
            continue
        area = row[area_at].strip() if area_at is not None else None
        unit = _unit_code(config, area, default_unit)
        if unit is None:
            result.skipped += 1
            continue
        result.rows.append(_row(line, indicator_key, unit, row[time_at].strip(), row[value_at]))
    return result


def _error_text(text: str) -> str:
    try:
        payload = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(payload, dict):
        return str(payload.get("message") or payload.get("errorTypeCode") or payload)[:200]
    return text[:200]


# --- Jobindsats ----------------------------------------------------------------------------------


def jobindsats_request(config: Mapping[str, Any], wanted: Sequence[periods.Period]) -> dict[str, Any]:
    payload: dict[str, Any] = {"area": list(config.get("area") or ["*"]), "period": [p.key for p in wanted]}
    for name, values in (config.get("filters") or {}).items():
        payload[name] = list(values)
    return payload


def _column(variables: Sequence[Mapping[str, Any]], *names: str) -> int | None:
    folded = {fold(n) for n in names if n}
    for index, variable in enumerate(variables):
        if fold(str(variable.get("Name", ""))) in folded or fold(str(variable.get("Label", ""))) in folded:
            return index
    return None


def parse_jobindsats(data: bytes, config: Mapping[str, Any], *, indicator_key: str, default_unit: str) -> SourceRows:
    """Jobindsats v2 JSON → rows (item numbers count the Data rows from 1)."""
    result = SourceRows()
    try:
        payload = json.loads(decode(data) or "null")
    except ValueError:
        result.problems.append(Problem(None, "", _("The Jobindsats answer is not JSON.")))
        return result
    table = payload[0] if isinstance(payload, list) and payload else payload
    if isinstance(table, dict) and "Message" in table and "Data" not in table:
        result.problems.append(
            Problem(None, "", _("Jobindsats answered with an error: %(text)s") % {"text": table["Message"]})
        )
        return result
    if (
        not isinstance(table, dict)
        or not isinstance(table.get("Variables"), list)
        or not isinstance(table.get("Data"), list)
    ):
        result.problems.append(Problem(None, "", _("The Jobindsats answer has no Variables and Data.")))
        return result
    variables = table["Variables"]
    area_at = _column(variables, "area", "Område", "Area")
    period_at = _column(variables, "period", "Periode", "Period")
    measure = str(config.get("measure", ""))
    value_at = _column(variables, measure) if measure else None
    if period_at is None or value_at is None:
        missing = _("the period") if period_at is None else _("the measure “%(measure)s”") % {"measure": measure}
        result.problems.append(
            Problem(None, "", _("The Jobindsats answer has no column for %(what)s.") % {"what": missing})
        )
        return result
    filters = {
        index: {fold(str(v)) for v in values}
        for name, values in (config.get("filters") or {}).items()
        if (index := _column(variables, name)) is not None
    }
    for item, row in enumerate(table["Data"], start=1):
        if not isinstance(row, list) or len(row) != len(variables):
            result.problems.append(Problem(item, "", _("The row does not match the variables.")))
            continue
        if any(fold(str(row[index])) not in values for index, values in filters.items()):
            result.skipped += 1
            continue
        raw = row[value_at]
        if raw is None or (isinstance(raw, str) and raw.strip() in NOT_PUBLISHED):
            result.skipped += 1
            continue
        area = str(row[area_at]).strip() if area_at is not None else None
        unit = _unit_code(config, area, default_unit)
        if unit is None:
            result.skipped += 1
            continue
        result.rows.append(_row(item, indicator_key, unit, str(row[period_at]).strip(), raw))
    return result


# --- fetching -----------------------------------------------------------------------------------------


def new_periods(after: periods.Period | None, last: periods.Period, *, back: int = 24) -> list[periods.Period]:
    """The periods after `after` up to `last` (without `after`: the last `back` periods)."""
    first = after.shift(1) if after is not None else last.shift(-back + 1)
    wanted: list[periods.Period] = []
    current = first
    while current <= last and len(wanted) < 240:
        wanted.append(current)
        current = current.shift(1)
    return wanted


def fetch(
    kind: str,
    config: Mapping[str, Any],
    *,
    indicator_key: str,
    default_unit: str,
    after: periods.Period | None,
    last: periods.Period,
    jobindsats_key: str = "",
) -> SourceRows:
    """Ask the source for the periods after `after` and parse the answer."""
    if kind == "statbank":
        body = http_post(STATBANK_URL, statbank_request(config, after), {})
        return parse_statbank(body, config, indicator_key=indicator_key, default_unit=default_unit)
    if kind == "jobindsats":
        wanted = new_periods(after, last)
        if not wanted:
            return SourceRows()
        if not jobindsats_key:
            raise SourceError(_("Jobindsats needs an API key (KERNE_JOBINDSATS_API_KEY)."))
        url = JOBINDSATS_URL.format(table=str(config.get("table", "")).lower())
        body = http_post(url, jobindsats_request(config, wanted), {"Authorization": jobindsats_key})
        return parse_jobindsats(body, config, indicator_key=indicator_key, default_unit=default_unit)
    raise SourceError(_("The indicator is not fetched from a statistics source."))
