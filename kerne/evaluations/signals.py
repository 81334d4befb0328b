"""Notifications to the layers above evaluations (which it may not import).

Used only to let a higher layer react to something that happened here, such as preparing the
reports of a round that has just closed; never for domain rules.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the closing transaction commits, with round_id=<id>.
round_closed = Signal()
# Sent after the release transaction commits, with round_id=<id>: the reports may now be read.
round_published = Signal()
