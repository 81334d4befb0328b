from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "kerne.development"
    label = "development"

    def ready(self) -> None:
        from kerne.evaluations.signals import round_published

        round_published.connect(_create_report_talks, dispatch_uid="development.report_talks")


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
