"""`BulkExport`: the kick-off, status, delete and file endpoints of the asynchronous request pattern."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ..auth import Grant
from ..outcome import FhirError, Forbidden, NotFound
from ..store import ResourceStore, now_instant
from .errors import NotAcceptable
from .jobs import ExportFile, Job, JobBoard
from .kickoff import parse_kickoff
from .links import LinkSigner
from .profile import BulkProfile
from .select import group_members, select

__all__ = ["FILES_PATH", "JOBS_PATH", "SIGNED_PATH", "BulkExport"]

JOBS_PATH = "/fhir/bulk-export/jobs"
FILES_PATH = "/fhir/bulk-export/files"
SIGNED_PATH = "/bulk-files"  # outside /fhir: the object store a file URL redirects to
_NDJSON = "application/fhir+ndjson"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _answers_errors(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except FhirError as exc:
            body = json.dumps(exc.outcome()).encode()
            return web.Response(status=exc.status, body=body, content_type="application/fhir+json", headers=exc.headers)

    return wrapped


class BulkExport:
    """Bulk Data export over one server's store, by `profile`; `grant` checks bearer tokens."""

    def __init__(self, store: ResourceStore, grant: Callable[[str | None], Grant], profile: BulkProfile) -> None:
        self.profile = profile
        self._store = store
        self._grant = grant
        self._board = JobBoard(profile)
        self._links = LinkSigner(profile.link_seconds)
        self.origin = ""  # http://host:port, set once the server listens

    def routes(self) -> list[web.RouteDef]:
        """The routes to add before the server's catch-all FHIR route."""
        return [
            web.get("/fhir/Group/{group_id}/$export", _answers_errors(self._group_kickoff)),
            web.get("/fhir/Patient/$export", _answers_errors(self._patient_kickoff)),
            web.get(JOBS_PATH + "/{job_id}", _answers_errors(self._status)),
            web.delete(JOBS_PATH + "/{job_id}", _answers_errors(self._delete)),
            web.get(FILES_PATH + "/{file_id}", _answers_errors(self._file)),
            web.get(SIGNED_PATH + "/{file_id}", self._signed_file),
        ]

    async def close(self) -> None:
        """Stop every running job."""
        await self._board.close()

    async def _group_kickoff(self, request: web.Request) -> web.StreamResponse:
        return self._kickoff(request, request.match_info["group_id"])

    async def _patient_kickoff(self, request: web.Request) -> web.StreamResponse:
        if not self.profile.patient_export:
            raise NotFound("Patient/$export is not supported here: use Group/[id]/$export")
        return self._kickoff(request, None)

    def _kickoff(self, request: web.Request, group_id: str | None) -> web.StreamResponse:
        # Synchronous from the token check to the job's start: no write can land in between.
        grant = self._grant(request.headers.get("Authorization"))
        headers = {k.lower(): ", ".join(request.headers.getall(k)) for k in request.headers}
        parsed = parse_kickoff(self.profile, tuple(request.query.items()), headers, grant, group=group_id is not None)
        if group_id is None:
            members = [str(p["id"]) for p in self._store.all("Patient")]
        else:
            members = group_members(self._store, group_id)
        selection = select(self._store, members, parsed)
        job = self._board.start(grant.client_id, self.origin + str(request.rel_url), now_instant(), parsed, selection)
        return web.Response(status=202, headers={"Content-Location": f"{self.origin}{JOBS_PATH}/{job.id}"})

    def _own_job(self, request: web.Request) -> Job:
        grant = self._grant(request.headers.get("Authorization"))
        job = self._board.get(request.match_info["job_id"])
        if job is None:
            raise NotFound("no such export job (it may have been deleted)")
        if job.client_id != grant.client_id:
            raise Forbidden("this export job belongs to another client")
        return job

    async def _status(self, request: web.Request) -> web.StreamResponse:
        job = self._own_job(request)
        if job.state == "running":
            headers = {"Retry-After": str(self.profile.retry_after), "X-Progress": job.progress}
            return web.Response(status=202, headers=headers)
        return web.json_response(self._manifest(job), headers={"Expires": self._expires(job)})

    async def _delete(self, request: web.Request) -> web.StreamResponse:
        job = self._own_job(request)
        await self._board.delete(job.id)
        return web.Response(status=202)

    def _manifest(self, job: Job) -> dict[str, Any]:
        def item(f: ExportFile) -> dict[str, Any]:
            return {"type": f.type, "url": f"{self.origin}{FILES_PATH}/{f.id}", "count": f.count}

        return {
            "transactionTime": job.transaction_time,
            "request": job.request_url,
            "requiresAccessToken": True,
            "output": [item(f) for f in job.output],
            "error": [item(f) for f in job.error],
        }

    def _expires(self, job: Job) -> str:
        started = dt.datetime.fromisoformat(job.transaction_time)
        return format_datetime(started + dt.timedelta(days=self.profile.retention_days), usegmt=True)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        grant = self._grant(request.headers.get("Authorization"))
        found = self._board.file(request.match_info["file_id"])
        if found is None:
            raise NotFound("no such export file (its job may have been deleted)")
        job, item = found
        if job.client_id != grant.client_id:
            raise Forbidden("this export file belongs to another client")
        if item.type != "OperationOutcome":
            grant.require(item.type, False)
        accept = request.headers.get("Accept", "")
        if accept and "ndjson" not in accept and "*/*" not in accept:
            raise NotAcceptable(f"export files are {_NDJSON}")
        if self.profile.redirect_files:
            location = f"{self.origin}{SIGNED_PATH}/{item.id}?{urlencode(self._links.query(item.id))}"
            return web.Response(status=307, headers={"Location": location})
        return _ndjson_response(item)

    async def _signed_file(self, request: web.Request) -> web.StreamResponse:
        """The pre-signed URL: the signature is the credential, so an Authorization header is
        refused, as an object store refuses a second auth mechanism."""
        if "Authorization" in request.headers:
            return _plain(400, "InvalidArgument: only one auth mechanism allowed; drop the Authorization header")
        file_id = request.match_info["file_id"]
        query: Mapping[str, str] = request.query
        if not self._links.valid(file_id, query.get("expires", ""), query.get("signature", "")):
            return _plain(403, "AccessDenied: the link is invalid or has expired")
        found = self._board.file(file_id)
        if found is None:
            return _plain(404, "NoSuchKey: the file has been deleted")
        return _ndjson_response(found[1])


def _ndjson_response(item: ExportFile) -> web.Response:
    return web.Response(status=200, body=item.body, content_type=_NDJSON)


def _plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")
