"""Secure messages written to GENESIS: a new thread's root or a reply, as a `Communication`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ...base import Filters, PageRequest
from ...errors import SourceUnavailable
from ...fhir.bundle import Resource
from ...fhir.values import instant, ref_id, ref_type
from ...records import MessageRecord, MessageThreadRecord, RecordKind
from ...writes import NewThread, Reply, Sent, WriteRefused
from .. import mapping
from .base import REQUEST_SYSTEM, GenesisWriter, map_context

__all__ = ["reply", "start_thread"]

_KIND = RecordKind.MESSAGE.value


def _ref(resource_type: str, rid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": f"{resource_type}/{rid}"}
    if display:
        out["display"] = display
    return out


def _sent_instant(value: dt.datetime) -> str:
    """`sent` to the millisecond: messages a moment apart must still order newest first."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _communication(key: str, patient: Mapping[str, Any], body: str, sent_at: dt.datetime) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "identifier": [{"system": REQUEST_SYSTEM, "value": key}],
        "status": "completed",
        "subject": dict(patient),
        "sender": dict(patient),
        "sent": _sent_instant(sent_at),
        "payload": [{"contentString": body}],
    }


async def _create(writer: GenesisWriter, key: str, resource: Mapping[str, Any]) -> Resource:
    search = [("identifier", f"{REQUEST_SYSTEM}|{key}")]
    stored = await writer.client.create_conditional(_KIND, resource, search)
    if "sent" not in stored:  # answered without a body: read what was stored
        stored = await writer.client.read(_KIND, "Communication", str(stored.get("id")))
    return stored


def _sent(writer: GenesisWriter, members: list[Resource], root_id: str, message_id: str) -> Sent:
    """Map the thread (its root and replies, the new message among them) to records."""
    unique = list({str(c.get("id")): c for c in members}.values())
    ctx = map_context(writer, *unique)
    bundle = ctx.bundle
    threads = [t for t in mapping.threads(bundle, ctx, PageRequest(first=1)) if isinstance(t, MessageThreadRecord)]
    page = PageRequest(first=len(unique), filters=Filters(thread_id=root_id))
    messages = [m for m in mapping.messages(bundle, ctx, page) if isinstance(m, MessageRecord)]
    thread = next((t for t in threads if t.provenance.source_id == root_id), None)
    message = next((m for m in messages if m.provenance.source_id == message_id), None)
    if thread is None or message is None:
        raise SourceUnavailable(writer.source, "unreadable answer (Communication)")
    return Sent(thread, message)


async def start_thread(writer: GenesisWriter, new: NewThread) -> Sent:
    """Write the root of a new thread (topic = subject, recipient = the care team)."""
    patient = _ref("Patient", new.patient_id, new.patient_display)
    resource = _communication(new.request_key, patient, new.body, new.sent_at)
    resource["recipient"] = [_ref("CareTeam", new.care_team_id, new.care_team_name)]
    resource["topic"] = {"text": new.subject}
    stored = await _create(writer, new.request_key, resource)
    rid = str(stored.get("id"))
    return _sent(writer, [stored], rid, rid)


def _newest(members: list[Resource]) -> Resource:
    return max(
        members, key=lambda c: (instant(c.get("sent")) or dt.datetime.min.replace(tzinfo=dt.UTC), str(c.get("id")))
    )


async def reply(writer: GenesisWriter, r: Reply) -> Sent:
    """Write a reply: partOf the root, inResponseTo the newest message, to the thread's practitioner."""
    params = [("_id", r.thread_id), ("_revinclude", "Communication:part-of")]
    bundle = await writer.client.search_all(_KIND, "Communication", params)
    members = [c for c in bundle.resources("Communication") if c.get("status") != "entered-in-error"]
    root = next((c for c in members if str(c.get("id")) == r.thread_id), None)
    if root is None or ref_id(root.get("subject"), "Patient") != r.patient_id or root.get("partOf"):
        raise WriteRefused("NOT_FOUND", "thread", "not a thread of this patient")
    staff = [c for c in members if ref_type(c.get("sender")) == "Practitioner"]
    recipients = [dict(_newest(staff)["sender"])] if staff else list(root.get("recipient") or ())
    resource = _communication(r.request_key, root["subject"], r.body, r.sent_at)
    resource["recipient"] = recipients
    resource["partOf"] = [_ref("Communication", r.thread_id)]
    resource["inResponseTo"] = [_ref("Communication", str(_newest(members).get("id")))]
    mine = [
        c
        for c in members
        if any(i.get("system") == REQUEST_SYSTEM and i.get("value") == r.request_key for i in c.get("identifier") or ())
    ]
    stored = mine[0] if mine else await _create(writer, r.request_key, resource)
    return _sent(writer, [*members, stored], r.thread_id, str(stored.get("id")))
