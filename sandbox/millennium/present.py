"""Resources as Millennium answers them: a document's content is a Binary at an absolute URL."""

from __future__ import annotations

from typing import Any

__all__ = ["outgoing"]

Resource = dict[str, Any]


def outgoing(resource: Resource, base_url: str) -> Resource:
    """`resource` as answered: relative `content.attachment.url`s made absolute (document-reference.md,
    "URL (fully qualified link to the document)"). The stored resource is not changed."""
    if resource.get("resourceType") != "DocumentReference" or not resource.get("content"):
        return resource
    content = [_absolute(item, base_url) for item in resource["content"]]
    return {**resource, "content": content}


def _absolute(item: Any, base_url: str) -> Any:
    attachment = item.get("attachment") if isinstance(item, dict) else None
    url = attachment.get("url") if isinstance(attachment, dict) else None
    if not isinstance(url, str) or "://" in url or not isinstance(attachment, dict):
        return item
    return {**item, "attachment": {**attachment, "url": f"{base_url}/{url.lstrip('/')}"}}
