pytest_plugins = ["harness.plugin", "tests.tiers"]
