"""Mutations: Secure messages to the care team."""

from __future__ import annotations

import strawberry

from resolvers.actions.messages import send_secure_message
from resolvers.actions.results import UserErrorRecord

from ..context import Info, path_of
from ..types.common import UserError
from ..types.messages import MessageThread, SecureMessage


def _errors(found: tuple[UserErrorRecord, ...]) -> list[UserError]:
    return [UserError(field=list(e.field) if e.field else None, code=e.code, message=e.message) for e in found]


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
        answer = await send_secure_message(
            info.context,
            thread_id=None if input.thread_id is None else str(input.thread_id),
            care_team_id=None if input.care_team_id is None else str(input.care_team_id),
            subject=input.subject,
            body=input.body,
            key=input.idempotency_key,
            path=path_of(info),
        )
        return SendSecureMessagePayload(
            thread=None if answer.thread is None else MessageThread.of(answer.thread, answer.dod_id),
            message=None if answer.message is None else SecureMessage.of(answer.message),
            user_errors=_errors(answer.user_errors),
        )
