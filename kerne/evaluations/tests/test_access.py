"""kerne.evaluations.access: one answer to who runs a round and who decides rater changes; selectors
that take a viewer use it; services take the acting user."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from kerne.accounts import policy
from kerne.evaluations import access, rates, selectors, services
from kerne.evaluations.models import ApprovalBy, RaterChange
from kerne.evaluations.tests.builders import build_org, prepared_round

pytestmark = pytest.mark.django_db
KERNE = Path(__file__).resolve().parents[2]


def test_nobody_decides_on_their_own_raters():
    """HR who is also evaluated as a leader asks like any leader; somebody else decides."""
    org = build_org(slug="egen")
    chef = org.user_for("chef")
    chef.is_org_admin = True
    chef.save(update_fields=["is_org_admin"])
    round_ = prepared_round(org)
    own = round_.subjects.get(person=org.people["chef"])
    other = round_.subjects.get(person=org.people["l1"])
    assert (access.subject_role(chef, own), access.subject_role(chef, other)) == ("self", "hr")
    assert (access.may_decide_for(chef, own), access.may_decide_for(chef, other)) == (False, True)
    change = services.rater_change_request(
        subject=own, kind="add", group_key="partners", name="Ole", email="ole@x.dk", actor=chef
    )
    assert selectors.approvals_for(chef) == []
    with pytest.raises(PermissionDenied):
        services.rater_change_decide(change=change, approve=True, actor=chef)
    with pytest.raises(RaterChange.DoesNotExist):
        selectors.approval_for(chef, change.pk)
    assert RaterChange.objects.get(pk=change.pk).state == RaterChange.State.PENDING
    assert selectors.approvals_for(org.hr) == [change]
    services.rater_change_decide(change=change, approve=True, actor=org.hr)
    assert RaterChange.objects.get(pk=change.pk).state == RaterChange.State.APPROVED


def test_the_own_leader_decides_only_when_the_round_says_so():
    org = build_org(slug="leder")
    hr_round = prepared_round(org)
    manager_round = prepared_round(org, name="Anden runde", approval_by=ApprovalBy.MANAGER)
    chef = org.user_for("chef")
    for round_, role in ((hr_round, None), (manager_round, "manager")):
        subject = round_.subjects.get(person=org.people["l1"])
        assert access.subject_role(chef, subject) == role
        assert access.subject_role(org.user_for("l2"), subject) is None
        assert access.subject_role(org.user_for("l1"), subject) == "self"
    other = build_org(slug="andenkommune")
    assert access.subject_role(other.hr, manager_round.subjects.get(person=org.people["l1"])) is None
    assert not access.is_hr_of(other.hr, org.organisation)
    assert access.is_hr_of(org.hr, org.organisation.pk)


def test_selectors_that_take_a_viewer_use_it():
    org = build_org(slug="laeser")
    round_ = prepared_round(org)
    leader = org.user_for("l1")
    subject = round_.subjects.get(person=org.people["l1"])
    for read in (selectors.round_setup, selectors.round_progress, selectors.raters_without_email):
        assert read(org.hr, round_) is not None
        with pytest.raises(PermissionDenied):
            read(leader, round_)
    assert selectors.subject_raters(leader, subject).block.subject == subject
    with pytest.raises(PermissionDenied):
        selectors.subject_raters(org.user_for("l2"), subject)
    with pytest.raises(PermissionDenied):
        rates.counted_at(build_org(slug="fremmed").hr, round_)


def test_the_acting_user_of_a_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        policy.actor_of(request)
    org = build_org(slug="handler")
    request.user = org.hr
    assert policy.actor_of(request) == org.hr


def test_selectors_do_not_import_services():
    found = []
    for path in KERNE.glob("*/selectors.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found += [f"{path.parent.name}: {n}" for n in names if ".services" in n or n.endswith(".services")]
    assert found == []
