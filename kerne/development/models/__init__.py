"""Tables of the development app, one module per subject.

- settings: the organisation's rules (who beyond the two parties sees what, status-talk months) and
  the round's talk deadline;
- talks: the report talk after a round's release, with its reminders;
- lus: the yearly leader development conversation (season, cards, the conversation);
- records: what both parties write and confirm (summaries, in versions) and what one writes alone
  (private notes);
- plans: the development plan, its versions, items and status talks;
- catalogue: HR's catalogue of development activities linked to the framework;
- dialogue: the dialogue meeting with the employees and the team's focus points;
- onboarding: new leaders' programmes, HR's templates per role level, the mentor;
- reflection: anyone's private self-reflection on the statements for everyone (only its owner reads it).
"""

from kerne.development.models.catalogue import Activity, ActivityKind
from kerne.development.models.dialogue import DialogueFormat, FocusPoint, TeamDialogue
from kerne.development.models.lus import ConversationCard, Lus, LusSeason, LusStatus
from kerne.development.models.onboarding import (
    MentorStatus,
    Onboarding,
    OnboardingSource,
    OnboardingStatus,
    OnboardingStep,
    OnboardingTemplate,
    OnboardingTemplateStep,
    Responsible,
    StepKind,
)
from kerne.development.models.plans import (
    ActionKind,
    ItemStatus,
    Plan,
    PlanItem,
    PlanStatus,
    PlanVersion,
    StatusTalk,
    TargetKind,
)
from kerne.development.models.records import PrivateNote, Summary
from kerne.development.models.reflection import Reflection, ReflectionAnswer
from kerne.development.models.settings import HrAccess, OrganisationSettings, RoundTalkSettings
from kerne.development.models.talks import ReportTalk, TalkStatus

__all__ = [
    "ActionKind",
    "Activity",
    "ActivityKind",
    "ConversationCard",
    "DialogueFormat",
    "FocusPoint",
    "HrAccess",
    "ItemStatus",
    "Lus",
    "LusSeason",
    "LusStatus",
    "MentorStatus",
    "Onboarding",
    "OnboardingSource",
    "OnboardingStatus",
    "OnboardingStep",
    "OnboardingTemplate",
    "OnboardingTemplateStep",
    "OrganisationSettings",
    "Plan",
    "PlanItem",
    "PlanStatus",
    "PlanVersion",
    "PrivateNote",
    "Reflection",
    "ReflectionAnswer",
    "ReportTalk",
    "Responsible",
    "RoundTalkSettings",
    "StatusTalk",
    "StepKind",
    "Summary",
    "TalkStatus",
    "TargetKind",
    "TeamDialogue",
]
