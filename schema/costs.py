"""What each field costs, after the IBM GraphQL Cost Directive specification (the model Apollo's
demand control uses), kept beside the schema as the `@cost` and `@listSize` directives would be.

- A field of a scalar or enum type costs 0, of an object or interface type 1 (`@cost` overrides);
  a mutation's root field costs `MUTATION_COST` (Apollo's base cost of a mutation).
- A list field costs its size times (its items' weight plus their selections): the size is the
  value of a slicing argument (`first`) once variables are coerced, else its `assumed_size`, else
  the gateway's default list size.
- A connection field (`@listSize(slicingArguments: ["first"], sizedFields: ["edges"])`) gives its
  `first` to its `edges`: `labResults(first: 20) { edges { node { ... } } }` counts 20 nodes.

Every list of objects the schema serves has an entry here (a test keeps it so); `assumed_size`
is the most a source holds for one patient in practice, not a guess at the average.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["FIELD_COSTS", "LIST_SIZES", "MUTATION_COST", "ListSize"]

MUTATION_COST = 10


@dataclass(frozen=True, slots=True)
class ListSize:
    """`@listSize`: how many items a list field (or a connection's sized fields) holds."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()


_CONNECTION = ListSize(slicing_arguments=("first",), sized_fields=("edges",))

LIST_SIZES: Mapping[str, ListSize] = MappingProxyType({
    # connections: `first` (default 20, at most the page size) sizes their edges
    "Patient.appointments": _CONNECTION,
    "Patient.clinicalNotes": _CONNECTION,
    "Patient.labResults": _CONNECTION,
    "Patient.prescriptions": _CONNECTION,
    "Patient.messageThreads": _CONNECTION,
    "MessageThread.messages": _CONNECTION,
    "Cohort.patients": ListSize(slicing_arguments=("first",), sized_fields=("patients",)),
    # plain lists, by what one patient's record holds
    "Patient.sourceCoverage": ListSize(assumed_size=5),  # one per registered source
    "Patient.conditions": ListSize(assumed_size=50),
    "Patient.questionnaires": ListSize(assumed_size=3),
    "CareTeam.members": ListSize(assumed_size=10),
    "Questionnaire.items": ListSize(assumed_size=30),
    "QuestionnaireItem.items": ListSize(assumed_size=5),  # a group's questions
    "LabResult.healthTopics": ListSize(assumed_size=3),
    "Prescription.healthTopics": ListSize(assumed_size=3),
    "Condition.healthTopics": ListSize(assumed_size=3),
    "HealthTopic.codes": ListSize(assumed_size=5),
    "Query.availableSlots": ListSize(assumed_size=100),  # the page size caps it
    "Query.healthTopics": ListSize(assumed_size=20),
    "Query.sources": ListSize(assumed_size=5),
    "Query.capabilities": ListSize(assumed_size=10),  # one per Feature
    # analysts: a breakdown by two dimensions of about ten values each (resolvers/cohorts.py caps a
    # grid at MAX_CELLS; a cell is a row of one aggregate, not an upstream call)
    "Cohort.cells": ListSize(assumed_size=100),
    "MartFreshness.sources": ListSize(assumed_size=5),
    **{f"{payload}Payload.userErrors": ListSize(assumed_size=3) for payload in (
        "BookAppointment", "CancelAppointment", "RescheduleAppointment", "RequestPrescriptionRenewal",
        "SendSecureMessage", "SubmitQuestionnaireResponse")},
})

FIELD_COSTS: Mapping[str, int] = MappingProxyType({})  # `@cost(weight:)` by field, none needed yet
