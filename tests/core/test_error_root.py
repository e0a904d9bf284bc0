"""Every exception crmdsl defines derives from `crmdsl.CrmdslError`, so one `except` catches all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import crmdsl
from crmdsl.errors import CrmdslError


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(crmdsl.__path__, "crmdsl."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
            ):
                found[f"{info.name}.{name}"] = value
    return found


def test_every_exception_of_the_package_derives_from_crmdsl_error() -> None:
    classes = _exception_classes()
    # the ones the package is known to define, so the walk cannot silently find nothing
    for known in (
        "crmdsl.views.mermaid_text.MermaidLimitError",
        "crmdsl.views.svg.RenderError",
        "crmdsl.formatter.layout.FormatBug",
        "crmdsl.edit.patch.EditError",
        "crmdsl.linter.config.ConfigError",
    ):
        assert known in classes
    strays = sorted(name for name, cls in classes.items() if not issubclass(cls, CrmdslError))
    assert strays == []


def test_the_mermaid_input_error_is_still_a_value_error() -> None:
    from crmdsl.views.mermaid_text import MermaidInputError

    assert issubclass(MermaidInputError, ValueError)
    assert issubclass(MermaidInputError, crmdsl.CrmdslError)
