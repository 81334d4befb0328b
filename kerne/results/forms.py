"""Forms of result follow-up: they parse input and say what is wrong, in Danish; services write."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerne.frameworks.models import Node
from kerne.frameworks.selectors import visible_frameworks
from kerne.organisation import selectors as org
from kerne.organisation.models import Person, Unit
from kerne.results import periods, rules
from kerne.results.models import (
    Cadence,
    Committee,
    ImportFormat,
    Indicator,
    Source,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class AccessibleForm(forms.Form):
    """Ties help texts and errors to their inputs for screen readers (WCAG 1.3.1, 3.3.1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe(errors={})  # no validation here: subclasses set their querysets after this

    def describe(self, errors: Any) -> None:
        for name, field in self.fields.items():
            described = [f"id_{name}-error"] if errors.get(name) else []
            if field.help_text:
                described.append(f"id_{name}-help")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            if errors.get(name):
                field.widget.attrs["aria-invalid"] = "true"

    def full_clean(self) -> None:
        super().full_clean()
        self.describe(errors=self.errors)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{'– ' * obj.depth}{obj.name} ({obj.code})"


class UnitsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{'– ' * obj.depth}{obj.name} ({obj.code})"


class NodeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.framework.publisher}: {obj.framework.name} – {obj.name}"


def _number(text: str, *, required: bool = True) -> Decimal | None:
    if not text.strip():
        if required:
            raise forms.ValidationError(_("Write a number."))
        return None
    try:
        return rules.parse_number(text)
    except rules.NumberError as error:
        raise forms.ValidationError(str(error)) from error


# --- comments ---------------------------------------------------------------------------------


class CommentForm(AccessibleForm):
    period = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Why the value is where it is, and what you do about it. Leave it empty to remove the comment."
        ),
    )

    def __init__(self, *args: Any, frequency: str, **kwargs: Any) -> None:
        self.frequency = frequency
        super().__init__(*args, **kwargs)

    def clean_period(self) -> periods.Period:
        try:
            period = periods.parse_key(self.cleaned_data["period"])
        except periods.PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        if period.frequency != self.frequency:
            raise forms.ValidationError(_("The period does not fit the indicator."))
        return period


# --- imports ------------------------------------------------------------------------------------


class UploadForm(AccessibleForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,
        help_text=gettext_lazy(
            "CSV (semicolon, decimal comma) or Excel (.xlsx); or a saved answer from Danmarks Statistik or Jobindsats."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json,text/csv,application/json"}),
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ImportFormat.choices, initial=ImportFormat.TABLE
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator (for Danmarks Statistik and Jobindsats)"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=gettext_lazy("The indicator whose source settings say how the statistics map to units."),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Indicator.objects.filter(
            organisation_id=organisation_id, source_kind__in=[Source.STATBANK, Source.JOBINDSATS]
        ).order_by("name")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("file_format") in (ImportFormat.STATBANK, ImportFormat.JOBINDSATS) and not cleaned.get(
            "indicator"
        ):
            self.add_error("indicator", _("Choose the indicator the file holds."))
        return cleaned


# --- indicators and targets ------------------------------------------------------------------------


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    source_config_text = forms.CharField(
        label=gettext_lazy("Source settings (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=gettext_lazy(
            'For example {"table": "AUK01", "variables": {"OMRÅDE": ["860"]}}. See the documentation.'
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "key",
            "name",
            "description",
            "unit_label",
            "decimals",
            "direction",
            "frequency",
            "kind",
            "aggregation",
            "responsible_unit",
            "responsible_person",
            "contributing_units",
            "framework_nodes",
            "central",
            "data_source",
            "source_kind",
            "active",
        ]
        field_classes = {
            "responsible_unit": UnitChoiceField,
            "contributing_units": UnitsChoiceField,
            "framework_nodes": NodeChoiceField,
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: QuerySet[Unit] = org.units(viewer).order_by("path")
        self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["contributing_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["contributing_units"].widget.attrs["size"] = 8
        leaders: QuerySet[Person] = org.leaders(viewer).order_by("name")
        self.fields["responsible_person"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["framework_nodes"].queryset = (  # type: ignore[attr-defined]
            Node.objects.filter(framework__in=visible_frameworks(viewer), depth=0, general=False)
            .select_related("framework")
            .order_by("framework__publisher", "framework__name", "position")
        )
        self.fields["framework_nodes"].widget.attrs["size"] = 8
        if self.instance.pk:
            self.fields["source_config_text"].initial = json.dumps(
                self.instance.source_config or {}, ensure_ascii=False
            )
        for name, field in self.fields.items():
            if self.is_bound and self.errors.get(name):
                field.widget.attrs["aria-invalid"] = "true"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def clean_source_config_text(self) -> dict[str, Any]:
        text = self.cleaned_data.get("source_config_text", "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("The source settings are not valid JSON: %(error)s") % {"error": error}
            ) from error
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The source settings must be a JSON object ({…})."))
        return value


class TargetForm(AccessibleForm):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=10,
        help_text=gettext_lazy("A budget year (2026) or one period (2026M06, 2026K2, 2025/26)."),
    )
    value = forms.CharField(label=gettext_lazy("Target"), max_length=30)
    baseline = forms.CharField(
        label=gettext_lazy("Baseline"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Where the way to the target starts. Empty: the value of the period before."),
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty: the indicator's own unit."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org.units(viewer).order_by("path")  # type: ignore[attr-defined]

    def clean_value(self) -> Decimal | None:
        return _number(self.cleaned_data["value"])

    def clean_baseline(self) -> Decimal | None:
        return _number(self.cleaned_data.get("baseline", ""), required=False)


# --- goals --------------------------------------------------------------------------------------


class GoalForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = UnitChoiceField(label=gettext_lazy("Where the goal's total is read"), queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=Person.objects.none(), required=False)
    indicators = forms.ModelMultipleChoiceField(label=gettext_lazy("Indicators"), queryset=Indicator.objects.none())
    participants = UnitsChoiceField(label=gettext_lazy("Participating units"), queryset=Unit.objects.none())
    actors = forms.CharField(
        label=gettext_lazy("Outside actors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: the name, a colon and what they contribute."),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = org.units(viewer).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["participants"].queryset = units  # type: ignore[attr-defined]
        self.fields["participants"].widget.attrs["size"] = 10
        self.fields["owner"].queryset = org.leaders(viewer).order_by("name")  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            organisation_id=viewer.organisation_id, active=True
        ).order_by("name")

    def clean_actors(self) -> list[tuple[str, str]]:
        found = []
        for line in self.cleaned_data.get("actors", "").splitlines():
            if not line.strip():
                continue
            name, _sep, contribution = line.partition(":")
            found.append((name.strip()[:200], contribution.strip()))
        return found


# --- committees and statuses -----------------------------------------------------------------------


class CommitteeForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence"), choices=Cadence.choices)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Responsible direktør"), queryset=Person.objects.none(), required=False
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("Days after the period"),
        min_value=0,
        max_value=180,
        initial=30,
        help_text=gettext_lazy("The status is due this many days after each period."),
    )
    reminder_days = forms.IntegerField(
        label=gettext_lazy("Reminder days before"),
        min_value=0,
        max_value=90,
        initial=14,
        help_text=gettext_lazy("The responsible leaders are reminded this many days before a status is due."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators the committee follows"), queryset=Indicator.objects.none()
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = org.leaders(viewer).order_by("name")  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            organisation_id=viewer.organisation_id, active=True
        ).order_by("name")
        self.fields["indicators"].widget.attrs["size"] = 10

    @classmethod
    def initial_for(cls, committee: Committee) -> dict[str, Any]:
        return {
            "name": committee.name,
            "cadence": committee.cadence,
            "owner": committee.owner_id,
            "due_days": committee.due_days,
            "reminder_days": committee.reminder_days,
            "indicators": [line.indicator_id for line in committee.lines.all()],
            "active": committee.active,
        }


class StatusForm(AccessibleForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("The direktør's text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What the committee should know: the picture, the challenges, what is being done."),
    )


class StatusNewForm(AccessibleForm):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=())

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices  # type: ignore[attr-defined]
