import pytest

from kerne.results.tests.builders import make_results_world


@pytest.fixture
def rw(db):
    return make_results_world()


@pytest.fixture
def live_rw(transactional_db):
    return make_results_world()
