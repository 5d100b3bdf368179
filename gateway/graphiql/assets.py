"""GraphiQL's static files, served from the local node_modules (a fixed allow-list, no CDN)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from .mount import MOUNT_JS

__all__ = ["ASSETS", "AssetRoute"]

ASSETS: dict[str, str] = {  # URL file name → path under the assets dir (node_modules)
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
}
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_CACHE = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}


class AssetRoute:
    """`GET /graphiql/static/{file}`: allow-listed files only; 404 for anything else."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def missing(self) -> list[str]:
        """Allow-listed files not present under the assets dir (for a startup warning)."""
        return [name for name, rel in ASSETS.items() if not (self._root / rel).is_file()]

    async def serve(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name == "mount.js":
            return Response(MOUNT_JS, media_type=_TYPES[".js"], headers=_CACHE)
        relative = ASSETS.get(name)
        if relative is None or not (self._root / relative).is_file():
            return PlainTextResponse("Not found", status_code=404)
        suffix = Path(name).suffix
        return FileResponse(self._root / relative, media_type=_TYPES[suffix], headers=_CACHE)
