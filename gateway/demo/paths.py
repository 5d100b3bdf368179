"""Where a running demo leaves its sign-in key and issuer details for `mhs-gateway token`.

The demo writes `ISSUER_KEY_FILE` (the sign-in sandbox's private key, PEM, mode 0600) and
`ISSUER_INFO_FILE` (JSON: `{"issuer": URL, "audience": AUD, "kid": KID, "jwks_url": URL}`)
into `DEMO_STATE_DIR` (mode 0700), and removes them when it stops.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["DEMO_STATE_DIR", "ISSUER_INFO_FILE", "ISSUER_KEY_FILE"]

DEMO_STATE_DIR = Path(tempfile.gettempdir()) / f"mhs-gateway-demo-{os.getuid()}"
ISSUER_KEY_FILE = DEMO_STATE_DIR / "issuer-key.pem"
ISSUER_INFO_FILE = DEMO_STATE_DIR / "issuer.json"
