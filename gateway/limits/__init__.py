"""Request limits checked before anything executes: depth, aliases, root fields and cost."""

from .cost import estimate_cost
from .extensions import is_limit_message, limit_extensions
from .refusal import TooComplex

__all__ = ["TooComplex", "estimate_cost", "is_limit_message", "limit_extensions"]
