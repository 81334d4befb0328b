"""Building the demo data set. Each part of Kerne adds its step here as it is built."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kerne.accounts.models import User
from kerne.organisation.models import Organisation
from kerne.organisation.services import organisation_create

DEMO_SLUG = "demo-kommune"
DEMO_PASSWORD = "kerne-demo-2026"  # noqa: S105 - a published demo password, printed by bin/run
DEMO_ADMIN_EMAIL = "hr@demo-kommune.dk"


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_create(*, seed: int) -> Organisation:
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first() or organisation_create(
        name="Demo Kommune", slug=DEMO_SLUG, actor="manage.py demo"
    )
    admin, created = User.objects.get_or_create(
        email=DEMO_ADMIN_EMAIL,
        defaults={
            "first_name": "Hanne",
            "last_name": "Rasmussen",
            "organisation": organisation,
            "is_org_admin": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    return organisation


def demo_login_list() -> list[tuple[str, str]]:
    return [(DEMO_ADMIN_EMAIL, _("HR administrator"))]
