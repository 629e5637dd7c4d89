"""The harness's public face: what vendors and QA engineers may import. A change here is
an API change and must be deliberate."""

import harness

EXPECTED = {
    "RULES",
    "HttpPortal",
    "PortalDriver",
    "PortalFactory",
    "Profile",
    "Rule",
    "ScenarioFailure",
    "StudentActor",
    "TargetError",
    "World",
    "__version__",
    "reference_portal",
    "rule",
}


def test_the_exported_names_are_exactly_the_public_api() -> None:
    assert set(harness.__all__) == EXPECTED
    assert all(hasattr(harness, name) for name in EXPECTED)


def test_both_drivers_satisfy_the_protocol() -> None:
    from fixtures.factories import DataFactory
    from harness.targets import in_memory_world

    world = in_memory_world(DataFactory(seed=1))
    assert isinstance(world.portal, harness.PortalDriver)
    with harness.HttpPortal("http://127.0.0.1:9") as http:
        assert isinstance(http, harness.PortalDriver)
