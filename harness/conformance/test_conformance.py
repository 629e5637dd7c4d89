"""The conformance suite: every scenario of every feature, bound to the step library."""

from pytest_bdd import scenarios

from harness.suite import FEATURES_DIR

scenarios(str(FEATURES_DIR))
