"""Forms for setting up a round and changing raters.

They check only the shape of the input (dates, whole numbers, choices from the lists offered) and
ask services.validate_settings for the rules of a round, so the rules live in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerne.evaluations import minimums, services
from kerne.evaluations.models import ApprovalBy, GroupKey
from kerne.frameworks.models import Framework, Node, Statement
from kerne.frameworks.selectors import visible_frameworks
from kerne.organisation.models import Organisation, OrgRoleLevel, Unit
from kerne.organisation.selectors import build_unit_tree

OWN_STATEMENT_ROWS = 3
OPTIONAL_GROUPS = [GroupKey.MANAGER, GroupKey.PEERS, GroupKey.EMPLOYEES, GroupKey.PARTNERS]
MINIMUM_GROUPS = [GroupKey.EMPLOYEES, GroupKey.PEERS, GroupKey.PARTNERS]
_DAYS = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)*$")


class AccessibleForm(forms.Form):
    """Ties help texts and errors to their inputs for screen readers (aria-describedby, aria-invalid)."""

    def describe_fields(self) -> None:
        for name, form_field in self.fields.items():
            auto_id = self[name].auto_id
            described = []
            if self.is_bound and self.errors.get(name):
                described.append(f"{auto_id}-error")
                form_field.widget.attrs["aria-invalid"] = "true"
            if form_field.help_text:
                described.append(f"{auto_id}-help")
            # Groups of checkboxes and radio buttons are described on their fieldset instead.
            if described and not isinstance(form_field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                form_field.widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        self.describe_fields()


def _unit_rows(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in tree order (siblings by name) with their depth below the top shown."""
    rows: list[tuple[Unit, int]] = []

    def walk(nodes: list[Any], depth: int) -> None:
        for node in nodes:
            rows.append((node.unit, depth))
            walk(node.children, depth + 1)

    walk(build_unit_tree(units), 0)
    return rows


def framework_areas(framework: Framework | None) -> list[tuple[str, str]]:
    """The framework's top-level areas (key, name) in the document's order."""
    if framework is None:
        return []
    return list(
        Node.objects.filter(framework=framework, parent__isnull=True).order_by("position").values_list("key", "name")
    )


class RoundForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Name of the round"), max_length=200, required=False)
    framework = forms.ModelChoiceField(
        label=gettext_lazy("Framework"),
        queryset=Framework.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the frameworks in the list.")},
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opening date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Choose the opening date."),
            "invalid": gettext_lazy("Write the date as dd-mm-yyyy."),
        },
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closing date"),
        help_text=gettext_lazy("Raters can answer until the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Choose the closing date."),
            "invalid": gettext_lazy("Write the date as dd-mm-yyyy."),
        },
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose units from the organisation's list.")},
    )
    role_levels = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Role levels"),
        queryset=OrgRoleLevel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose role levels from the list.")},
    )
    min_months_as_leader = forms.IntegerField(
        label=gettext_lazy("Months as leader before being evaluated"),
        initial=6,
        min_value=0,
        max_value=120,
        help_text=gettext_lazy("Leaders appointed more recently are left out; you can include them afterwards."),
    )
    min_months_employed = forms.IntegerField(
        label=gettext_lazy("Months employed before rating one's leader"),
        initial=3,
        min_value=0,
        max_value=120,
    )
    enabled_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Rater groups"),
        required=False,
        choices=[(str(key), key.label) for key in OPTIONAL_GROUPS],
        initial=[str(key) for key in OPTIONAL_GROUPS],
        widget=forms.CheckboxSelectMultiple,
    )
    min_employees = forms.IntegerField(
        label=gettext_lazy("Employees"), initial=minimums.EMPLOYEES_MINIMUM, min_value=0, max_value=50
    )
    min_peers = forms.IntegerField(
        label=gettext_lazy("Fellow leaders"), initial=minimums.PEERS_MINIMUM, min_value=0, max_value=50
    )
    min_partners = forms.IntegerField(
        label=gettext_lazy("Partners"), initial=minimums.PARTNERS_MINIMUM, min_value=0, max_value=50
    )
    report_to_hr = forms.BooleanField(label=gettext_lazy("HR sees the personal reports"), required=False, initial=True)
    report_levels_above = forms.TypedChoiceField(
        label=gettext_lazy("Levels above the own leader who see the report"),
        coerce=int,
        choices=[(0, gettext_lazy("None")), (1, gettext_lazy("One level")), (2, gettext_lazy("Two levels"))],
        initial=0,
        widget=forms.RadioSelect,
    )
    retention_days = forms.IntegerField(
        label=gettext_lazy("Days the raw answers are kept after closing"),
        initial=30,
        min_value=0,
        help_text=gettext_lazy("The results snapshot is kept; only the individual answers are deleted."),
    )
    comment_areas = forms.MultipleChoiceField(
        label=gettext_lazy("Comment fields"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose areas of the chosen framework.")},
    )
    allow_dont_know = forms.BooleanField(label=gettext_lazy("Offer “Don’t know”"), required=False, initial=True)
    reminder_days = forms.CharField(
        label=gettext_lazy("Reminders, days before closing"),
        initial="3, 0",
        required=False,
        max_length=100,
        help_text=gettext_lazy("Days separated by commas; 0 is the closing day. Leave empty for no reminders."),
    )
    approval_by = forms.ChoiceField(
        label=gettext_lazy("Who approves a leader's changes to their raters"),
        choices=ApprovalBy.choices,
        initial=ApprovalBy.HR,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, viewer: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only frameworks with statements: a round needs something to ask.
        frameworks = (
            visible_frameworks(viewer)
            .filter(pk__in=Statement.objects.values("framework_id"))
            .order_by("publisher", "name")
        )
        framework_field: Any = self.fields["framework"]
        framework_field.queryset = frameworks
        framework_field.label_from_instance = lambda fw: f"{fw.name} ({fw.publisher})"
        # With htmx, choosing another framework fetches its areas for the comment fields.
        framework_field.widget.attrs.update(
            {
                "hx-get": reverse("evaluations:round_new_areas"),
                "hx-trigger": "change",
                "hx-target": "#comment-areas",
                "hx-swap": "outerHTML",
            }
        )
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=14)
        units: QuerySet[Unit] = Unit.objects.filter(organisation=organisation, active=True)
        self._units = list(units)
        units_field: Any = self.fields["units"]
        units_field.queryset = units
        levels_field: Any = self.fields["role_levels"]
        levels_field.queryset = OrgRoleLevel.objects.filter(organisation=organisation, is_leader=True).order_by("rank")
        self.chosen_framework = self._chosen_framework(list(frameworks))
        self.areas = framework_areas(self.chosen_framework)
        comment_field: Any = self.fields["comment_areas"]
        comment_field.choices = self.areas
        area_choices = [("", _("Own statements (an area of their own)")), *self.areas]
        for index in range(1, OWN_STATEMENT_ROWS + 1):
            self.fields[f"own_text_{index}"] = forms.CharField(
                label=_("Own statement %(number)s") % {"number": index}, required=False, max_length=1000
            )
            self.fields[f"own_area_{index}"] = forms.ChoiceField(
                label=_("Area of own statement %(number)s") % {"number": index},
                required=False,
                choices=area_choices,
                error_messages={"invalid_choice": _("Choose an area of the chosen framework.")},
            )

    def _chosen_framework(self, frameworks: list[Framework]) -> Framework | None:
        raw = self.data.get("framework") if self.is_bound else self.initial.get("framework")
        chosen = next((fw for fw in frameworks if str(fw.pk) == str(getattr(raw, "pk", raw))), None)
        return chosen or (frameworks[0] if frameworks else None)

    # --- for the template ---

    def unit_rows(self) -> list[tuple[Unit, int, bool]]:
        value = self["units"].value() or []
        checked = {str(v) for v in value}
        return [(unit, depth, str(unit.pk) in checked) for unit, depth in _unit_rows(self._units)]

    def own_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"own_text_{i}"], self[f"own_area_{i}"]) for i in range(1, OWN_STATEMENT_ROWS + 1)]

    def scale_text(self) -> str:
        return ", ".join(f"{value} {label}" for value, label in enumerate(services.DEFAULT_SCALE, start=1))

    def minimum_fields(self) -> list[forms.BoundField]:
        return [self[f"min_{key}"] for key in MINIMUM_GROUPS]

    # --- checking ---

    def clean_name(self) -> str:
        return str(self.cleaned_data.get("name") or "").strip()

    def clean_reminder_days(self) -> list[int]:
        raw = str(self.cleaned_data.get("reminder_days") or "").strip()
        if not raw:
            return []
        if not _DAYS.match(raw):
            raise forms.ValidationError(_("Write the days as whole numbers separated by commas, e.g. 3, 0."))
        return [int(part) for part in raw.split(",")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The round's rules are checked even when some fields are malformed, so every problem is
        # reported at once; a field that already has an error keeps just that one.
        settings = self._settings(partial=True)
        for key, message in services.validate_settings(settings, today=timezone.localdate()).items():
            if key in self.fields and self.has_error(key):
                continue
            self.add_error(key if key in self.fields else None, message)
        return cleaned

    def round_settings(self) -> services.RoundSettings | None:
        """The settings for services.round_create; None while the form has errors."""
        if not self.is_valid():
            return None
        return self._settings(partial=False)

    def _settings(self, *, partial: bool) -> services.RoundSettings:
        """Settings from the cleaned data; with `partial`, missing or malformed values get defaults."""
        data = self.cleaned_data
        today = timezone.localdate()
        opens_on = data.get("opens_on") or today
        own = []
        for index in range(1, OWN_STATEMENT_ROWS + 1):
            text = str(data.get(f"own_text_{index}") or "").strip()
            if text:
                own.append((text, str(data.get(f"own_area_{index}") or "")))
        chosen = {
            str(key): data[f"min_{key}"] if data.get(f"min_{key}") is not None else services.DEFAULT_GROUPS[key][0]
            for key in MINIMUM_GROUPS
        }
        return services.RoundSettings(
            name=data.get("name", "") if not partial or "name" in data else "-",
            framework=data.get("framework"),  # type: ignore[arg-type]  # None only while checking
            opens_on=opens_on,
            closes_on=data.get("closes_on") or opens_on,
            units=list(data.get("units") or []),
            role_levels=list(data.get("role_levels") or []),
            min_months_as_leader=data.get("min_months_as_leader") or 0,
            min_months_employed=data.get("min_months_employed") or 0,
            group_minimums=chosen,
            enabled_groups=[str(GroupKey.SELF), *data.get("enabled_groups", [])],
            report_to_hr=bool(data.get("report_to_hr")),
            report_levels_above=int(data.get("report_levels_above") or 0),
            retention_days=data.get("retention_days") or 0,
            comment_areas=list(data.get("comment_areas") or []),
            own_statements=own,
            reminder_days=list(data.get("reminder_days") or []),
            allow_dont_know=bool(data.get("allow_dont_know")),
            approval_by=str(data.get("approval_by") or ApprovalBy.HR),
        )


# --- raters -----------------------------------------------------------------------------------------


class AddColleagueForm(AccessibleForm):
    """A leader (or HR) adds a person of the organisation as rater."""

    person = forms.TypedChoiceField(
        label=gettext_lazy("Colleague"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose a colleague in the list."),
            "invalid_choice": gettext_lazy("Choose a colleague in the list."),
        },
    )
    group = forms.ChoiceField(label=gettext_lazy("As"))
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=300)

    def __init__(self, *args: Any, people: list[Any], groups: list[Any], **kwargs: Any) -> None:
        kwargs["prefix"] = "colleague"
        super().__init__(*args, **kwargs)
        person_field: Any = self.fields["person"]
        person_field.choices = [("", _("Choose a colleague")), *[(p.pk, p.name) for p in people]]
        group_field: Any = self.fields["group"]
        group_field.choices = [(g.key, g.get_key_display()) for g in groups]
        group_field.error_messages["invalid_choice"] = _("Choose one of the rater groups in the list.")


class AddByEmailForm(AccessibleForm):
    """Someone outside the list: an outside partner (or a colleague) by name and e-mail address."""

    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, error_messages={"required": gettext_lazy("Give the name.")}
    )
    email = forms.CharField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        error_messages={"required": gettext_lazy("Give the e-mail address.")},
    )
    group = forms.ChoiceField(label=gettext_lazy("As"))
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=300)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any) -> None:
        kwargs["prefix"] = "outside"
        super().__init__(*args, **kwargs)
        group_field: Any = self.fields["group"]
        group_field.choices = [(g.key, g.get_key_display()) for g in groups]
        group_field.error_messages["invalid_choice"] = _("Choose one of the rater groups in the list.")
        if not self.is_bound and any(g.key == GroupKey.PARTNERS for g in groups):
            self.initial.setdefault("group", str(GroupKey.PARTNERS))
        email_field: Any = self.fields["email"]
        email_field.widget = forms.EmailInput(attrs={"autocomplete": "off"})


class RemoveForm(AccessibleForm):
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=300)


class ResendForm(AccessibleForm):
    email = forms.CharField(label=gettext_lazy("E-mail address"), required=False, max_length=254)
