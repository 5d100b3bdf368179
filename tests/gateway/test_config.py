"""Config.from_env: defaults, every problem names its variable, secrets never echoed, frozen."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.config import Config
from gateway.errors import ConfigError
from resolvers.deid import DateMode

BASE = {
    "MHS_GATEWAY_MODE": "demo",
    "MHS_GATEWAY_ISSUER": "http://127.0.0.1:9/",
    "MHS_GATEWAY_AUDIENCE": "mhs-gateway",
    "MHS_GATEWAY_JWKS_URL": "http://127.0.0.1:9/jwks.json",
}
PRODUCTION = {
    **BASE,
    "MHS_GATEWAY_MODE": "production",
    "DATABASE_URL": "postgresql://gw:s3cret-password@db/gateway",
    "MHS_GATEWAY_PSEUDONYM_KEY": "a-long-enough-secret-key",
}


def _error(env: dict[str, str]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Config.from_env(env)
    return caught.value


def test_demo_defaults() -> None:
    config = Config.from_env(BASE)
    assert config.auth.allowed_algs == ("RS256", "ES256")
    assert config.auth.clinician_amr == "cac"
    assert config.request_timeout == 5.0
    assert config.limits.max_body_bytes == 1_000_000
    assert config.introspection is True and config.graphiql is True
    assert config.sources == () and config.database_url is None


def test_the_link_cache_keeps_a_minute_by_default_and_zero_turns_it_off() -> None:
    assert Config.from_env(BASE).link_cache_seconds == 60.0
    assert Config.from_env({**BASE, "MHS_GATEWAY_LINK_CACHE_SECONDS": "0"}).link_cache_seconds == 0.0


def test_production_turns_introspection_and_graphiql_off() -> None:
    config = Config.from_env(PRODUCTION)
    assert config.production
    assert config.introspection is False and config.graphiql is False
    assert config.database_url == PRODUCTION["DATABASE_URL"]


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("MHS_GATEWAY_ISSUER", "MHS_GATEWAY_ISSUER"),
        ("MHS_GATEWAY_JWKS_URL", "MHS_GATEWAY_JWKS_URL"),
        ("MHS_GATEWAY_PSEUDONYM_KEY", "MHS_GATEWAY_PSEUDONYM_KEY"),
        ("DATABASE_URL", "DATABASE_URL"),
    ],
)
def test_missing_required_variable_is_named(missing: str, named: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    error = _error(env)
    assert error.name == named
    assert named in str(error)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MHS_GATEWAY_PORT", "eighty"),
        ("MHS_GATEWAY_PORT", "70000"),
        ("MHS_GATEWAY_REQUEST_TIMEOUT", "0"),
        ("MHS_GATEWAY_MODE", "staging"),
        ("MHS_GATEWAY_INTROSPECTION", "maybe"),
        ("MHS_GATEWAY_JWKS_URL", "ftp://issuer/jwks"),
        ("MHS_GATEWAY_MAX_BODY_BYTES", "-1"),
        ("MHS_GATEWAY_ALLOWED_ALGS", "RS256,HS256"),
        ("MHS_GATEWAY_ALLOWED_ALGS", "none"),
        ("MHS_GATEWAY_LINK_CACHE_SECONDS", "-5"),
        ("MHS_GATEWAY_LINK_CACHE_SECONDS", "a minute"),
    ],
)
def test_malformed_variable_is_named(name: str, value: str) -> None:
    error = _error({**BASE, name: value})
    assert error.name == name


def test_secrets_never_appear_in_errors() -> None:
    password = "p4ssw0rd-never-shown"
    error = _error({**PRODUCTION, "DATABASE_URL": f"mysql://u:{password}@db/x"})
    assert error.name == "DATABASE_URL" and password not in str(error)
    pem_path = "/nonexistent/genesis-key.pem"
    error = _error(
        {
            **BASE,
            "MHS_GATEWAY_GENESIS_URL": "http://127.0.0.1:9/fhir",
            "MHS_GATEWAY_GENESIS_TOKEN_URL": "http://127.0.0.1:9/token",
            "MHS_GATEWAY_GENESIS_CLIENT_ID": "gateway",
            "MHS_GATEWAY_GENESIS_KEY_ID": "k1",
            "MHS_GATEWAY_GENESIS_PRIVATE_KEY": pem_path,
        }
    )
    assert error.name == "MHS_GATEWAY_GENESIS_PRIVATE_KEY"
    short = "short"
    error = _error({**PRODUCTION, "MHS_GATEWAY_PSEUDONYM_KEY": short})
    assert short not in str(error)


def test_each_source_reads_its_own_prefix_and_names_its_variable() -> None:
    community = {
        "MHS_GATEWAY_COMMUNITY_URL": "http://127.0.0.1:9/fhir",
        "MHS_GATEWAY_COMMUNITY_TOKEN_URL": "http://127.0.0.1:9/token",
        "MHS_GATEWAY_COMMUNITY_CLIENT_ID": "gateway",
        "MHS_GATEWAY_COMMUNITY_KEY_ID": "k1",
        "MHS_GATEWAY_COMMUNITY_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----",
    }
    error = _error({**BASE, **community, "MHS_GATEWAY_COMMUNITY_MATCH_THRESHOLD": "1.5"})
    assert error.name == "MHS_GATEWAY_COMMUNITY_MATCH_THRESHOLD"
    config = Config.from_env({**BASE, **community, "MHS_GATEWAY_COMMUNITY_MATCH_THRESHOLD": "0.9"})
    assert [c.name for c in config.sources] == ["COMMUNITY"]
    assert config.sources[0].config.match_threshold == 0.9
    # another source's prefix configures nothing here
    assert Config.from_env({**BASE, "MHS_GATEWAY_MATCH_THRESHOLD": "0.9"}).sources == ()


def test_upstream_needs_its_credentials() -> None:
    error = _error({**BASE, "MHS_GATEWAY_GENESIS_URL": "http://127.0.0.1:9/fhir"})
    assert error.name == "MHS_GATEWAY_GENESIS_TOKEN_URL"


def test_upstream_private_key_from_a_file(tmp_path: pytest.TempPathFactory) -> None:
    from sandbox.fhir.keys import make_client_keypair

    pem, _, kid = make_client_keypair("RSA")
    key_file = tmp_path / "genesis.pem"  # type: ignore[operator]
    key_file.write_text(pem)
    config = Config.from_env(
        {
            **BASE,
            "MHS_GATEWAY_GENESIS_URL": "http://127.0.0.1:9/fhir/",
            "MHS_GATEWAY_GENESIS_TOKEN_URL": "http://127.0.0.1:9/token",
            "MHS_GATEWAY_GENESIS_CLIENT_ID": "gateway",
            "MHS_GATEWAY_GENESIS_KEY_ID": kid,
            "MHS_GATEWAY_GENESIS_PRIVATE_KEY": str(key_file),
        }
    )
    genesis = config.source("GENESIS")
    assert genesis is not None
    assert genesis.config.fhir.private_key_pem == pem
    assert genesis.config.fhir.base_url == "http://127.0.0.1:9/fhir"
    assert pem not in repr(config)


def test_empty_clinician_amr_disables_the_check() -> None:
    config = Config.from_env({**BASE, "MHS_GATEWAY_CLINICIAN_AMR": ""})
    assert config.auth.clinician_amr == ""


def test_config_is_frozen() -> None:
    config = Config.from_env(BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.port = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.auth.issuer = "http://evil"  # type: ignore[misc]


def test_a_demo_without_a_pseudonym_key_gets_a_random_one_each_start() -> None:
    first, second = Config.from_env(BASE), Config.from_env(BASE)
    assert first.pseudonym_key != second.pseudonym_key and len(first.pseudonym_key) >= 32
    configured = Config.from_env({**BASE, "MHS_GATEWAY_PSEUDONYM_KEY": "operator-chosen-secret"})
    assert configured.pseudonym_key == b"operator-chosen-secret"


def test_analyst_projects_and_their_date_modes() -> None:
    assert Config.from_env(BASE).analyst_projects.names is None  # any well-formed project
    config = Config.from_env({**BASE, "MHS_GATEWAY_ANALYST_PROJECTS": "readiness-study, sleep-study:shift"})
    projects = config.analyst_projects
    assert projects.names == {"readiness-study", "sleep-study"}
    assert (projects.dates("readiness-study"), projects.dates("sleep-study")) == (DateMode.YEAR, DateMode.SHIFT)
    for bad in ("Not A Name", "study:weekly", ":shift"):
        assert _error({**BASE, "MHS_GATEWAY_ANALYST_PROJECTS": bad}).name == "MHS_GATEWAY_ANALYST_PROJECTS"
