"""iCalendar invitations (RFC 5545) for talks, LUS and status talks, built with the icalendar library.

Pure: plain values in, the bytes of an ``.ics`` file out. Every invitation of one meeting keeps
the same UID and a rising SEQUENCE, so Outlook and other calendars update the entry they already
have rather than adding a second one. A meeting without a booked time is an all-day entry on its
due date (``DTSTART;VALUE=DATE``), so it stands in the calendar as the deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar

PRODID = "-//Kerne//Udvikling//DA"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    title: str
    description: str
    due_on: dt.date
    starts_at: dt.datetime | None = None
    minutes: int = 60
    location: str = ""
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    cancelled: bool = False


def ics(invitation: Invitation, *, stamp: dt.datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("summary", invitation.title)
    event.add("description", invitation.description)
    if invitation.starts_at is not None:
        # In UTC: every calendar reads it, and no VTIMEZONE table has to travel with the file.
        start = invitation.starts_at.astimezone(dt.UTC)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=invitation.minutes))
    else:
        event.add("dtstart", invitation.due_on)
        event.add("dtend", invitation.due_on + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline, not a busy day
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.organizer is not None:
        organizer = icalendar.vCalAddress(f"mailto:{invitation.organizer.email}")
        organizer.params["cn"] = icalendar.vText(invitation.organizer.name)
        event.add("organizer", organizer)
    for person in invitation.attendees:
        attendee = icalendar.vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = icalendar.vText(person.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
