"""Forensic tests of rater anonymity (issue 9, docs/privacy.md T2 and T3).

A round is answered through the real rater pages (drafts, a reminder half-way, comments, some
raters who never send), then closed. The attacker gets the raw database files, the secret key,
the web server's access log, the mail log (whole mails, links included) and the application's
log lines, and, in the second test, also a copy of the database taken while the round was open.
Nothing may let it tie a kept response or comment to a rater better than chance; and nothing
derived from a link may be left in the files.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from kerne.accounts.tests.factories import UserFactory
from kerne.evaluations import answering, closing, keys, services
from kerne.evaluations.models import Comment, Draft, GroupKey, Invitation, Response, Round, SealedResponse
from kerne.evaluations.tests import forensics
from kerne.evaluations.tests.builders import holstebro, link_path
from kerne.frameworks.services import role_level_mapping_save_suggested
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory

ANONYMOUS = {GroupKey.EMPLOYEES, GroupKey.PEERS, GroupKey.PARTNERS}
PRODUCTION_LIKE = {
    # The database backends a production set-up without Redis has: the rate-limit counters and
    # the task rows live in the database, where a copy of it would find them.
    "CACHES": {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kerne_cache"},
        "ratelimit": {"BACKEND": "kerne.core.counters.CounterDatabaseCache", "LOCATION": "kerne_ratelimit"},
    },
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
}


def build_wide_org(leaders: int = 3, employees: int = 9) -> tuple[Any, Any]:
    """A chef with `leaders` leaders of employees, each with `employees` staff: many raters per group."""
    organisation = OrganisationFactory(name="Forensisk Kommune", slug="forensisk")
    hr = UserFactory(organisation=organisation, is_org_admin=True, email="hr@forensisk.dk")
    top = UnitFactory(organisation=organisation, name="Social og Sundhed", code="SS")
    old = dt.date(2015, 1, 1)

    def person(key: str, name: str, role: str, unit: Any, manager: Any) -> Any:
        return PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role,
            manager=manager,
            start_date=old,
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@forensisk.dk",
        ).person

    chef = person("chef", "Carla Chef", "chef", top, None)
    for index in range(1, leaders + 1):
        unit = UnitFactory(organisation=organisation, parent=top, name=f"Center {index}", code=f"C{index}")
        leader = person(f"l{index}", f"Leder Nummer {index}", "leder-af-medarbejdere", unit, chef)
        for n in range(employees):
            person(f"e{index}-{n}", f"Ansat {index}-{n}", "medarbejder", unit, leader)
    return organisation, hr


def answers_for(form: answering.Questionnaire, rng: random.Random) -> dict[str, str]:
    values = ["1", "2", "3", "4", "5", "0"]
    return {item.field: rng.choice(values) for _a, items, _c in form.areas for item in items}


def run_worker(evidence: forensics.Evidence) -> None:
    """The task worker sends the queued mail, as in production; the mail log records it."""
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    forensics.record_mail(evidence, mail.outbox)


def drive_round(evidence: forensics.Evidence, *, mid_round_copy: bool) -> dict[str, Any]:
    """Open a round, have its raters answer through the pages, close it. Returns the ground truth."""
    rng = random.Random(20261201)
    organisation, hr = build_wide_org()
    today = dt.date.today()
    round_ = services.round_create(
        organisation=organisation,
        settings=services.RoundSettings(
            name="Forensisk runde",
            framework=holstebro(),
            opens_on=today,
            closes_on=today + dt.timedelta(days=14),
            comment_areas=["stabil-drift"],
        ),
        actor=hr,
    )
    role_level_mapping_save_suggested(organisation=organisation, framework=round_.framework, actor=hr)
    services.subjects_select(round_=round_, actor=hr)
    services.raters_propose(round_=round_, actor=hr)
    services.round_open(round_=round_, actor=hr)
    run_worker(evidence)
    round_.refresh_from_db()

    invitations = list(Invitation.objects.filter(round=round_).select_related("subject", "group", "round"))
    truth: dict[forensics.RaterKey, dict[str, Any]] = {}
    ip = {inv.email: f"10.1.{n // 250}.{n % 250 + 1}" for n, inv in enumerate(invitations)}
    browsers: dict[tuple[str, int], forensics.LoggedBrowser] = {}
    plan = forensics.shuffled(invitations, seed=7)
    never = set(plan[: len(plan) // 10])  # a tenth save a draft and never send
    first_half, second_half = plan[: len(plan) // 2], plan[len(plan) // 2 :]

    def answer(invitation: Invitation, *, submit: bool) -> None:
        key = (invitation.email, invitation.subject_id)
        browser = browsers.setdefault(key, forensics.LoggedBrowser(evidence, ip[invitation.email]))
        url = browser.open(link_path(invitation))
        form = answering.questionnaire(answering.rater_for_token(answering.link_for(invitation)))
        data = answers_for(form, rng)
        comment = f"Kommentar {rng.getrandbits(64):x} om samarbejdet."
        half = dict(list(data.items())[: len(data) // 2])
        browser.post(url, {**half, "c-stabil-drift": comment, "action": "save"})
        if not submit:
            return
        response = browser.post(url, {**data, "c-stabil-drift": comment, "action": "submit"})
        assert response.status_code == 200
        truth[forensics.RaterKey(invitation.email, invitation.subject.name)] = {
            "group": invitation.group.key,
            "subject": invitation.subject_id,
            "answers": {k[2:]: int(v) for k, v in data.items()},
            "comment": comment,
        }

    for invitation in first_half:
        answer(invitation, submit=invitation not in never)
    # Half-way: HR sends a reminder; the worker sends it with the same links.
    services.reminders_send_now(round_=round_, actor=hr)
    run_worker(evidence)
    during = forensics.read_copy() if mid_round_copy else None
    secrets_while_open = {
        "token hashes": [i.token_hash.encode() for i in Invitation.objects.filter(round=round_)],
        "sealed links": [bytes(i.sealed_token) for i in Invitation.objects.filter(round=round_)],
        "draft ids": [d.encode() for d in Draft.objects.values_list("id", flat=True)],
        "drafts": [bytes(d) for d in Draft.objects.values_list("data", flat=True)],
        "sealed responses": [bytes(d) for d in SealedResponse.objects.values_list("data", flat=True)],
    }
    for invitation in second_half:
        answer(invitation, submit=invitation not in never)
    secrets_while_open["sealed responses"] += [bytes(d) for d in SealedResponse.objects.values_list("data", flat=True)]
    secrets_while_open["links"] = [t.encode() for t in forensics.links_by_rater(evidence.mail_log)]
    closing.round_close(round_=round_, actor=hr)  # commits; the scrub runs after the commit
    # On a shared PostgreSQL server another database's open transaction can hold back the
    # vacuum: the round clock retries the scrub until it is done, and so does this test.
    deadline = time.monotonic() + 120
    while not Round.objects.get(pk=round_.pk).scrubbed_at and time.monotonic() < deadline:
        time.sleep(1)
        closing.round_scrub(round_.pk)
    round_.refresh_from_db()
    return {"round": round_, "truth": truth, "during": during, "secrets": secrets_while_open}


def score(guesses: dict[forensics.RaterKey, Any], owner_of: dict[Any, forensics.RaterKey], truth: dict) -> int:
    return sum(1 for rater, row in guesses.items() if rater in truth and owner_of.get(row) == rater)


def owners(truth: dict[forensics.RaterKey, dict[str, Any]]) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Which kept response and which comment is really whose (the test knows what each rater sent)."""
    by_answers = {(t["subject"], tuple(sorted(t["answers"].items()))): rater for rater, t in truth.items()}
    response_owner = {}
    for response in Response.objects.all():
        key = (response.subject_id, tuple(sorted((k, v) for k, v in response.answers.items())))
        response_owner[response.pk] = by_answers[key]
    by_comment = {t["comment"]: rater for rater, t in truth.items()}
    comment_owner = {c.pk: by_comment[c.text] for c in Comment.objects.all()}
    return response_owner, comment_owner


def check(result: dict[str, Any], evidence: forensics.Evidence) -> None:
    round_ = result["round"]
    truth = {r: t for r, t in result["truth"].items() if t["group"] in ANONYMOUS}
    assert round_.scrubbed_at is not None, "the files were not vacuumed after closing"
    assert not keys.exists(round_.link_code), "the round's key file survived closing"
    after = forensics.read_copy()

    # Nothing derived from a link, and nothing sealed or drafted, is left anywhere in the files.
    for label, values in result["secrets"].items():
        left = [v for v in values if v and v in after.image]
        assert left == [], f"{len(left)} {label} still in the database files after closing"

    guesses = forensics.attack(evidence, after, result["during"])
    assert guesses.secrets_found == []

    response_owner, comment_owner = owners(result["truth"])
    sizes: dict[tuple[int, str], int] = {}
    for t in truth.values():
        sizes[(t["subject"], t["group"])] = sizes.get((t["subject"], t["group"]), 0) + 1
    bound = forensics.chance_bound(sizes.values())
    assert len(truth) >= 25, "too few anonymous raters for the test to mean anything"
    for strategy, mapping in guesses.responses.items():
        right = score(mapping, response_owner, truth)
        assert right <= bound, (
            f"{strategy}: {right} of {len(truth)} responses tied to their rater (chance ≤ {bound:.0f})"
        )
    for strategy, mapping in guesses.comments.items():
        right = score(mapping, comment_owner, truth)
        assert right <= bound, (
            f"{strategy}: {right} of {len(truth)} comments tied to their rater (chance ≤ {bound:.0f})"
        )


class CollectLogs(logging.Handler):
    def __init__(self, evidence: forensics.Evidence) -> None:
        super().__init__(level=logging.DEBUG)
        self.evidence = evidence

    def emit(self, record: logging.LogRecord) -> None:
        self.evidence.app_log.append(self.format(record))


@pytest.fixture
def evidence(settings):
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)
    call_command("createcachetable", verbosity=0)
    collected = forensics.Evidence()
    handler = CollectLogs(collected)
    # The handlers of settings.LOGGING hide links; so must anything that reaches the root logger.
    from kerne.core.logging import HideRaterLinks

    handler.addFilter(HideRaterLinks())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    mail.outbox.clear()
    yield collected
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_a_copy_after_closing_ties_no_rater_to_an_answer(evidence):
    result = drive_round(evidence, mid_round_copy=False)
    check(result, evidence)


@pytest.mark.django_db(transaction=True)
def test_a_copy_while_open_and_one_after_closing_tie_no_rater_to_an_answer(evidence):
    result = drive_round(evidence, mid_round_copy=True)
    during = result["during"]
    # While open, the copy holds the sealed responses and drafts, but nothing that opens them.
    assert len(during.sealed) > 0
    check(result, evidence)


def test_the_attacker_would_tie_answers_to_raters_in_the_old_design():
    """The attack is not blind: on kept rows in submit order (the old design) it finds everyone."""
    raters = [forensics.RaterKey(f"e{n}@x.dk", "Leder") for n in range(10)]
    evidence = forensics.Evidence()
    for n, rater in enumerate(raters):
        token = f"abcdefgh.{n:043d}"
        evidence.mail_log.append(
            forensics.MailLine(0, rater.email, "", f"Hej\n* Dit syn på Leders ledelse (x)\n  /svar/{token}/")
        )
        evidence.access_log += [
            forensics.AccessLine(n, f"10.0.0.{n}", "GET", f"/svar/{token}/", 303),
            forensics.AccessLine(n + 0.1, f"10.0.0.{n}", "GET", f"/svar/s/h{n}/", 200),
            forensics.AccessLine(n + 0.2, f"10.0.0.{n}", "POST", f"/svar/s/h{n}/", 200),
        ]
    old_style = forensics.Copy(
        image=b"",
        invitations=[(r.email, 1, "Leder", "employees", False) for r in raters],
        responses=[(f"r{n}", 1, "employees") for n in range(10)],
        comments=[],
        sealed=[],
    )
    guesses = forensics.attack(evidence, old_style)
    owner = {f"r{n}": rater for n, rater in enumerate(raters)}
    truth = {rater: {} for rater in raters}
    assert score(guesses.responses["submit order"], owner, truth) == 10
    assert forensics.chance_bound([10]) < 10
