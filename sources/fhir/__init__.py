"""sources/fhir."""
