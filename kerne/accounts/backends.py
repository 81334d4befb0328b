"""Who may sign in at all, for every way of signing in (password, single sign-on, a reset link).

A closed login (`User.is_active` off) never signs in, and neither does the login of a person who
has left the organisation (the HR import marks the person inactive): their login stays, with its
history, and works again if HR's file brings the person back.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.http import HttpRequest


def may_sign_in(user: Any) -> bool:
    if not getattr(user, "is_active", False):
        return False
    person = user.person if getattr(user, "person_id", None) else None
    return person is None or bool(person.active)


class ModelBackend(DjangoModelBackend):
    """E-mail and password, refusing people who have left (see the module's docstring)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if user is not None and may_sign_in(user) else None
