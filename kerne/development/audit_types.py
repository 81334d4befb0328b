"""The development app's audit events: talks, LUS, plans, team dialogue, HR's settings, and every
view of a summary or a plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register

# Why the viewer may read it (kerne.development.access).
REASON = Detail(
    _("Access as"),
    values={
        "leader": _("the leader themselves"),
        "manager": _("the leader's own leader"),
        "line": _("a leader further up the line"),
        "hr": _("HR"),
    },
)
VERSION = Detail(_("Version"), as_number=False)
PARTY = Detail(_("Confirmed by"), values={"leader": _("the leader"), "manager": _("the own leader")})
AGREED = Detail(_("Agreed by both"), values={True: _("yes"), False: _("not yet")})
ITEM = Detail(_("Plan item number"), as_number=False)
SUMMARY = {"version": VERSION}
CONFIRMED = {"version": VERSION, "as": PARTY, "agreed": AGREED}

# Viewing someone's summary or plan, on screen or as PDF.
for what, label in (
    ("talk_summary", _("Summary of a report talk read")),
    ("talk_summary_pdf", _("Summary of a report talk downloaded as PDF")),
    ("lus_summary", _("Summary of a LUS read")),
    ("lus_summary_pdf", _("Summary of a LUS downloaded as PDF")),
    ("plan", _("Development plan read")),
    ("plan_pdf", _("Development plan downloaded as PDF")),
):
    register(f"development.{what}_viewed", label, details={"reason": REASON})

# Summaries: saved and confirmed (kind: talk, lus, plan, status).
for kind, saved, confirmed in (
    ("talk", _("Summary of a report talk saved"), _("Summary of a report talk confirmed")),
    ("lus", _("Summary of a LUS saved"), _("Summary of a LUS confirmed")),
    ("plan", _("Note on a development plan saved"), _("Note on a development plan confirmed")),
    ("status", _("Summary of a status talk saved"), _("Summary of a status talk confirmed")),
):
    register(f"development.{kind}_summary_saved", saved, details=SUMMARY)
    register(f"development.{kind}_summary_confirmed", confirmed, details=CONFIRMED)

register(
    "development.report_talks_created",
    _("Report talks created for a round"),
    details={"talks": Detail(_("Talks")), "due_on": Detail(_("To be held by"))},
)
register("development.talk_days_set", _("Days to hold the report talk set"), details={"days": Detail(_("Days"))})
register("development.talk_booked", _("Report talk booked"), details={"starts_at": Detail(_("Time"))})
register("development.talk_cancelled", _("Report talk cancelled"), details={"reason": Detail(_("Reason"))})
register(
    "development.reminders_sent",
    _("Reminders about report talks sent"),
    details={"talks": Detail(_("Talks")), "sent": Detail(_("Sent")), "failed": Detail(_("Not delivered"))},
)
register("development.lus_season_created", _("LUS season created"))
register("development.lus_card_saved", _("LUS question card saved"))
register("development.lus_card_deleted", _("LUS question card deleted"))
register("development.lus_convened", _("LUS convened"))
register("development.lus_booked", _("LUS booked"))
register("development.lus_seesaw_set", _("LUS seesaw set"))
register(
    "development.plan_started",
    _("Development plan started"),
    details={"previous": Detail(_("Previous plan"), as_number=False)},
)
register("development.plan_item_saved", _("Development plan item saved"), details={"item": ITEM, "version": VERSION})
register(
    "development.plan_item_deleted", _("Development plan item deleted"), details={"item": ITEM, "version": VERSION}
)
register(
    "development.plan_item_status_set",
    _("Status of a development plan item set"),
    details={"item": ITEM, "status": Detail(_("Status"))},
)
register("development.plan_confirmed", _("Development plan confirmed"), details=CONFIRMED)
register(
    "development.status_talk_recorded",
    _("Status talk recorded"),
    details={"number": Detail(_("Number"), as_number=False)},
)
register("development.dialogue_saved", _("Team dialogue saved"))
register("development.focus_point_added", _("Focus point added"))
register("development.focus_point_deleted", _("Focus point deleted"))
register("development.focus_point_linked", _("Focus point linked to the plan"))
register(
    "development.settings_set",
    _("Settings for development set"),
    details={
        "hr_access": Detail(_("HR reads")),
        "line_levels": Detail(_("Levels up the line who read")),
        "months": Detail(_("Months")),
        "needs_min_leaders": Detail(_("Fewest leaders in the needs picture")),
    },
)

# Onboarding of new leaders.
AS_PARTY = Detail(
    _("Ticked off as"),
    values={"leader": _("the new leader"), "manager": _("the own leader"), "mentor": _("the mentor"), "hr": _("HR")},
)
register(
    "development.onboarding_started",
    _("Onboarding of a new leader started"),
    details={
        "source": Detail(_("Started"), values={"import": _("from the HR import"), "manual": _("by HR")}),
        "mentor": Detail(
            _("Mentor"),
            values={"none": _("none found"), "suggested": _("suggested"), "confirmed": _("confirmed")},
        ),
    },
)
register("development.onboarding_step_done", _("Onboarding step ticked off"), details={"as": AS_PARTY})
register("development.onboarding_step_undone", _("Onboarding step ticked off undone"), details={"as": AS_PARTY})
register("development.onboarding_mentor_confirmed", _("Mentor of a new leader confirmed"))
register("development.onboarding_mentor_chosen", _("Mentor of a new leader chosen"))
register(
    "development.onboarding_cancelled",
    _("Onboarding of a new leader stopped"),
    details={"why": Detail(_("Why"), values={"left": _("the new leader has left (HR import)")})},
)
register("development.onboarding_mentor_left", _("The mentor of a new leader has left (HR import)"))
register(
    "development.onboarding_completed",
    _("Onboarding of a new leader completed"),
    details={"done": Detail(_("Steps done")), "steps": Detail(_("Steps"))},
)
register(
    "development.onboarding_templates_seeded",
    _("Onboarding templates seeded from the framework"),
    details={"templates": Detail(_("Templates"))},
)
register(
    "development.onboarding_template_step_saved",
    _("Step of an onboarding template saved"),
    details={"day": Detail(_("Day"), as_number=False)},
)
register("development.onboarding_template_step_deleted", _("Step of an onboarding template removed"))
register("development.onboarding_template_step_moved", _("Step of an onboarding template moved"))
# HR's catalogue of development activities.
ACTIVITY = {"name": Detail(_("Activity"))}
register("development.activity_created", _("Development activity added to the catalogue"), details=ACTIVITY)
register(
    "development.activity_changed",
    _("Development activity in the catalogue changed"),
    details={**ACTIVITY, "fields": Detail(_("Fields changed"))},
)
register("development.activity_deactivated", _("Development activity deactivated"), details=ACTIVITY)
register("development.activity_reactivated", _("Development activity offered again"), details=ACTIVITY)
register(
    "development.needs_exported",
    _("Picture of development needs downloaded"),
    details={"format": Detail(_("Format")), "unit": Detail(_("Unit"), as_number=False)},
)
