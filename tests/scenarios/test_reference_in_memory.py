"""The whole conformance suite against the embedded reference portal, in memory."""

from pytest_bdd import scenarios

from harness.suite import FEATURES_DIR

scenarios(str(FEATURES_DIR))
