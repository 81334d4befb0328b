from typing import Any

from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "kerne.development"
    label = "development"

    def ready(self) -> None:
        from kerne.evaluations.signals import round_published
        from kerne.organisation.signals import leaders_arrived, people_left

        round_published.connect(_create_report_talks, dispatch_uid="development.report_talks")
        leaders_arrived.connect(_start_onboardings, dispatch_uid="development.onboardings")
        people_left.connect(_end_onboardings, dispatch_uid="development.onboardings_end")


def _create_report_talks(sender: object, round_id: int, **kwargs: object) -> None:
    """A round's reports are released: each leader gets a report talk (the rule is the service's).

    The release has already committed when this runs, so a failure here is logged rather than
    turned into an error page for HR; calling the service again creates what is missing.
    """
    import logging

    from kerne.development.services.talks import report_talks_create

    try:
        report_talks_create(round_id=round_id, actor="kerne.development")
    except Exception:
        logging.getLogger(__name__).exception("Report talks for round %s were not created", round_id)


def _start_onboardings(sender: object, *, organisation: Any, person_ids: list[int], **kwargs: object) -> None:
    """The HR import (committed) found people new in a leading position: the service starts their onboarding."""
    import logging

    from kerne.development.services.onboarding import onboardings_start_for_arrivals

    try:
        onboardings_start_for_arrivals(organisation=organisation, person_ids=person_ids)
    except Exception:
        logging.getLogger(__name__).exception("Onboardings were not started for %s", person_ids)


def _end_onboardings(sender: object, *, organisation: Any, person_ids: list[int], **kwargs: object) -> None:
    """The HR import (inside its transaction) found people who left: the service ends their programmes.

    A savepoint of its own, so a failure here is logged and leaves the import as it was."""
    import logging

    from django.db import transaction

    from kerne.development.services.onboarding import onboardings_end_for_leavers

    try:
        with transaction.atomic():
            onboardings_end_for_leavers(organisation=organisation, person_ids=person_ids)
    except Exception:
        logging.getLogger(__name__).exception("Onboardings of %s were not ended", person_ids)
