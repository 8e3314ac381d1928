"""The announcement outbox on the gateway's /metrics: its depth read from the database at each
scrape, and each delivery attempt counted by channel and result (real store, real web channel)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.broadcast.sender import AnnouncementSender
from bot.broadcast.store import AnnouncementStore
from bot.channels.web.routes import ENGINE
from bot.metrics import metrics_handler
from bot.store.database import create_engine, migrate
from tests.bot.test_delivery_outbox import NEWS, settings, web_channel, web_subscribers


async def _scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = await client.get("/metrics")
    assert resp.status == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(await resp.text())
        for s in family.samples
    }


async def test_the_outbox_depth_falls_as_deliveries_go_out_and_each_is_counted(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/gateway.sqlite3"
    migrate(url)
    engine = create_engine(url)
    app = web.Application()
    app[ENGINE] = engine
    app.router.add_get("/metrics", metrics_handler(ENGINE))
    pending = ("smilecity_outbox_pending", (("channel", "web"),))
    delivered = ("smilecity_deliveries_total", (("channel", "web"), ("result", "delivered")))
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            senders = await web_subscribers(engine, 3)
            store = AnnouncementStore(engine)
            await store.create(NEWS, "approved")
            assert len(await store.queue_due(datetime.now(UTC))) == 1
            before = await _scrape(client)
            assert before[pending] == 3
            # a channel that has not started yet counts as idle, not as missing
            assert before[("smilecity_outbox_pending", (("channel", "telegram"),))] == 0

            sender = AnnouncementSender(store, {"web": web_channel(engine)}, settings())
            assert await sender.run_once() == 3
            after = await _scrape(client)
            assert after[pending] == 0
            assert after[delivered] - before.get(delivered, 0.0) == 3
            # no sender id or person id is a label value
            labels = {v for _, key in after for _, v in key}
            assert not labels & set(senders)
    finally:
        await engine.dispose()
