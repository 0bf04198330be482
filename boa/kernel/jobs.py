"""Scheduled, durable work: delivering the outbox, the reminders and the outbox's housekeeping.

The work is three plain functions of an engine. Two runners run the same functions:

* on PostgreSQL, procrastinate: :func:`blueprint` declares them as periodic tasks (mail every 10
  seconds, the sweeps every minute, the reminders every hour, the housekeeping every night); the composition root adds
  the blueprint to a procrastinate ``App`` (:func:`boa.composition.job_app`) and ``boa worker``
  runs it on every machine that should work. Procrastinate defers each periodic job once per
  tick however many workers run, and a queueing lock keeps at most one of each waiting;
* on SQLite (the demo, one machine) or with ``BOA_WORKER_IN_PROCESS=true``: :class:`InProcess`,
  a loop in the app's lifespan (or in ``boa worker``).

Either way the functions are safe to run twice at once: delivery claims rows (``SKIP LOCKED``
and a lease), a reminder is recorded by a unique key in the transaction that writes its mail."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from procrastinate import Blueprint, JobContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from boa.kernel import extensions, outbox, reminders

log = logging.getLogger("boa.kernel.jobs")

QUEUE = "boa"
DELIVERY_CRON = "* * * * * */10"  # procrastinate's sixth field: seconds
REMINDERS_CRON = "5 * * * *"
SWEEPS_CRON = "* * * * *"
HOUSEKEEPING_CRON = "35 3 * * *"
POLL_SECONDS = 5.0  # the in-process loop's delivery interval
HOURLY = 3600.0
MINUTELY = 60.0


async def run_delivery(engine: AsyncEngine) -> dict[str, Any]:
    return (await outbox.deliver_due(engine)).as_dict()


async def run_reminders(engine: AsyncEngine) -> dict[str, int]:
    """Every reminder the composition root listed (``Extensions.reminders``), in its order."""
    return await reminders.run(engine, extensions.current().reminders)


async def run_sweeps(engine: AsyncEngine) -> dict[str, int]:
    """Every sweep the composition root listed (``Extensions.sweeps``): work whose worker died."""
    return {sweep.__name__: await sweep(engine) for sweep in extensions.current().sweeps}


async def run_housekeeping(engine: AsyncEngine) -> dict[str, int]:
    return {"sent_mails_forgotten": await outbox.forget_sent(engine)}


def _engine(context: JobContext) -> AsyncEngine:
    return context.additional_context["engine"]


def blueprint() -> Blueprint:
    """A new blueprint with BOA's tasks (procrastinate renames the tasks of a blueprint when an app
    adds it, so each app gets its own)."""
    jobs = Blueprint()

    @jobs.periodic(cron=DELIVERY_CRON, periodic_id="mail")
    @jobs.task(name="deliver_mail", queue=QUEUE, pass_context=True, queueing_lock="boa:deliver_mail")
    async def deliver_mail(context: JobContext, timestamp: int) -> dict[str, Any]:
        return await run_delivery(_engine(context))

    @jobs.periodic(cron=REMINDERS_CRON, periodic_id="reminders")
    @jobs.task(name="send_reminders", queue=QUEUE, pass_context=True, queueing_lock="boa:send_reminders")
    async def send_reminders(context: JobContext, timestamp: int) -> dict[str, int]:
        return await run_reminders(_engine(context))

    @jobs.periodic(cron=SWEEPS_CRON, periodic_id="sweeps")
    @jobs.task(name="sweeps", queue=QUEUE, pass_context=True, queueing_lock="boa:sweeps")
    async def sweeps(context: JobContext, timestamp: int) -> dict[str, int]:
        return await run_sweeps(_engine(context))

    @jobs.periodic(cron=HOUSEKEEPING_CRON, periodic_id="housekeeping")
    @jobs.task(name="housekeeping", queue=QUEUE, pass_context=True, queueing_lock="boa:housekeeping")
    async def housekeeping(context: JobContext, timestamp: int) -> dict[str, int]:
        return await run_housekeeping(_engine(context))

    return jobs


def conninfo(database_url: str) -> str:
    """The libpq address procrastinate's psycopg connector takes, from BOA's SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class InProcess:
    """The jobs in a loop of this process: delivery every POLL_SECONDS, the reminders and the
    housekeeping every hour (first at start). A failing round is logged and the loop goes on;
    :meth:`stop` lets the round under way finish."""

    def __init__(self, engine: AsyncEngine, poll: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.poll = poll
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def round(self, hourly: bool, minutely: bool = False) -> None:
        if hourly:
            await run_reminders(self.engine)
            await run_housekeeping(self.engine)
        if minutely:
            await run_sweeps(self.engine)
        await run_delivery(self.engine)

    async def run(self) -> None:
        last_hourly: float | None = None
        last_minutely: float | None = None
        while not self._stop.is_set():
            hourly = last_hourly is None or time.monotonic() - last_hourly >= HOURLY
            minutely = last_minutely is None or time.monotonic() - last_minutely >= MINUTELY
            if hourly:
                last_hourly = time.monotonic()
            if minutely:
                last_minutely = time.monotonic()
            try:
                await self.round(hourly, minutely)
            except Exception:
                log.exception("the in-process worker's round failed; it runs again in %.0f s", self.poll)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.poll)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="boa-in-process-worker")

    def request_stop(self) -> None:
        """Ends :meth:`run` after the round under way (a signal handler's call)."""
        self._stop.set()

    async def stop(self, grace: float = 30.0) -> None:
        self.request_stop()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
