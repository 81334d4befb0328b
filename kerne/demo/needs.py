"""Demo data for the picture of development needs: HR's catalogue of eight development activities
linked to the demo framework's areas and competencies, and plan items that chose some of them.

Built after demo_development (it needs the plans). The items are written as the plan services
would have written them (the demo's plans are dated back), so the needs page shows counts, chosen
activities, results from the latest released round and, in the small units, hidden cells.
"""

from __future__ import annotations

from kerne.accounts.models import User
from kerne.development.models import Activity, ItemStatus, Plan, PlanItem, PlanStatus
from kerne.development.selectors import plan_nodes
from kerne.development.services.catalogue import ActivityData, activity_save
from kerne.evaluations.models import Round, RoundStatus
from kerne.organisation.models import Organisation

# name, kind, provider, description, duration, price, link
ACTIVITIES = [
    (
        "Forandringsledelse i praksis",
        "course",
        "COK – Center for Offentlig Kompetenceudvikling",
        "Tre kursusdage om at lede medarbejdere gennem forandringer, med opgaver mellem dagene.",
        "3 dage over 2 måneder",
        "12.500 kr. pr. deltager",
        "https://www.cok.dk/",
    ),
    (
        "Netværk for ledere på ældreområdet",
        "network",
        "HR og Ledelsesudvikling",
        "Fire møder om året med sparring på tværs af plejecentre og hjemmepleje.",
        "4 møder om året",
        "",
        "",
    ),
    (
        "Mentorforløb for nye ledere",
        "mentoring",
        "HR og Ledelsesudvikling",
        "Et halvt års forløb med en erfaren leder fra en anden del af organisationen.",
        "6 måneder",
        "",
        "",
    ),
    (
        "Diplomuddannelse i ledelse: Strategisk ledelse",
        "course",
        "UCL Erhvervsakademi og Professionshøjskole",
        "Diplommodul om strategi, styring og ledelse af kerneopgaven.",
        "10 ECTS, ét semester",
        "19.800 kr.",
        "https://www.ucl.dk/",
    ),
    (
        "Coachende samtaler og feedback",
        "course",
        "Lederakademiet",
        "To dage om den gode feedback, sparring og coachende spørgsmål i hverdagen.",
        "2 dage",
        "7.900 kr. pr. deltager",
        "",
    ),
    (
        "Data som afsæt for ledelse",
        "course",
        "Økonomi og Analyse",
        "Workshop om at bruge nøgletal, trivselsmålinger og resultater i dialogen med medarbejderne.",
        "1 dag",
        "",
        "",
    ),
    (
        "Ledernetværk om tværgående samarbejde",
        "network",
        "Direktionens sekretariat",
        "Netværk for chefer og ledere af ledere om opgaver, der går på tværs af forvaltningerne.",
        "6 møder om året",
        "",
        "",
    ),
    (
        "Sparringsgruppe om arbejdsmiljø og trivsel",
        "other",
        "Arbejdsmiljøorganisationen",
        "Faste sparringsmøder for ledere om psykisk arbejdsmiljø, sygefravær og trivsel.",
        "Hver anden måned",
        "",
        "",
    ),
]


def demo_needs(organisation: Organisation, hr: User) -> None:
    """The catalogue and the plan items that chose from it (one call from demo_development)."""
    if Activity.objects.filter(organisation=organisation).exists():
        return
    round_ = (
        Round.objects.filter(organisation=organisation, status=RoundStatus.PUBLISHED).order_by("-closed_at").first()
    )
    if round_ is None:
        return
    framework = round_.framework
    nodes = plan_nodes(framework)
    areas = [n for n in nodes if n.depth == 0]
    competencies = [n for n in nodes if n.depth == 1] or areas
    if not areas:
        return
    activities = []
    for index, (name, kind, provider, description, duration, price, link) in enumerate(ACTIVITIES):
        area = areas[index % len(areas)]
        under = [c for c in competencies if c.parent_id == area.pk] or competencies
        keys = [area.key, under[index % len(under)].key] if under[0].pk != area.pk else [area.key]
        activities.append(
            activity_save(
                actor=hr,
                data=ActivityData(
                    name=name,
                    kind=kind,
                    framework_id=framework.pk,
                    node_keys=keys,
                    description=description,
                    provider=provider,
                    link=link,
                    duration=duration,
                    price=price,
                ),
            )
        )
    plans = list(
        Plan.objects.filter(organisation=organisation, framework=framework)
        .exclude(status=PlanStatus.CLOSED)
        .order_by("pk")
    )
    new_items = []
    for index, plan in enumerate(plans):
        if index % 4 == 3:
            continue  # some plans keep to their own points
        # Most leaders want what the first two activities offer: the demand for next year's courses.
        activity = activities[0 if index % 3 else 1] if index % 5 else activities[index % len(activities)]
        node_key = activity.node_keys[-1]
        chose = index % 2 == 0
        new_items.append(
            PlanItem(
                plan=plan,
                position=5,
                target_kind="competency",
                node_key=node_key,
                goal="Styrke min ledelse på netop dette område, så medarbejderne mærker forskellen",
                actions=[{"kind": activity.kind if activity.kind != "other" else "other", "text": activity.name}],
                due_on=None,
                activity=activity if chose else None,
                status=ItemStatus.AGREED if plan.status == PlanStatus.AGREED else ItemStatus.DRAFT,
            )
        )
    PlanItem.objects.bulk_create(new_items)
