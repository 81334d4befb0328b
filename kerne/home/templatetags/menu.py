"""The main menu shows each person only what can hold something for them.

An employee who is not a leader has nothing under Evaluering (raters answer through their own
links, listed on Min side) and no reports unless they were once evaluated as a leader; HR and
leaders see both. Pages still check every permission themselves: this only decides the menu.
"""

from __future__ import annotations

from typing import Any

from django import template

from kerne.accounts import policy
from kerne.reports import access

register = template.Library()


@register.simple_tag
def menu_for(user: Any) -> dict[str, bool]:
    """{"evaluations": …, "reports": …} for the menu; at most two small queries, once per request."""
    cached: dict[str, bool] | None = getattr(user, "_kerne_menu", None)
    if cached is not None:
        return cached
    menu = {"evaluations": False, "reports": False}
    if getattr(user, "is_authenticated", False):
        if policy.is_org_admin(user) or policy.is_leader(user):
            menu = {"evaluations": True, "reports": True}
        else:
            person = policy.person_of(user)
            if person is not None:
                evaluated, reads = access.evaluated_or_reading(person)
                menu = {"evaluations": evaluated, "reports": evaluated or reads}
        user._kerne_menu = menu
    return menu
