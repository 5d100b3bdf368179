"""De-identification for analysts: keys per project, pseudonyms, sealed ids, the policy table."""

from .keys import AnalystKeys, ProjectKeys, is_project_name
from .persons import pseudonym, seal_person, unseal_person
from .projects import DateMode, Projects

__all__ = [
    "AnalystKeys",
    "DateMode",
    "ProjectKeys",
    "Projects",
    "is_project_name",
    "pseudonym",
    "seal_person",
    "unseal_person",
]
