"""Mutations: secure messages to the care team."""

from __future__ import annotations

import strawberry

from resolvers.actions import MESSAGE, MessageInput, perform

from ..context import Info
from ..types.common import UserError
from ..types.messages import MessageThread, SecureMessage


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
        raw = MessageInput(
            thread_id=None if input.thread_id is None else str(input.thread_id),
            care_team_id=None if input.care_team_id is None else str(input.care_team_id),
            subject=input.subject,
            body=input.body,
        )
        answer = await perform(info.context, MESSAGE, raw, input.idempotency_key)
        sent = answer.value
        return SendSecureMessagePayload(
            thread=None if sent is None else MessageThread.of(sent.thread, answer.dod_id),
            message=None if sent is None else SecureMessage.of(sent.message),
            user_errors=UserError.many(answer.user_errors),
        )
