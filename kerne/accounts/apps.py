from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kerne.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kerne.organisation.signals import people_left

        people_left.connect(_end_sessions_of_leavers, dispatch_uid="kerne.accounts.end_sessions_of_leavers")


def _end_sessions_of_leavers(sender: Any, *, organisation: Any, person_ids: list[int], **kwargs: Any) -> None:
    """People left the organisation in an HR import: sign their logins out (the service holds the rule)."""
    from kerne.accounts.services import sessions_end_for_leavers

    sessions_end_for_leavers(organisation=organisation, person_ids=person_ids)
