"""The portal models package is one public face over private modules, one per job: every
name the single models.py offered is still imported from ``simulators.portal.models``, and
every public name a private module defines is exported there (no name drifts in or out
unseen)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import simulators.portal.models as models

#: What ``simulators.portal.models`` offered before the split, and offers now.
PUBLIC_NAMES = {
    "STEM_EDITABLE_FIELDS",
    "Account",
    "DueSchedule",
    "LinkPurpose",
    "LinkState",
    "LinkToken",
    "LockReason",
    "PasswordHash",
    "PortalBackend",
    "ProgramData",
    "Session",
    "access_closes_after",
    "apply_snapshot",
    "authorization_view",
    "check_employer_changes_allowed",
    "check_employer_deletion",
    "closure_notices",
    "contact_changes",
    "date_problems",
    "describe",
    "describe_authorization",
    "dummy_hash",
    "employer_after_edit",
    "employer_to_add",
    "employer_view",
    "field_changes",
    "inactivity_lock_due",
    "new_account",
    "new_employer_id",
    "new_secret",
    "next_due_day",
    "profile_from",
    "registration_link_expiry",
    "remove_stem_opt",
    "secret_digest",
    "shown_authorizations",
    "shown_employers",
    "unemployment",
}


def defined_publicly(module_name: str) -> set[str]:
    """The public names a module defines itself (not those it imports)."""
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if callable(value):  # classes, functions, cached functions
            if getattr(value, "__module__", None) == module_name:
                names.add(name)
        elif f"\n{name} = " in source:
            names.add(name)
    return names


def test_the_package_exports_exactly_the_names_models_py_offered() -> None:
    assert set(models.__all__) == PUBLIC_NAMES
    missing = sorted(name for name in PUBLIC_NAMES if not hasattr(models, name))
    assert not missing, f"names no longer importable from simulators.portal.models: {missing}"


def test_every_public_name_of_a_private_module_is_exported() -> None:
    private = [
        f"{models.__name__}.{info.name}"
        for info in pkgutil.iter_modules(models.__path__)
        if info.name.startswith("_")
    ]
    assert private, "the models package has no private modules"
    defined: dict[str, str] = {}
    for module_name in private:
        for name in defined_publicly(module_name):
            assert name not in defined, f"{name} defined in {defined[name]} and {module_name}"
            defined[name] = module_name
    assert set(defined) == set(models.__all__), (
        f"defined but not exported: {sorted(set(defined) - set(models.__all__))}; "
        f"exported but not defined in a private module: "
        f"{sorted(set(models.__all__) - set(defined))}"
    )
