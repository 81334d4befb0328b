"""Notifications to the layers above organisation (which it may not import).

Used only to let a higher layer react to something that happened here; never for domain rules.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the HR import inside its transaction, with organisation=<Organisation> and person_ids=[…]:
# these people have left (are no longer in HR's file). Accounts ends their sessions; whatever a
# receiver writes commits, or rolls back, with the import.
people_left = Signal()

# Sent by the HR import once its transaction has committed, with organisation=<Organisation> and
# person_ids=[…]: these people are new in a leading position (hired, employed again, or promoted from
# a role level that does not lead others). The development app starts their onboarding. Not sent for
# an organisation's first import (everyone would be new), nor for a hire whose start date in the file
# is more than six months back.
leaders_arrived = Signal()
