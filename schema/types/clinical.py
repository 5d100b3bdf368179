"""Clinical records: notes, lab results, conditions."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.documents import document_path
from resolvers.notes import note_text
from resolvers.topics import topics_for
from sources import records as r

from ..context import Info, path_of
from .care import Practitioner
from .common import (
    Coding,
    Interpretation,
    Node,
    PageInfo,
    Provenance,
    Quantity,
    ReferenceRange,
    global_id,
)
from .topics import HealthTopic

__all__ = [
    "ClinicalNote",
    "ClinicalNoteConnection",
    "ClinicalNoteEdge",
    "Condition",
    "LabResult",
    "LabResultConnection",
    "LabResultEdge",
    "NoteAttachment",
]


@strawberry.type(description="A note's document (a PDF), downloaded through the gateway.")
class NoteAttachment:
    content_type: str = strawberry.field(description="The document's media type: application/pdf.")
    size: int | None = strawberry.field(
        description="Bytes, when the source states it (Oracle Health Millennium does not); the "
        "download's Content-Length always does."
    )
    url: str = strawberry.field(
        description="Where to download it from this gateway (a path, signed-in like /graphql: the "
        "same access rules and audit as the note); never the source's own address."
    )


@strawberry.type(description="A clinical note written by a provider.")
class ClinicalNote(Node):
    provenance: Provenance
    title: str
    type: Coding | None
    authored_at: dt.datetime
    author: Practitioner | None
    _source: strawberry.Private[r.RecordSource]
    _text: strawberry.Private[str]
    _content: strawberry.Private[r.NoteContent | None]
    _attachment: strawberry.Private[NoteAttachment | None]

    @strawberry.field(description="Plain text of the note.")
    async def text(self, info: Info) -> str:
        return await note_text(info.context, self._source, self._text, self._content, path_of(info))

    @strawberry.field(
        description="The note's document, when it comes as one (a PDF); `text` is then empty unless "
        "the source also gave the note as text."
    )
    def attachment(self) -> NoteAttachment | None:
        return self._attachment

    @classmethod
    def of(cls, n: r.NoteRecord) -> ClinicalNote:
        src = n.provenance.source
        nid = global_id("ClinicalNote", src, n.provenance.source_id)
        document = n.content if n.content is not None and n.content.is_document else None
        return cls(
            id=nid,
            provenance=Provenance.of(n.provenance),
            title=n.title,
            type=Coding.of(n.type) if n.type else None,
            authored_at=n.authored_at,
            author=Practitioner.of(n.author, src),
            _source=src,
            _text=n.text,
            _content=n.content,
            _attachment=NoteAttachment(
                content_type=document.content_type, size=document.size, url=document_path(nid)
            ) if document is not None else None,
        )


@strawberry.type
class ClinicalNoteEdge:
    cursor: str
    node: ClinicalNote


@strawberry.type(description="A page of clinical notes, newest first.")
class ClinicalNoteConnection:
    edges: list[ClinicalNoteEdge]
    page_info: PageInfo
    total_count: int | None


@strawberry.type(description="A lab or test result.")
class LabResult(Node):
    provenance: Provenance
    code: Coding = strawberry.field(description="LOINC where the source has it.")
    display: str
    value_quantity: Quantity | None
    value_string: str | None
    reference_range: ReferenceRange | None
    interpretation: Interpretation | None  # type: ignore[valid-type]
    effective_at: dt.datetime
    status: str
    _codes: strawberry.Private[tuple[r.Coding, ...]]

    @strawberry.field(description="Health information about this test.")
    async def health_topics(self, info: Info) -> list[HealthTopic]:
        return HealthTopic.many(await topics_for(info.context, self._codes, tuple(info.path.as_list())))

    @classmethod
    def of(cls, lab: r.LabResultRecord) -> LabResult:
        return cls(
            id=global_id("LabResult", lab.provenance.source, lab.provenance.source_id),
            provenance=Provenance.of(lab.provenance),
            code=Coding.of(lab.code),
            display=lab.display,
            value_quantity=Quantity.of(lab.value_quantity),
            value_string=lab.value_string,
            reference_range=ReferenceRange.of(lab.reference_range),
            interpretation=lab.interpretation,
            effective_at=lab.effective_at,
            status=lab.status,
            _codes=(lab.code,),
        )


@strawberry.type
class LabResultEdge:
    cursor: str
    node: LabResult


@strawberry.type(description="A page of lab results, newest first.")
class LabResultConnection:
    edges: list[LabResultEdge]
    page_info: PageInfo
    total_count: int | None


@strawberry.type(description="A diagnosis or health problem.")
class Condition(Node):
    provenance: Provenance
    code: Coding
    display: str
    clinical_status: str
    onset_date: dt.date | None
    _codes: strawberry.Private[tuple[r.Coding, ...]]

    @strawberry.field(description="Health information about this condition.")
    async def health_topics(self, info: Info) -> list[HealthTopic]:
        return HealthTopic.many(await topics_for(info.context, self._codes, tuple(info.path.as_list())))

    @classmethod
    def of(cls, c: r.ConditionRecord) -> Condition:
        return cls(
            id=global_id("Condition", c.provenance.source, c.provenance.source_id),
            provenance=Provenance.of(c.provenance),
            code=Coding.of(c.code),
            display=c.display,
            clinical_status=c.clinical_status,
            onset_date=c.onset_date,
            _codes=c.codes or (c.code,),
        )
