"""What the soak's users saw: every answer by status, the writes the gateway acknowledged, the
answers that carried health data (to find their audit rows), and anything that hung."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Ack", "Ledger"]


@dataclass(frozen=True)
class Ack:
    """One write the gateway acknowledged: what it was, whose, its result's id and its nonce (a
    unique word the write's free text carries, so the upstream copy of it can be counted)."""

    action: str
    dod_id: str
    record_id: str
    nonce: str | None = None
    target: str | None = None  # the slot booked, the thread replied to, the prescription renewed


@dataclass
class Ledger:
    statuses: Counter[str] = field(default_factory=Counter)  # "200", "503 AUDIT_UNAVAILABLE", "timeout"
    acks: list[Ack] = field(default_factory=list)
    data_answers: dict[str, str] = field(default_factory=dict)  # 200 answers with data: request id -> operation
    retried: Counter[str] = field(default_factory=Counter)  # writes retried with their key, by cause
    refused: Counter[str] = field(default_factory=Counter)  # business refusals, by code
    hangs: int = 0  # no answer within the request deadline and a margin

    def fivexx(self) -> int:
        """Answers of status 500-599 other than the audit's designed fail-closed 503."""
        return sum(n for key, n in self.statuses.items()
                   if key.startswith("5") and key != "503 AUDIT_UNAVAILABLE")
