import pytest

from kerne.development.tests.builders import build_world


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, mailoutbox):
    result = build_world(django_capture_on_commit_callbacks)
    mailoutbox.clear()
    return result
