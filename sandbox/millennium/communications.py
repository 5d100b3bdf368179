"""`POST /Communication` (a Practitioner writes to Practitioners or Groups) and `PATCH` of its
email status (clinical/request-and-response/communication.md; lib/resources/r4/communication*.yaml)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sandbox.fhir.messages import FhirRequest, FhirResponse
from sandbox.fhir.store import now_instant

from .errors import Unprocessable
from .patch import parse_patch
from .systems import EMAIL_STATUS_SYSTEM, SNOMED, extension_url
from .versions import check_if_match, save
from .writing import Resource, WriteContext, answer, body_of, existing, ref_id

__all__ = ["create_communication", "email_status", "patch_communication"]

_CATEGORY = "http://terminology.hl7.org/CodeSystem/communication-category"
_CATEGORIES = {(_CATEGORY, "notification"), (_CATEGORY, "reminder"), (SNOMED, "312853008")}
_TYPES = ("application/xhtml+xml", "text/plain")
_CHARSETS = ("utf-8", "us-ascii")
_EMAIL_STATUS = extension_url("email-status")
_REPLY_TO = extension_url("reply-to")
_KEPT = ("status", "category", "priority", "subject", "topic", "encounter", "recipient", "sender")


def email_status(code: str) -> Resource:
    """The `email-status` extension (received, in-progress, completed)."""
    coding = {"system": EMAIL_STATUS_SYSTEM, "code": code, "display": code.replace("-", " ").title()}
    return {"url": _EMAIL_STATUS, "valueCodeableConcept": {"coding": [coding], "text": coding["display"]}}


async def create_communication(ctx: WriteContext, request: FhirRequest) -> FhirResponse:
    """Check the body field by field; the message text becomes a Binary the payload refers to."""
    body = body_of(request, "Communication")
    _check_parties(ctx, body)
    _check_coded(body)
    content_type, data = _payload(body)
    cid = ctx.ids.new("Communication")
    ctx.store.put({"resourceType": "Binary", "id": cid, "contentType": content_type, "data": data})
    now = now_instant()
    extensions = [e for e in body.get("extension") or () if e.get("url") == _REPLY_TO] + [email_status("received")]
    message = {
        "resourceType": "Communication",
        "id": cid,
        "extension": extensions,
        **{k: body[k] for k in _KEPT if k in body},
        "sent": now,
        "received": now,
        "payload": [{"contentReference": {"reference": f"Binary/{cid}"}}],
    }
    return answer(ctx, 201, save(ctx.store, message, created=True), location=True)


def _check_parties(ctx: WriteContext, body: Resource) -> None:
    sender = ref_id(body.get("sender"), "Practitioner")
    if sender is None or ctx.store.get("Practitioner", sender) is None:
        raise Unprocessable("Communication.sender must be a known Practitioner")
    recipients = body.get("recipient")
    if not isinstance(recipients, list) or not recipients:
        raise Unprocessable("Communication.recipient must name at least one Practitioner or Group")
    for r in recipients:
        if ref_id(r, "Practitioner") is None and ref_id(r, "Group") is None:
            raise Unprocessable("each Communication.recipient must be a Practitioner or a Group")
    if "subject" in body and ref_id(body["subject"], "Patient") is None:
        raise Unprocessable("Communication.subject must be a Patient")
    if "encounter" in body and "subject" not in body:
        raise Unprocessable("Communication.subject is required when writing an encounter")
    for ext in body.get("extension") or ():
        if ext.get("url") == _REPLY_TO and ref_id(ext.get("valueReference"), "Group") is None:
            raise Unprocessable("the reply-to extension must be a Group")


def _check_coded(body: Resource) -> None:
    if body.get("status") != "completed":
        raise Unprocessable("Communication.status must be completed")
    categories = body.get("category")
    codings = categories[0].get("coding") if isinstance(categories, list) and len(categories) == 1 else None
    if not isinstance(codings, list) or not any((c.get("system"), c.get("code")) in _CATEGORIES for c in codings):
        raise Unprocessable("Communication.category must be one of notification, reminder or SNOMED 312853008")
    if body.get("priority", "routine") not in ("routine", "urgent"):
        raise Unprocessable("Communication.priority must be routine or urgent")
    topic = body.get("topic")
    if topic is not None and (not isinstance(topic, dict) or set(topic) != {"text"}):
        raise Unprocessable("Communication.topic takes free text only")


def _payload(body: Resource) -> tuple[str, str]:
    payloads = body.get("payload")
    attachment = payloads[0].get("contentAttachment") if isinstance(payloads, list) and len(payloads) == 1 else None
    if not isinstance(attachment, dict) or not attachment.get("contentType") or not attachment.get("data"):
        raise Unprocessable("Communication.payload must be one contentAttachment with contentType and data")
    media, _, params = str(attachment["contentType"]).partition(";")
    charset = params.strip().lower().removeprefix("charset=") if params else "utf-8"
    if media.strip() not in _TYPES or charset not in _CHARSETS:
        raise Unprocessable("the payload must be application/xhtml+xml or text/plain, utf-8 or us-ascii")
    try:
        text = base64.b64decode(str(attachment["data"]), validate=True).decode(charset)
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable("the payload data must be base64") from exc
    if media.strip() == "application/xhtml+xml" and not _is_xhtml(text):
        raise Unprocessable("an XHTML payload must hold at least <!DOCTYPE html ...><html><body></body></html>")
    return str(attachment["contentType"]), str(attachment["data"])


def _is_xhtml(text: str) -> bool:
    lowered = text.lower()
    return "<!doctype html" in lowered and "<html" in lowered and "<body" in lowered


async def patch_communication(ctx: WriteContext, request: FhirRequest, cid: str) -> FhirResponse:
    """`replace /extension` with the email-status extension, the one patch documented."""
    current = existing(ctx.store, "Communication", cid)
    with ctx.locks.hold(("Communication", cid)):
        check_if_match(request, current)
        (op, *more) = parse_patch(request, {("replace", "/extension")})
        value: Any = op.value
        if more or not isinstance(value, list) or not value or any(e.get("url") != _EMAIL_STATUS for e in value):
            raise Unprocessable("only the email-status extension can be replaced")
        kept = [e for e in current.get("extension") or () if e.get("url") != _EMAIL_STATUS]
        stored = save(ctx.store, {**current, "extension": kept + value})
    return answer(ctx, 200, stored)
