"""`mhs-gateway token` mints tokens the gateway accepts; `serve` refuses bad config with exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import aiohttp
import pytest

from gateway.auth import Authenticator, JwksCache, TokenVerifier
from gateway.cli import main
from resolvers.principal import Role
from sandbox.issuer import Issuer

from .conftest import AUDIENCE


async def test_token_signed_with_the_demo_key_is_accepted(
    issuer: Issuer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "issuer-key.pem"
    key_file.write_text(issuer.private_pem)
    code = main(["token", "--role", "clinician", "--subject", "prac-7", "--facility", "fac-1",
                 "--key-file", str(key_file), "--issuer", issuer.issuer_url,
                 "--audience", AUDIENCE])
    assert code == 0
    token = capsys.readouterr().out.strip()
    async with aiohttp.ClientSession() as session:
        verifier = TokenVerifier(JwksCache(session, issuer.jwks_url), issuer=issuer.issuer_url,
                                 audience=AUDIENCE, algorithms=("RS256",))
        principal = await Authenticator(verifier, clinician_amr="cac").authenticate(
            {"authorization": f"Bearer {token}"}
        )
    assert (principal.role, principal.subject, principal.facility) == (
        Role.CLINICIAN, "prac-7", "fac-1",
    )
    assert principal.strong_auth


def test_token_without_a_key_says_how_to_get_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["token", "--role", "patient", "--subject", "1000000001",
                 "--key-file", str(tmp_path / "missing.pem"), "--issuer", "http://x"])
    assert code == 2
    assert "mhs-gateway demo" in capsys.readouterr().err


def test_serve_with_bad_config_exits_2_naming_the_variable() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "serve"],
        env={"MHS_GATEWAY_MODE": "demo", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert "MHS_GATEWAY_ISSUER" in done.stderr
