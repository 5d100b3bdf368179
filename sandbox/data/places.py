"""Facilities, community practices and the practitioners who work there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "BRAGG",
    "COMMUNITY_ORGS",
    "GENESIS_FACILITIES",
    "HARBOR",
    "LAKESIDE",
    "LUKE",
    "YOKOSUKA",
    "Facility",
    "Organization",
    "Staff",
    "TolSite",
    "tol_facilities",
]


@dataclass(frozen=True, slots=True)
class Staff:
    """A practitioner: FHIR id, names, qualification text and role."""

    id: str
    given: tuple[str, ...]
    family: str
    qualification: str
    role: str

    @property
    def display(self) -> str:
        return f"{' '.join(self.given)} {self.family}, {self.qualification}"


@dataclass(frozen=True, slots=True)
class Facility:
    """A GENESIS treatment facility (a Location) with its primary care and dental staff."""

    id: str
    name: str
    short: str
    tz: ZoneInfo
    city: str
    state: str
    postal: str
    country: str
    pcm: Staff
    dentist: Staff
    nurse: Staff


@dataclass(frozen=True, slots=True)
class Organization:
    """A community practice behind the health information exchange."""

    id: str
    name: str
    tz: ZoneInfo
    city: str
    state: str
    clinician: Staff
    business_prefix: str


BRAGG = Facility(
    id="loc-bragg",
    name="Womack Army Medical Center",
    short="Womack",
    tz=ZoneInfo("America/New_York"),
    city="Fort Liberty",
    state="NC",
    postal="28310",
    country="US",
    pcm=Staff("prac-hayes", ("Morgan",), "Hayes", "MD", "Primary care manager"),
    dentist=Staff("prac-okoye", ("Adaeze",), "Okoye", "DDS", "Dentist"),
    nurse=Staff("prac-brennan", ("Kathleen",), "Brennan", "RN", "Care team nurse"),
)
YOKOSUKA = Facility(
    id="loc-yokosuka",
    name="U.S. Naval Hospital Yokosuka",
    short="Yokosuka",
    tz=ZoneInfo("Asia/Tokyo"),
    city="Yokosuka",
    state="Kanagawa",
    postal="238-0001",
    country="JP",
    pcm=Staff("prac-tanaka", ("Hiro",), "Tanaka", "DO", "Primary care manager"),
    dentist=Staff("prac-moreau", ("Claire",), "Moreau", "DMD", "Dentist"),
    nurse=Staff("prac-quinn", ("Sean",), "Quinn", "RN", "Care team nurse"),
)
LUKE = Facility(
    id="loc-luke",
    name="56th Medical Group, Luke Air Force Base",
    short="Luke",
    tz=ZoneInfo("America/Phoenix"),
    city="Glendale",
    state="AZ",
    postal="85309",
    country="US",
    pcm=Staff("prac-lindqvist", ("Erik",), "Lindqvist", "MD", "Primary care manager"),
    dentist=Staff("prac-shah", ("Anjali",), "Shah", "DDS", "Dentist"),
    nurse=Staff("prac-ortiz", ("Marisol",), "Ortiz", "RN", "Care team nurse"),
)
GENESIS_FACILITIES: tuple[Facility, ...] = (BRAGG, YOKOSUKA, LUKE)

LAKESIDE = Organization(
    id="org-lakeside-family",
    name="Lakeside Family Medicine",
    tz=ZoneInfo("America/New_York"),
    city="Fayetteville",
    state="NC",
    clinician=Staff("prac-lk-patel", ("Priya",), "Patel", "MD", "Family physician"),
    business_prefix="LFM",
)
HARBOR = Organization(
    id="org-harbor-dental",
    name="Harbor Dental Group",
    tz=ZoneInfo("America/Chicago"),
    city="Pensacola",
    state="FL",
    clinician=Staff("prac-hd-kim", ("Daniel",), "Kim", "DDS", "Dentist"),
    business_prefix="HDG",
)
COMMUNITY_ORGS: tuple[Organization, ...] = (LAKESIDE, HARBOR)

# Legacy TOL-era sites: (id, name, time zone, days before today that the site went live on GENESIS)
_TOL_SITES: tuple[tuple[str, str, str, int | None], ...] = (
    ("tolfac-lejeune", "Naval Medical Center Camp Lejeune", "America/New_York", 400),
    ("tolfac-hood", "Carl R. Darnall Army Medical Center", "America/Chicago", 700),
    ("tolfac-landstuhl", "Landstuhl Regional Medical Center", "Europe/Berlin", None),
)


@dataclass(frozen=True, slots=True)
class TolSite:
    id: str
    name: str
    tz: ZoneInfo
    go_live: dt.date | None

    def newest_archive_day(self, today: dt.date) -> int:
        """Days before `today` of the newest archive record: a week before go-live, if any."""
        if self.go_live is None:
            return 30
        return (today - self.go_live).days + 7


def tol_facilities(today: dt.date) -> tuple[TolSite, ...]:
    """The legacy sites with go-live dates relative to `today`."""
    return tuple(
        TolSite(fid, name, ZoneInfo(tz), None if days is None else today - dt.timedelta(days=days))
        for fid, name, tz, days in _TOL_SITES
    )
