"""GENESIS data as Millennium holds it: its id shapes, only the types it offers, texts in Binaries.

- Ids take the shapes of the docs' examples (`12724066`, `L-197392513`, `p73077203`,
  `489580643.0.-4.prsnl`); a Schedule is `<appointment type>-<location>-<resource>-0` and its
  slots `...-<n>`, as in base/workflow/slot.md. Every reference follows.
- A result's identifier is its clinical event (`https://fhir.cerner.com/ceuuid`), never an
  accession number (observation.md examples).
- Types Millennium does not offer (Task, MedicationDispense) are left out.
- A note's content is a Binary its DocumentReference points at, a PDF (`XR-`) or XHTML (a plain
  text note becomes XHTML) (document-reference.md: "Contents of the document(s) are found by
  following the Attachment URL"; the server makes the URL absolute).
- A message's text is a Binary its `payload.contentReference` names (communication.md), the
  message gets a category, `received` and the `email-status` extension, and a message to a care
  team goes to the team's first practitioner (recipients are Practitioners or Groups).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import html
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sandbox.fhir.paths import reference_key

from .catalog import rules_for
from .communications import email_status
from .ids import numbered_id
from .systems import CLINICAL_EVENT_SYSTEM, TENANT, is_proprietary

if TYPE_CHECKING:
    from sandbox.data.model import DemoData

__all__ = ["millennium_data", "millennium_references", "millennium_resources", "xhtml"]

DOD_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"

Resource = dict[str, Any]
_NOTIFICATION = {"system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "notification",
                 "display": "Notification"}  # fmt: skip
_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')  # fmt: skip


def millennium_resources(resources: Iterable[Resource]) -> list[Resource]:
    """The served resources, reshaped (the input is not changed)."""
    given = [copy.deepcopy(r) for r in resources]
    binaries = {r["id"]: str(r.get("data") or "") for r in given if r["resourceType"] == "Binary"}
    kept = [r for r in given if _kept(r)]
    ids = _new_ids(kept)
    teams = {r["id"]: r for r in kept if r["resourceType"] == "CareTeam"}
    fills = Counter(
        key[1]
        for r in given
        if r["resourceType"] == "MedicationDispense" and r.get("status") != "entered-in-error"
        for a in r.get("authorizingPrescription") or ()
        if (key := reference_key(a)) is not None
    )
    out: list[Resource] = []
    for resource in kept:
        if resource["resourceType"] == "Communication":
            _to_team_member(resource, teams)
        elif resource["resourceType"] == "MedicationRequest":
            _used_up(resource, fills[resource["id"]])
        renamed = _renamed(resource, ids)
        if renamed["resourceType"] == "Observation":
            _clinical_event_identifier(renamed)
        out.append(renamed)
        if renamed["resourceType"] == "DocumentReference":
            out.append(_document_binary(renamed, resource, binaries))
        elif renamed["resourceType"] == "Communication":
            out.append(_message_binary(renamed))
    return out


def millennium_references(
    resources: Iterable[Resource], keep: Iterable[str] = ()
) -> Callable[[Resource], Resource]:
    """Rewrites the references of resources held elsewhere (the patient portal's) to the ids
    `millennium_resources(resources)` gives the resources they point at; their own ids stay, and
    so do references to the types in `keep` (held there too)."""
    kept = [r for r in resources if _kept(r)]
    held = frozenset(keep)
    ids = {key: rid for key, rid in _new_ids(kept).items() if key[0] not in held}

    def rename(resource: Resource) -> Resource:
        out: Resource = _rewrite(resource, ids)
        if isinstance(out.get("questionnaire"), str):
            key = reference_key(out["questionnaire"])
            out["questionnaire"] = f"Questionnaire/{ids[key]}" if key in ids else out["questionnaire"]
        return out

    return rename


def _used_up(request: Resource, fills: int) -> None:
    """No MedicationDispense in Millennium: an active order whose refills are all dispensed
    (the first fill is the original) is `completed`, as the pharmacy leaves it (assumption A17)."""
    allowed = (request.get("dispenseRequest") or {}).get("numberOfRepeatsAllowed")
    if request.get("status") == "active" and isinstance(allowed, int) and fills and fills - 1 >= allowed:
        request["status"] = "completed"


def _kept(resource: Resource) -> bool:
    """Types the FHIR API serves, and the Bulk Data Groups (managed in Millennium's own tooling,
    read only by `Group/[id]/$export`)."""
    rtype = resource["resourceType"]
    return rtype == "Group" or (rules_for(rtype) is not None and rtype != "Binary")


def _new_ids(resources: list[Resource]) -> dict[tuple[str, str], str]:
    counts: Counter[str] = Counter()
    ids: dict[tuple[str, str], str] = {}
    for r in resources:
        rtype = r["resourceType"]
        if rtype in ("Location", "Group"):  # kept: facility codes tokens share (A16), configured Groups
            ids[(rtype, r["id"])] = r["id"]
        elif rtype not in ("Slot", "Schedule"):
            rid = numbered_id(rtype, counts[rtype])
            counts[rtype] += 1
            ids[(rtype, r["id"])] = "VS-" + rid.removeprefix("L-") if _is_vital(r) else rid
    _schedule_ids(resources, ids)
    return ids


def _schedule_ids(resources: list[Resource], ids: dict[tuple[str, str], str]) -> None:
    """`<appointment type>-<location>-<practitioner>-0` for a Schedule, `-<n>` for its slots."""
    for schedule in (r for r in resources if r["resourceType"] == "Schedule"):
        actors = [reference_key(a) for a in schedule.get("actor") or ()]
        place = next((ids.get(k, k[1]) for k in actors if k and k[0] == "Location"), "0")
        who = next((ids.get(k, k[1]) for k in actors if k and k[0] == "Practitioner"), "0")
        ids[("Schedule", schedule["id"])] = f"{_type_code(schedule)}-{place}-{who}-0"
    per_schedule: Counter[str] = Counter()
    for slot in (r for r in resources if r["resourceType"] == "Slot"):
        key = reference_key(slot.get("schedule"))
        base = ids.get(key, "0-0-0-0").rsplit("-", 1)[0] if key else "0-0-0"
        ids[("Slot", slot["id"])] = f"{base}-{per_schedule[base]}"
        per_schedule[base] += 1


def _type_code(resource: Resource) -> str:
    for concept in resource.get("serviceType") or ():
        for coding in concept.get("coding") or ():
            if is_proprietary(str(coding.get("system", ""))):
                return str(coding["code"])
    return "0"


def _is_vital(observation: Resource) -> bool:
    if observation["resourceType"] != "Observation":
        return False
    codes = {c.get("code") for cat in observation.get("category") or () for c in cat.get("coding") or ()}
    return "vital-signs" in codes


def _renamed(resource: Resource, ids: dict[tuple[str, str], str]) -> Resource:
    out: Resource = _rewrite(resource, ids)
    out["id"] = ids[(resource["resourceType"], resource["id"])]
    if isinstance(out.get("questionnaire"), str):  # a canonical, not a Reference
        key = reference_key(out["questionnaire"])
        out["questionnaire"] = f"Questionnaire/{ids[key]}" if key in ids else out["questionnaire"]
    return out


def _rewrite(value: Any, ids: dict[tuple[str, str], str]) -> Any:
    if isinstance(value, list):
        return [_rewrite(v, ids) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _rewrite(v, ids) for k, v in value.items()}
    key = reference_key(out.get("reference"))
    if key is not None and key in ids:
        out["reference"] = f"{key[0]}/{ids[key]}"
    return out


def _clinical_event_identifier(observation: Resource) -> None:
    """Millennium's only identifier on a result: the clinical event (no accession number)."""
    event = observation["id"].rsplit("-", 1)[-1]
    stamp = "".join(ch for ch in str(observation.get("effectiveDateTime", ""))[:19] if ch.isdigit())
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"{TENANT}/{observation['id']}")
    observation["identifier"] = [{"system": CLINICAL_EVENT_SYSTEM, "value": f"CE{uid}-{event}-{stamp}00"}]


def _to_team_member(message: Resource, teams: dict[str, Resource]) -> None:
    recipients = []
    for r in message.get("recipient") or ():
        key = reference_key(r)
        team = teams.get(key[1]) if key and key[0] == "CareTeam" else None
        members = [p.get("member") for p in (team or {}).get("participant") or () if p.get("member")]
        recipients.append(members[0] if members else r)
    message["recipient"] = recipients


def _document_binary(doc: Resource, original: Resource, binaries: dict[str, str]) -> Resource:
    """The note's content as the Binary Millennium serves: a PDF stays a PDF (`XR-`, as the docs'
    example), XHTML keeps its markup, plain text becomes XHTML (`R-`); no `size` (not documented)."""
    attachment = ((original.get("content") or [{}])[0]).get("attachment") or {}
    key = reference_key({"reference": attachment.get("url")}) if attachment.get("url") else None
    data = attachment.get("data") or (binaries.get(key[1]) if key else None)
    media = str(attachment.get("contentType") or "text/plain")
    title = str(attachment.get("title") or doc.get("description") or "Clinical Note")
    if media == "application/pdf":
        binary_id, content_type = f"XR-{doc['id']}", media
    else:
        binary_id, content_type = f"R-{doc['id']}", "application/xhtml+xml"
        text = _decode(data)
        data = _b64(text if media in ("application/xhtml+xml", "text/html") else xhtml(title, text))
    shown = {"contentType": content_type, "url": f"Binary/{binary_id}", "title": title}
    if doc.get("date"):
        shown["creation"] = doc["date"]
    doc["content"] = [{"attachment": shown}]
    return {"resourceType": "Binary", "id": binary_id, "contentType": content_type, "data": data or ""}


def _message_binary(message: Resource) -> Resource:
    text = " ".join(str(p.get("contentString", "")) for p in message.get("payload") or () if p.get("contentString"))
    message["payload"] = [{"contentReference": {"reference": f"Binary/{message['id']}"}}]
    message.setdefault("category", [{"coding": [_NOTIFICATION], "text": "Notification"}])
    if message.get("sent"):
        message.setdefault("received", message["sent"])
    message["extension"] = [*message.get("extension", []), email_status("completed")]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() or [""])
    return {"resourceType": "Binary", "id": message["id"], "contentType": "text/html",
            "data": _b64(f"<!DOCTYPE html><html><body>{body}</body></html>")}  # fmt: skip


def xhtml(title: str, text: str) -> str:
    """An XHTML document holding `text`, one paragraph a line."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    return (f'{_DOCTYPE}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{html.escape(title)}</title></head>'
            f"<body>{body}</body></html>")  # fmt: skip


def _decode(data: Any) -> str:
    if not isinstance(data, str):
        return ""
    try:
        return base64.b64decode(data).decode("utf-8")
    except ValueError:
        return ""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def millennium_data(data: DemoData) -> DemoData:
    """`data` with its GENESIS resources as Millennium holds them, and the personas' GENESIS
    patient ids following (found by DoD ID)."""
    served = millennium_resources(data.genesis)
    by_dod = {
        str(i.get("value")): r["id"]
        for r in served
        if r["resourceType"] == "Patient"
        for i in r.get("identifier") or ()
        if i.get("system") == DOD_SYSTEM
    }
    personas = {
        key: dataclasses.replace(p, genesis_patient_id=by_dod.get(p.dod_id or "", p.genesis_patient_id))
        if p.genesis_patient_id
        else p
        for key, p in data.personas.items()
    }
    return dataclasses.replace(data, genesis=served, personas=personas)
