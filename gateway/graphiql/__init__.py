"""GraphiQL for people: the page, its local assets, and its example tabs (from operations/)."""

from .assets import ASSETS, AssetRoute
from .examples import TABS, Example, examples
from .page import STATIC_PREFIX, render_page

__all__ = ["ASSETS", "STATIC_PREFIX", "TABS", "AssetRoute", "Example", "examples", "render_page"]
