"""Small template helpers used across apps."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def possessive(name: str) -> str:
    """A name in the genitive of the active language: "Mette Hansens", "Lars'"; English "Lars's"."""
    from kerne.core.text import possessive as _possessive

    return _possessive(name)


@register.filter
def signed(value: float | None) -> str:
    """A change with its sign and one decimal, rounded once: "+0,3", "−0,5", "±0,0" (never "+0,0")."""
    from kerne.core.formats import change

    return change(value)


@register.filter
def change_from(now: float | None, before: float | None) -> str:
    """`{{ now|change_from:before }}`: the change computed from the unrounded figures."""
    from kerne.core.formats import change_between

    return change_between(now, before)


@register.filter
def decimal(value: float | None, places: int = 1) -> str:
    """A figure rounded half up, Danish decimal comma: 3.65 → "3,7"; none → "–"."""
    from kerne.core.formats import decimal as _decimal

    return _decimal(value, int(places))


@register.filter
def short_date(value: Any) -> str:
    """1. dec. 2026."""
    from kerne.core.formats import short_date as _short_date

    return _short_date(value)


@register.filter
def short_datetime(value: Any) -> str:
    """1. dec. 2026 14:03."""
    from kerne.core.formats import short_datetime as _short_datetime

    return _short_datetime(value)


@register.filter
def fewer_than(minimum: int | None) -> str:
    """A count below a group's minimum: "færre end 5"; below a minimum of one there is nobody: "ingen"."""
    from django.utils.translation import gettext as _

    if minimum is None or minimum <= 1:
        return _("none")
    return _("fewer than %(minimum)s") % {"minimum": minimum}
