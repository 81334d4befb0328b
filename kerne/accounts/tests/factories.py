"""Test logins (factory_boy). Every user has the password PASSWORD unless told otherwise."""

from __future__ import annotations

import factory

from kerne.accounts.models import User
from kerne.organisation.tests.factories import OrganisationFactory

PASSWORD = "Rigtig-hemmelig-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"bruger{n}@example.dk")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    person = None
    is_org_admin = False
    password = factory.django.Password(PASSWORD)
