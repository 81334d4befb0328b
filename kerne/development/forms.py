"""Forms of the development pages: they parse and say what is wrong in Danish; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kerne.development.models import ActionKind, ActivityKind, DialogueFormat, HrAccess, ItemStatus, TargetKind
from kerne.development.models.settings import (
    MAX_NEEDS_MIN_LEADERS,
    MAX_TALK_DAYS,
    MIN_NEEDS_MIN_LEADERS,
    MIN_TALK_DAYS,
)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
ACTION_ROWS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), input_formats=DATETIME_FORMATS, widget=DateTimeInput())
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480, initial=60)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My notes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class SummaryForm(forms.Form):
    text = forms.CharField(
        label=_("What we agreed"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the talk cancelled?"), max_length=300)


class ItemForm(forms.Form):
    target_kind = forms.ChoiceField(
        label=_("What does the item develop?"), choices=TargetKind.choices, widget=forms.RadioSelect
    )
    statement_keys = forms.MultipleChoiceField(
        label=_("Statements"), required=False, widget=forms.CheckboxSelectMultiple
    )
    node_key = forms.ChoiceField(label=_("Competency or area"), required=False)
    own_title = forms.CharField(label=_("My own point"), max_length=200, required=False)
    goal = forms.CharField(label=_("Goal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    support = forms.CharField(
        label=_("Support from the own leader"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    activity = forms.TypedChoiceField(
        label=_("Activity from the catalogue"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Optional. Activities that develop what the item points at are listed first."),
    )

    def __init__(
        self,
        *args: Any,
        statements: list[tuple[str, str]],
        nodes: list[tuple[str, str]],
        activities: tuple[list[Any], list[Any]] = ([], []),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        linked, others = activities
        choices: list[Any] = [("", _("No activity from the catalogue"))]
        if linked:
            choices.append((_("Develops what the item points at"), [(a.pk, _activity_label(a)) for a in linked]))
        if others:
            choices.append((_("Other activities in the catalogue"), [(a.pk, _activity_label(a)) for a in others]))
        self.fields["activity"].choices = choices  # type: ignore[attr-defined]
        self.fields["statement_keys"].choices = statements  # type: ignore[attr-defined]
        self.fields["node_key"].choices = [("", "–"), *nodes]  # type: ignore[attr-defined]
        for index in range(ACTION_ROWS):
            self.fields[f"action_kind_{index}"] = forms.ChoiceField(
                label=_("Kind of action %(n)s") % {"n": index + 1},
                choices=[("", "–"), *ActionKind.choices],
                required=False,
            )
            self.fields[f"action_text_{index}"] = forms.CharField(
                label=_("Action %(n)s") % {"n": index + 1}, max_length=500, required=False
            )

    def actions(self) -> list[dict[str, str]]:
        return [
            {
                "kind": self.cleaned_data.get(f"action_kind_{i}", ""),
                "text": self.cleaned_data.get(f"action_text_{i}", ""),
            }
            for i in range(ACTION_ROWS)
        ]

    def action_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"action_kind_{i}"], self[f"action_text_{i}"]) for i in range(ACTION_ROWS)]


def _activity_label(activity: Any) -> str:
    label = f"{activity.name} ({activity.get_kind_display().lower()}"
    if activity.provider:
        label += f", {activity.provider}"
    return label + ")"


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "–"), *ActivityKind.choices])
    framework = forms.TypedChoiceField(label=_("Framework"), coerce=int)
    node_keys = forms.MultipleChoiceField(
        label=_("Areas and competencies it develops"), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)
    link = forms.CharField(
        label=_("Link"), max_length=500, required=False, help_text=_("A full web address, e.g. https://…")
    )
    duration = forms.CharField(
        label=_("Duration"), max_length=100, required=False, help_text=_("Optional, e.g. “3 days over two months”.")
    )
    price = forms.CharField(
        label=_("Price"), max_length=100, required=False, help_text=_("Optional, e.g. “12.500 kr. per participant”.")
    )

    def __init__(
        self,
        *args: Any,
        frameworks: list[tuple[int, str]],
        nodes: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [("", "–"), *frameworks]  # type: ignore[attr-defined]
        # Node keys of every framework; the service checks they belong to the chosen one.
        self.fields["node_keys"].choices = nodes  # type: ignore[attr-defined]


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in ItemStatus if s != ItemStatus.DRAFT],
    )


class StatusTalkForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    note = forms.CharField(
        label=_("What was said"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeasonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    framework = forms.ChoiceField(label=_("Framework"))
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())

    def __init__(self, *args: Any, frameworks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = frameworks  # type: ignore[attr-defined]


class CardForm(forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=200)
    questions = forms.CharField(
        label=_("Questions, one a line"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    mandatory = forms.BooleanField(label=_("Mandatory in every LUS"), required=False)


class ConveneForm(BookingForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), input_formats=DATETIME_FORMATS, widget=DateTimeInput(), required=False
    )
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480, initial=90)


class SettingsForm(forms.Form):
    hr_access = forms.ChoiceField(
        label=_("What HR sees of agreed summaries and plans"), choices=HrAccess.choices, widget=forms.RadioSelect
    )
    line_levels = forms.TypedChoiceField(
        label=_("Levels above the own leader who read agreed summaries and plans"),
        choices=[(0, _("None")), (1, "1"), (2, "2")],
        coerce=int,
    )
    months = forms.CharField(
        label=_("Status talks, months after the plan is agreed"), max_length=40, help_text=_("For example “4, 8”.")
    )

    needs_min_leaders = forms.IntegerField(
        label=_("Fewest leaders in a figure of the picture of development needs"),
        min_value=MIN_NEEDS_MIN_LEADERS,
        max_value=MAX_NEEDS_MIN_LEADERS,
        required=False,
        help_text=_("A count from fewer leaders with a plan is hidden. At least 3."),
    )

    def clean_months(self) -> list[int]:
        raw = self.cleaned_data["months"].replace(";", ",").replace(" ", ",")
        parts = [p for p in raw.split(",") if p]
        if not parts or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Give whole months separated by commas, for example “4, 8”."))
        return [int(p) for p in parts]


class TalkDaysForm(forms.Form):
    days = forms.IntegerField(label=_("Days after the release"), min_value=MIN_TALK_DAYS, max_value=MAX_TALK_DAYS)


class DialogueForm(forms.Form):
    fmt = forms.ChoiceField(label=_("Format"), choices=DialogueFormat.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DateInput())


class FocusPointForm(forms.Form):
    text = forms.CharField(label=_("Focus point"), max_length=300)


class SeesawForm(forms.Form):
    """Two shares per area (situation, time), built from the framework's areas."""

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for key, name in areas:
            self.fields[f"situation_{key}"] = forms.IntegerField(label=name, min_value=0, max_value=100)
            self.fields[f"time_{key}"] = forms.IntegerField(label=name, min_value=0, max_value=100)

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [(name, self[f"situation_{key}"], self[f"time_{key}"]) for key, name in self.areas]

    def values(self, prefix: str) -> dict[str, Any]:
        return {key: self.data.get(f"{prefix}_{key}", "") for key, _name in self.areas}
