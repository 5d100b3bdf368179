"""Request limits checked before anything executes: root fields, depth, aliases, fields and cost."""

from .cost import CostLimits, estimate_cost
from .refusal import PageSizeRefused, TooComplex
from .shape import shape_rule

__all__ = ["CostLimits", "PageSizeRefused", "TooComplex", "estimate_cost", "shape_rule"]
