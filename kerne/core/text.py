"""Language helpers for text built around names."""

from __future__ import annotations

from django.utils import translation


def possessive(name: str) -> str:
    """The genitive of a name: Danish adds -s (or only ' after s, x, z); English adds 's."""
    name = name.strip()
    if not name:
        return name
    if (translation.get_language() or "da").startswith("da"):
        return f"{name}'" if name[-1].lower() in "sxz" else f"{name}s"
    return f"{name}'s"
