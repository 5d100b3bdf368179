"""The gateway under a real uvicorn server: status codes, error shapes, health, metrics, GraphiQL."""

from __future__ import annotations

import json
import re

import aiohttp

from sandbox.issuer import Issuer


def _auth(issuer: Issuer) -> dict[str, str]:
    return {"Authorization": "Bearer " + issuer.mint("patient", "1000000001")}


async def _post(http: aiohttp.ClientSession, url: str, body: object, **headers: str
                ) -> tuple[int, dict[str, str], object]:
    async with http.post(f"{url}/graphql", data=json.dumps(body),
                         headers={"Content-Type": "application/json", **headers}) as response:
        text = await response.text()
        return response.status, response.headers.copy(), json.loads(text)  # type: ignore[return-value]


def _code(body: object) -> str:
    assert isinstance(body, dict)
    return str(body["errors"][0]["extensions"]["code"])


async def test_signed_in_query_runs(gateway_url: str, issuer: Issuer,
                                    http: aiohttp.ClientSession) -> None:
    status, headers, body = await _post(http, gateway_url, {"query": "{ __typename }"},
                                        **_auth(issuer))
    assert status == 200
    assert body == {"data": {"__typename": "Query"}}
    assert headers["Content-Type"].startswith("application/json")
    assert headers.get("x-request-id")


async def test_request_id_is_echoed(gateway_url: str, issuer: Issuer,
                                    http: aiohttp.ClientSession) -> None:
    _, headers, _ = await _post(http, gateway_url, {"query": "{ __typename }"},
                                **{**_auth(issuer), "X-Request-Id": "trace-123"})
    assert headers["x-request-id"] == "trace-123"


async def test_missing_token_is_401_json(gateway_url: str, http: aiohttp.ClientSession) -> None:
    status, headers, body = await _post(http, gateway_url, {"query": "{ __typename }"})
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert _code(body) == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "TOKEN_MISSING"  # type: ignore[index]


async def test_expired_and_forged_tokens_are_401(gateway_url: str, issuer: Issuer,
                                                 http: aiohttp.ClientSession) -> None:
    expired = issuer.mint("patient", "1000000001", ttl=-3600)
    status, _, body = await _post(http, gateway_url, {"query": "{ __typename }"},
                                  Authorization=f"Bearer {expired}")
    assert status == 401
    assert body["errors"][0]["extensions"]["reason"] == "TOKEN_EXPIRED"  # type: ignore[index]
    assert expired not in json.dumps(body)
    status, _, body = await _post(http, gateway_url, {"query": "{ __typename }"},
                                  Authorization="Bearer abc.def.ghi")
    assert status == 401 and _code(body) == "UNAUTHENTICATED"


async def test_parse_error_is_400(gateway_url: str, issuer: Issuer,
                                  http: aiohttp.ClientSession) -> None:
    status, _, body = await _post(http, gateway_url, {"query": "{ __typename "}, **_auth(issuer))
    assert status == 400
    assert _code(body) == "GRAPHQL_PARSE_FAILED"
    assert "data" not in body  # type: ignore[operator]


async def test_validation_error_is_400(gateway_url: str, issuer: Issuer,
                                       http: aiohttp.ClientSession) -> None:
    status, _, body = await _post(http, gateway_url, {"query": "{ noSuchFieldAnywhere }"},
                                  **_auth(issuer))
    assert status == 400
    assert _code(body) == "GRAPHQL_VALIDATION_FAILED"


async def test_wrong_variable_type_is_400_bad_user_input(
    gateway_url: str, issuer: Issuer, http: aiohttp.ClientSession
) -> None:
    query = "query Q($b: Boolean!) { __typename @include(if: $b) }"
    status, _, body = await _post(http, gateway_url, {"query": query, "variables": {"b": "x"}},
                                  **_auth(issuer))
    assert status == 400
    assert _code(body) == "BAD_USER_INPUT"


async def test_get_runs_queries_but_not_mutations(gateway_url: str, issuer: Issuer,
                                                  http: aiohttp.ClientSession) -> None:
    async with http.get(f"{gateway_url}/graphql", params={"query": "{ __typename }"},
                        headers=_auth(issuer)) as response:
        assert response.status == 200
        assert await response.json() == {"data": {"__typename": "Query"}}
    async with http.get(f"{gateway_url}/graphql", params={"query": "mutation { __typename }"},
                        headers=_auth(issuer)) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
        assert _code(await response.json()) == "METHOD_NOT_ALLOWED"


async def test_big_body_is_413(gateway_url: str, issuer: Issuer,
                               http: aiohttp.ClientSession) -> None:
    padding = "#" + "x" * 30_000 + "\n{ __typename }"
    status, _, body = await _post(http, gateway_url, {"query": padding}, **_auth(issuer))
    assert status == 413
    assert _code(body) == "PAYLOAD_TOO_LARGE"


async def test_big_chunked_body_is_413(gateway_url: str, issuer: Issuer,
                                       http: aiohttp.ClientSession) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"query": "#'
        for _ in range(30):
            yield b"x" * 1000
        yield b'\\n{ __typename }"}'

    async with http.post(f"{gateway_url}/graphql", data=chunks(),
                         headers={"Content-Type": "application/json", **_auth(issuer)}
                         ) as response:
        assert response.status == 413
        assert _code(await response.json()) == "PAYLOAD_TOO_LARGE"


async def test_csrf_prone_bodies_are_refused(gateway_url: str, issuer: Issuer,
                                             http: aiohttp.ClientSession) -> None:
    body = json.dumps({"query": "{ __typename }"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x"):
        async with http.post(f"{gateway_url}/graphql", data=body,
                             headers={"Content-Type": content_type, **_auth(issuer)}
                             ) as response:
            assert response.status == 415, content_type
            assert _code(await response.json()) == "UNSUPPORTED_MEDIA_TYPE"
    async with http.post(f"{gateway_url}/graphql", data=body.encode(),
                         headers={**_auth(issuer)}, skip_auto_headers=["Content-Type"]
                         ) as response:
        assert response.status == 415


async def test_graphql_response_media_type(gateway_url: str, issuer: Issuer,
                                           http: aiohttp.ClientSession) -> None:
    _, headers, body = await _post(http, gateway_url, {"query": "{ __typename }"},
                                   Accept="application/graphql-response+json", **_auth(issuer))
    assert headers["Content-Type"].startswith("application/graphql-response+json")
    assert body == {"data": {"__typename": "Query"}}


async def test_healthz(gateway_url: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{gateway_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_readyz_without_a_database_is_503(gateway_url: str,
                                                http: aiohttp.ClientSession) -> None:
    async with http.get(f"{gateway_url}/readyz") as response:
        assert response.status == 503
        assert (await response.json())["status"] == "not_ready"


async def test_metrics_in_prometheus_format(gateway_url: str, issuer: Issuer,
                                            http: aiohttp.ClientSession) -> None:
    await _post(http, gateway_url, {"query": "query Probe { __typename }"}, **_auth(issuer))
    await _post(http, gateway_url, {"query": "{ __typename }"})
    async with http.get(f"{gateway_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    assert 'gateway_requests_total{operation="Probe",outcome="ok"} ' in text
    assert re.search(r'gateway_requests_total\{operation="\w+",outcome="unauthenticated"\} \d', text)
    assert "# TYPE gateway_request_seconds histogram" in text
    assert 'gateway_request_seconds_bucket{le="+Inf"}' in text
    for name in ("gateway_upstream_requests_total", "gateway_upstream_seconds",
                 "gateway_source_state"):
        assert f"# TYPE {name} " in text
    sample = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$|^#')
    assert all(sample.match(line) for line in text.strip().splitlines())


async def test_graphiql_page_uses_local_assets_only(gateway_url: str,
                                                    http: aiohttp.ClientSession) -> None:
    async with http.get(f"{gateway_url}/graphql", headers={"Accept": "text/html"}) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        page = await response.text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/graphiql/static/") for s in sources)
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for source in sources:
        async with http.get(gateway_url + source) as asset:
            assert asset.status == 200, source
            kind = "text/css" if source.endswith(".css") else "text/javascript"
            assert asset.headers["Content-Type"].startswith(kind)
            assert len(await asset.read()) > 0
    async with http.get(f"{gateway_url}/graphiql/static/..%2Fpackage.json") as response:
        assert response.status == 404
    async with http.get(f"{gateway_url}/graphiql/static/index.js") as response:
        assert response.status == 404


async def test_too_deep_query_is_refused_unexecuted(issuer: Issuer,
                                                    http: aiohttp.ClientSession) -> None:
    from gateway.app import create_app
    from gateway.config import Config
    from tests.support.servers import serve

    from .conftest import base_env, no_sources

    config = Config.from_env(base_env(issuer, MAX_DEPTH="2"))
    async with serve(create_app(config, services_factory=no_sources)) as url:
        query = "{ me { primaryCareTeam { facility { name } } } }"
        status, _, body = await _post(http, url, {"query": query}, **_auth(issuer))
    assert status == 400
    assert _code(body) == "QUERY_TOO_COMPLEX"
