"""The unprivileged system account PostgreSQL runs as when the demo runs as root."""

from __future__ import annotations

import os
import pwd
import subprocess
from dataclasses import dataclass

__all__ = ["RunAs", "postgres_run_as"]

SERVICE_USER = "mhs_demo_pg"


@dataclass(frozen=True, slots=True)
class RunAs:
    """Who a server subprocess runs as: None fields mean "as this process"."""

    uid: int | None = None
    gid: int | None = None


def _ensure_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    # A concurrent demo may create it at the same time: a failed useradd is fine if the user exists.
    subprocess.run(  # noqa: S603
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],  # noqa: S607
        check=False,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def postgres_run_as() -> RunAs:
    """PostgreSQL refuses to run as root: then use a dedicated system user, else ourselves."""
    if os.geteuid() != 0:
        return RunAs()
    entry = _ensure_user(SERVICE_USER)
    return RunAs(uid=entry.pw_uid, gid=entry.pw_gid)
