"""Small template helpers used across apps."""

from __future__ import annotations

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
    """A change with its sign and one decimal, in the active language's format: "+0,3", "−0,5"."""
    if value is None:
        return "–"
    from django.utils.formats import number_format

    text = number_format(abs(value), decimal_pos=1)
    if round(value, 1) == 0:
        return text
    return ("+" if value > 0 else "−") + text
