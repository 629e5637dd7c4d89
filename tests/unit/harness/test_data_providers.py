"""The SEVP provider's faster first and last names are Faker's own: the same seed makes the
same names, streets and cities, so a seeded run (and a fuzz finding) replays as before."""

from __future__ import annotations

import pytest
from faker import Faker

from fixtures.providers import SevpProvider


@pytest.mark.parametrize("seed", [0, 1, 8, 42, 2**31 - 1])
def test_names_streets_and_cities_are_fakers_own_for_a_seed(seed: int) -> None:
    ours, plain = Faker("en_US"), Faker("en_US")
    ours.add_provider(SevpProvider)
    for fake in (ours, plain):
        fake.seed_instance(seed)

    def draws(fake: Faker) -> list[str]:
        return [
            value
            for _ in range(50)
            for value in (fake.first_name(), fake.last_name(), fake.street_address(), fake.city())
        ]

    assert draws(ours) == draws(plain)
    assert ours.first_name.__self__.__class__ is SevpProvider  # the fast draw was the one used
