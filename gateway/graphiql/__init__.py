"""GraphiQL for people: the page, its local assets, and the demo's example operations."""

from .assets import ASSETS, AssetRoute
from .examples import EXAMPLES, Example
from .page import STATIC_PREFIX, render_page

__all__ = ["ASSETS", "EXAMPLES", "STATIC_PREFIX", "AssetRoute", "Example", "render_page"]
