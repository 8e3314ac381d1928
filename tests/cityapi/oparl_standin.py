"""A local OParl 1.1 server with the shipped sample: paged lists, `modified_since`, broken pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from cityapi.hours import BERLIN
from cityapi.importers.oparl_records import moment
from cityapi.importers.oparl_sample import SAMPLE_FILE, SampleOParl
from cityapi.settings import REPO_ROOT


class OParlStandIn:
    """Serves the sample like a council information system would, on 127.0.0.1."""

    def __init__(self, page_size: int = 10):
        self.page_size = page_size
        self.broken: set[tuple[str, int]] = set()  # (list URL, page number) answering 500
        self.requests: list[URL] = []
        self._tombstones: list[dict[str, Any]] = []
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        self.sample: SampleOParl

    async def start(self) -> None:
        await self._server.start_server()
        base = str(self._server.make_url("/oparl/v1"))
        self.sample = SampleOParl.load(
            REPO_ROOT / "data" / "sample" / SAMPLE_FILE, datetime.now(BERLIN).date(), base
        )

    async def close(self) -> None:
        await self._server.close()

    @property
    def system_url(self) -> str:
        return self.sample.system_url

    @property
    def meetings_url(self) -> str:
        return str(self.sample.bodies[0]["meeting"])

    def meeting(self, index: int) -> dict[str, Any]:
        return self.sample.meetings[index]

    def touch(self, obj: dict[str, Any]) -> None:
        obj["modified"] = datetime.now(BERLIN).isoformat(timespec="seconds")

    def mark_deleted(self, index: int) -> str:
        """Delete a meeting the way OParl says: it stays listed with `deleted: true`."""
        gone = self.sample.meetings.pop(index)
        tombstone = {"id": gone["id"], "type": gone["type"], "deleted": True}
        self.touch(tombstone)
        self._tombstones.append(tombstone)
        return str(gone["id"])

    def drop(self, index: int) -> str:
        """Remove a meeting without a trace (what some servers do)."""
        return str(self.sample.meetings.pop(index)["id"])

    def _page(self, url: str, items: list[dict[str, Any]], request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        since = request.query.get("modified_since")
        if since is not None:
            cutoff = moment(since)
            assert cutoff is not None, since
            items = [
                item
                for item in [*items, *(self._tombstones if url == self.meetings_url else [])]
                if (changed := moment(item.get("modified"))) is not None and changed >= cutoff
            ]
        if (url, page) in self.broken:
            return web.Response(status=500, text="Internal Server Error")
        total_pages = max(1, -(-len(items) // self.page_size))
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        links: dict[str, str] = {}
        query = {"modified_since": since} if since else {}
        if page < total_pages:
            links["next"] = str(URL(url).with_query({**query, "page": str(page + 1)}))
        return web.json_response(
            {
                "data": chunk,
                "pagination": {
                    "totalElements": len(items),
                    "elementsPerPage": self.page_size,
                    "currentPage": page,
                    "totalPages": total_pages,
                },
                "links": links,
            }
        )

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.url)
        url = str(request.url.with_query(None))
        lists = self.sample.lists()
        if url in lists:
            return self._page(url, lists[url], request)
        found = self.sample.objects().get(url)
        if found is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(found)
