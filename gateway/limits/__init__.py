"""Request limits checked before anything executes: shape, input sizes and cost."""

from .cost import CostLimits, estimate_cost
from .inputs import check_inputs
from .refusal import InputTooLarge, PageSizeRefused, TooComplex
from .shape import shape_rule

__all__ = ["CostLimits", "InputTooLarge", "PageSizeRefused", "TooComplex", "check_inputs", "estimate_cost",
           "shape_rule"]
