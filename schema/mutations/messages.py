"""Mutations: Secure messages to the care team."""

from __future__ import annotations

import strawberry

from resolvers.actions import not_available

from ..context import Info
from ..types.common import UserError
from ..types.messages import MessageThread, SecureMessage


def _refused(info: Info) -> list[UserError]:
    code, message = not_available(info.context)
    return [UserError(field=None, code=code, message=message)]


@strawberry.input
class SendSecureMessageInput:
    thread_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Reply in this thread (must be a GENESIS thread), or start a new thread with careTeamId.",
    )
    care_team_id: strawberry.ID | None = None
    subject: str | None = None
    body: str
    idempotency_key: str


@strawberry.type
class SendSecureMessagePayload:
    thread: MessageThread | None
    message: SecureMessage | None
    user_errors: list[UserError]


@strawberry.type
class MessageMutations:
    @strawberry.mutation(description="Reply in a GENESIS thread or start a new one with the care team.")
    async def send_secure_message(self, info: Info, input: SendSecureMessageInput) -> SendSecureMessagePayload:
        return SendSecureMessagePayload(thread=None, message=None, user_errors=_refused(info))
