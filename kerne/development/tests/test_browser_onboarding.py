"""A new leader from the HR import, their own leader, the mentor and HR work through the onboarding in
headless Chromium, with axe-core (WCAG 2.1 A and AA) on every page at 1280 and 390 pixels wide."""

from __future__ import annotations

import pytest

from kerne.accounts.tests.factories import UserFactory
from kerne.development.models import MentorStatus, Onboarding, OnboardingStep, OnboardingTemplate
from kerne.development.tests.test_browser import checked, log_in, submit
from kerne.development.tests.test_onboarding import csv, first_file, second_file
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Person
from kerne.organisation.services import organisation_create

pytestmark = pytest.mark.browser


@pytest.fixture
def kommune(live_frameworks, settings, live_server):
    settings.KERNE_BASE_URL = live_server.url
    from kerne.development.models import LusSeason
    from kerne.development.tests.test_onboarding import TODAY, dt

    organisation = organisation_create(name="Kommune", slug="kommune", actor="test")
    hr = UserFactory(organisation=organisation, is_org_admin=True, email="hr@k.dk")
    org_import_apply(organisation=organisation, data=csv(first_file()), filename="a.csv", actor=hr)
    LusSeason.objects.create(
        organisation=organisation,
        name="LUS 2026",
        framework=live_frameworks["holstebro-social-og-sundhed"],
        starts_on=TODAY + dt.timedelta(days=150),
        ends_on=TODAY + dt.timedelta(days=240),
    )
    org_import_apply(organisation=organisation, data=csv(second_file()), filename="b.csv", actor=hr)
    return organisation, hr


def login_of(organisation, number):
    person = Person.objects.get(organisation=organisation, employee_number=str(number))
    return UserFactory(organisation=organisation, person=person, email=person.email)


def test_the_new_leader_the_own_leader_the_mentor_and_hr(live_server, kommune, page, axe):
    base = live_server.url
    organisation, hr = kommune
    onboarding = Onboarding.objects.get(leader__employee_number="111")  # started by the import
    leader, manager, mentor = (login_of(organisation, n) for n in (111, 10, 21))

    # The new leader opens the step from Min side and ticks it off with a note.
    log_in(page, base, leader)
    page.goto(base + "/konto/min-side/")
    checked(page, axe, "Min side")
    submit(page, page.get_by_role("link", name="Dit onboardingforløb: Læs ledelsesgrundlaget"))
    checked(page, axe, "Onboarding: Emil Første")
    assert page.get_by_text("HR finder en mentor").is_visible()
    page.get_by_label("Note (valgfri)").first.fill("Læst. Spørgsmål om værdierne.")
    submit(page, page.get_by_role("button", name="Kryds “Læs ledelsesgrundlaget” af"))
    assert page.get_by_text("“Læs ledelsesgrundlaget” er krydset af.").is_visible()
    checked(page, axe)
    assert page.get_by_role("button", name="Kryds “Velkomstsamtale med din leder” af").count() == 0

    # HR: the overview, the mentor (confirmed), the templates with a bad step, the start page.
    log_in(page, base, hr)
    page.goto(base + "/udvikling/hr/onboarding/")
    checked(page, axe, "Nye ledere: onboarding")
    submit(page, page.get_by_role("link", name="Bekræft Lars Øst").first)
    checked(page, axe, "Mentor for Emil Første")
    submit(page, page.get_by_role("button", name="Bekræft Lars Øst som mentor"))
    assert page.get_by_text("Lars Øst er mentor.").is_visible()
    checked(page, axe)
    page.goto(base + "/udvikling/hr/onboarding/skabeloner/")
    checked(page, axe, "Skabeloner for onboarding")
    template = OnboardingTemplate.objects.get(organisation=organisation, role_level__key="leder-af-medarbejdere")
    submit(page, page.get_by_role("link", name="Leder af medarbejdere"))
    checked(page, axe, "Skabelon for onboarding: Leder af medarbejdere")
    steps_before = template.steps.count()
    page.fill("#day-new", "-4")
    page.fill("#title-new", "Besøg på rådhuset")
    page.locator("#day-new").evaluate("e => e.removeAttribute('min')")
    submit(page, page.get_by_role("button", name="Tilføj trinnet"))
    assert page.get_by_text("Dag: giv et helt antal dage fra første dag, fra 0 til 182").is_visible()
    assert page.locator("#title-new").input_value() == "Besøg på rådhuset"
    assert template.steps.count() == steps_before
    checked(page, axe)
    page.goto(base + "/udvikling/hr/onboarding/start/")
    checked(page, axe, "Start et onboardingforløb")

    # The own leader and the mentor each tick their own step.
    log_in(page, base, manager)
    page.goto(base + f"/udvikling/onboarding/{onboarding.pk}/")
    checked(page, axe, "Onboarding: Emil Første")
    submit(page, page.get_by_role("button", name="Kryds “Velkomstsamtale med din leder” af"))
    checked(page, axe)
    log_in(page, base, mentor)
    page.goto(base + "/udvikling/onboarding/")
    checked(page, axe, "Onboarding af nye ledere")
    submit(page, page.get_by_role("link", name="Emil Første"))
    submit(page, page.get_by_role("button", name="Kryds “Første møde med din mentor” af"))
    checked(page, axe)

    onboarding.refresh_from_db()
    assert onboarding.mentor_status == MentorStatus.CONFIRMED
    done = OnboardingStep.objects.filter(onboarding=onboarding, done_at__isnull=False)
    assert sorted((s.title, s.done_by_id) for s in done) == sorted(
        [
            ("Læs ledelsesgrundlaget", leader.pk),
            ("Velkomstsamtale med din leder", manager.pk),
            ("Første møde med din mentor", mentor.pk),
        ]
    )
    assert done.get(title="Læs ledelsesgrundlaget").note == "Læst. Spørgsmål om værdierne."
