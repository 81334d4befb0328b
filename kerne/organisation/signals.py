"""Notifications to the layers above organisation (which it may not import).

Used only to let a higher layer react to something that happened here; never for domain rules.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the HR import inside its transaction, with organisation=<Organisation> and person_ids=[…]:
# these people have left (are no longer in HR's file). Accounts ends their sessions; whatever a
# receiver writes commits, or rolls back, with the import.
people_left = Signal()
