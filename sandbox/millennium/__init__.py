"""Oracle Health Millennium's FHIR R4 API as a `FhirServer` profile, and GENESIS data shaped as it.

`FhirServer(..., profile=MillenniumProfile())` refuses what Millennium refuses and answers as it
answers (see docs/millennium-rules.md); `millennium_resources()` reshapes generated GENESIS data.
"""

from .profile import MillenniumProfile
from .shape import millennium_data, millennium_references, millennium_resources

__all__ = ["MillenniumProfile", "millennium_data", "millennium_references", "millennium_resources"]
