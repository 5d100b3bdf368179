"""Per-request context, loaders, identity linking, federation, access rules, business rules."""

from .context import RequestContext
from .principal import Principal, Role
from .services import ResolverSettings, Services

__all__ = ["Principal", "RequestContext", "ResolverSettings", "Role", "Services"]
