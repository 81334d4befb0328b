"""Writes to the organisation: creating a tenant with its default role levels.

The HR import (kerne.organisation.hr_sync) writes units, people and positions.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kerne.core.audit import audit_record
from kerne.organisation.models import Organisation, OrgRoleLevel

# The role levels of a Danish kommune, lowest first: (key, name, leads others).
DEFAULT_ROLE_LEVELS: tuple[tuple[str, str, bool], ...] = (
    ("medarbejder", "Medarbejder", False),
    ("leder-af-medarbejdere", "Leder af medarbejdere", True),
    ("leder-af-ledere", "Leder af ledere", True),
    ("chef", "Chef", True),
    ("direktoer", "Direktør", True),
    ("kommunaldirektoer", "Kommunaldirektør", True),
)


@transaction.atomic
def organisation_create(*, name: str, slug: str, actor: Any) -> Organisation:
    """A new tenant with the default role levels (HR can rename and add levels afterwards)."""
    organisation = Organisation.objects.create(name=name, slug=slug)
    OrgRoleLevel.objects.bulk_create(
        OrgRoleLevel(organisation=organisation, key=key, name=label, rank=rank, is_leader=leads)
        for rank, (key, label, leads) in enumerate(DEFAULT_ROLE_LEVELS)
    )
    audit_record(actor=actor, action="organisation.created", obj=organisation, organisation=organisation)
    return organisation
