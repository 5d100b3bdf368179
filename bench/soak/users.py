"""The soak's simulated people: patients who read their record and book, cancel, move, renew,
write and answer; clinicians who read their panel. Each runs until told to stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .client import Client
from .ledger import Ack, Ledger

__all__ = ["answers_for", "clinician", "patient"]

CARE_TEAM = "{ me { primaryCareTeam { id } } }"
_SERVICES = ("PRIMARY_CARE", "DENTAL")


def _window() -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {"from": now.isoformat(), "to": (now + dt.timedelta(days=30)).isoformat()}


def _nonce() -> str:
    return "soak" + uuid.uuid4().hex[:16]


def answers_for(items: Sequence[dict[str, Any]], today: str) -> list[dict[str, Any]]:
    """A valid answer to every required item of a questionnaire (groups walked)."""
    value = {"BOOLEAN": ("valueBoolean", False), "STRING": ("valueString", "no"), "TEXT": ("valueString", "none"),
             "INTEGER": ("valueInteger", 0), "DECIMAL": ("valueDecimal", 0.0), "DATE": ("valueDate", today)}
    out: list[dict[str, Any]] = []
    for item in items:
        if item["type"] == "GROUP":
            if item["required"]:
                out += answers_for(item.get("items") or (), today)
        elif item["required"] and item["type"] == "CHOICE" and item["options"]:
            out.append({"linkId": item["linkId"], "valueString": item["options"][0]})
        elif item["required"] and item["type"] in value:
            name, v = value[item["type"]]
            out.append({"linkId": item["linkId"], name: v})
    return out


class _Patient:
    def __init__(self, client: Client, dod_id: str, ledger: Ledger) -> None:
        self.client, self.dod_id, self.ledger = client, dod_id, ledger
        self.booked: list[str] = []  # appointment ids this user booked and has not cancelled

    async def read(self) -> None:
        name = self.client.rng.choice(["PortalHome", "Prescriptions", "MessageThreads", "MobileHome"])
        variables = {"now": dt.datetime.now(dt.UTC).isoformat()} if name in ("PortalHome", "MobileHome") else {}
        await self.client.ask(name, variables)

    async def book(self) -> None:
        data = await self.client.ask("Appointments", {**_window(), "service": self.client.rng.choice(_SERVICES)})
        slots = (data or {}).get("availableSlots") or []
        if not slots:
            return
        slot = self.client.rng.choice(slots[:20])
        nonce = _nonce()
        done = await self.client.write("BookAppointment", {"slotId": slot["id"], "reason": nonce}, _nonce())
        if done.done and done.payload.get("appointment"):
            appointment = done.payload["appointment"]["id"]
            self.booked.append(appointment)
            self.ledger.acks.append(Ack("book", self.dod_id, appointment, nonce, slot["id"]))

    async def cancel(self) -> None:
        if not self.booked:
            return await self.book()
        appointment = self.booked.pop(self.client.rng.randrange(len(self.booked)))
        done = await self.client.write("CancelAppointment", {"appointmentId": appointment, "reason": "soak"}, _nonce())
        if done.done:
            self.ledger.acks.append(Ack("cancel", self.dod_id, appointment))
        return None

    async def renew(self) -> None:
        data = await self.client.ask("Prescriptions", {})
        edges = (((data or {}).get("me") or {}).get("prescriptions") or {}).get("edges") or []
        eligible = [e["node"] for e in edges if (e["node"].get("renewal") or {}).get("eligible")]
        if not eligible:
            return
        rx = self.client.rng.choice(eligible)
        nonce = _nonce()
        done = await self.client.write("RequestRenewal", {"prescriptionId": rx["id"], "note": nonce}, _nonce())
        if done.done and done.payload.get("renewalRequest"):
            self.ledger.acks.append(Ack("renew", self.dod_id, done.payload["renewalRequest"]["id"], nonce, rx["id"]))

    async def message(self) -> None:
        team = await self.client.ask_document(CARE_TEAM)
        team_id = (((team or {}).get("me") or {}).get("primaryCareTeam") or {}).get("id")
        if not team_id:
            return
        nonce = _nonce()
        variables = {"threadId": None, "careTeamId": team_id, "subject": "Soak question", "body": f"Question {nonce}"}
        done = await self.client.write("SendMessage", variables, _nonce())
        if done.done and done.payload.get("message"):
            thread = (done.payload.get("thread") or {}).get("id")
            self.ledger.acks.append(Ack("message", self.dod_id, done.payload["message"]["id"], nonce, thread))

    async def answer(self) -> None:
        data = await self.client.ask("DentalQuestionnaire", {})
        pending = ((data or {}).get("me") or {}).get("questionnaires") or []
        if not pending:
            return
        assignment = pending[0]
        answers = answers_for(assignment["questionnaire"]["items"], dt.date.today().isoformat())
        done = await self.client.write("SubmitQuestionnaire", {"assignmentId": assignment["id"], "answers": answers},
                                       _nonce())
        if done.done:
            self.ledger.acks.append(Ack("answer", self.dod_id, assignment["id"]))


async def _loop(stop: asyncio.Event, step: Callable[[], Awaitable[None]], pause: float) -> None:
    while not stop.is_set():
        await step()
        await asyncio.sleep(pause)


async def patient(client: Client, dod_id: str, ledger: Ledger, stop: asyncio.Event) -> None:
    """Mostly reads; now and then one of the six writes."""
    who = _Patient(client, dod_id, ledger)
    steps = [who.read] * 6 + [who.book, who.book, who.cancel, who.renew, who.message, who.answer]

    async def step() -> None:
        await client.rng.choice(steps)()

    await _loop(stop, step, 0.05)


async def clinician(client: Client, panel: Sequence[str], stop: asyncio.Event) -> None:
    """Opens the charts of patients on the care team, one after another."""

    async def step() -> None:
        await client.ask("ClinicianChart", {"dodId": client.rng.choice(list(panel))})

    await _loop(stop, step, 0.1)
