"""Request limits checked before anything executes: root fields, depth, aliases, fields and cost."""

from .cost import estimate_cost
from .refusal import TooComplex
from .shape import shape_rule

__all__ = ["TooComplex", "estimate_cost", "shape_rule"]
