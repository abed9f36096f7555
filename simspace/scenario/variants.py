"""Variants: hypotheses written as partial scenarios, deep-merged into the base.

Mappings merge key by key; any other value (lists included) replaces the base value; `null`
removes the key so the model's default applies again.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from simspace.scenario.base import Strict


class Variant(Strict):
    """A named hypothesis: overrides deep-merged into the scenario (lists are replaced)."""

    description: str = Field(min_length=1, description="the hypothesis in one sentence")
    overrides: dict[str, Any] = Field(default_factory=dict, description="partial scenario")


def apply_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A new mapping: `base` with `overrides` deep-merged in; neither input is changed."""
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = apply_overrides(merged[key], value)
        else:
            merged[key] = value
    return merged
