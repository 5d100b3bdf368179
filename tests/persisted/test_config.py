"""The persisted-query variables: defaults, validation naming the variable, REDIS_URL never echoed."""

from __future__ import annotations

import pytest

from gateway.config import Config
from gateway.errors import ConfigError

from .test_trusted import BASE_ENV


def test_defaults() -> None:
    config = Config.from_env(BASE_ENV)
    persisted = config.persisted
    assert (persisted.trusted_only, len(persisted.trusted_documents)) == (False, 0)
    assert (persisted.ttl, persisted.cache_entries, persisted.redis_timeout) == (30 * 24 * 3600, 1000, 0.5)
    assert config.redis_url is None


def test_values_are_read() -> None:
    config = Config.from_env({**BASE_ENV, "MHS_GATEWAY_APQ_TTL": "86400", "MHS_GATEWAY_APQ_CACHE_SIZE": "50",
                              "MHS_GATEWAY_REDIS_TIMEOUT": "0.2", "REDIS_URL": "redis://127.0.0.1:6379/2"})
    assert (config.persisted.ttl, config.persisted.cache_entries, config.persisted.redis_timeout) == (86400, 50, 0.2)
    assert config.redis_url == "redis://127.0.0.1:6379/2"


@pytest.mark.parametrize(("name", "value"), [
    ("MHS_GATEWAY_APQ_TTL", "0"),
    ("MHS_GATEWAY_APQ_TTL", "a month"),
    ("MHS_GATEWAY_APQ_CACHE_SIZE", "0"),
    ("MHS_GATEWAY_REDIS_TIMEOUT", "0"),
    ("MHS_GATEWAY_TRUSTED_ONLY", "perhaps"),
])
def test_malformed_values_are_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE_ENV, name: value})
    assert caught.value.name == name


def test_a_redis_url_must_be_redis_and_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({**BASE_ENV, "REDIS_URL": "http://user:s3cret@cache:6379"})
    assert caught.value.name == "REDIS_URL" and "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(Config.from_env({**BASE_ENV, "REDIS_URL": "redis://:s3cret@cache:6379/0"}))
