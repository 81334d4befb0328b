from kerne.results.tests.conftest import rw  # noqa: F401 - the results world, shared
