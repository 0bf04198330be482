"""The Litestar app: the API's controllers and the admin pages in one app, on a wired process
(:func:`boa.composition.wire`). One factory for the server, the benchmarks and the tests."""

from __future__ import annotations

import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from sqlalchemy.ext.asyncio import AsyncEngine

from admin_ui.errors import html_not_found_or
from admin_ui.router import page_routers
from api import openapi
from api.errors import EXCEPTION_HANDLERS, http_error
from api.headers import security_headers
from api.reference import ReferencePage
from api.routes import CONTROLLERS
from boa.composition import wire
from boa.kernel.access_cache import AccessCache
from boa.kernel.db import alchemy_config, make_engine
from boa.kernel.jobs import InProcess
from boa.kernel.settings import get_settings
from boa.web.auth import authenticate, provide_actor
from boa.web.bodies import read_timeout
from boa.web.inputs import BoundedJsonRequest, RequestLineGuard
from boa.web.transactions import close_session, commit_before_answer, remember_request


async def start_access_cache(app: Litestar) -> None:
    await app.state.access_cache.start(app.state.boa_engine)


async def stop_access_cache(app: Litestar) -> None:
    await app.state.access_cache.stop()


async def start_worker(app: Litestar) -> None:
    """The jobs in this process (the outbox, the reminders) when BOA_WORKER_IN_PROCESS says so: the
    default on SQLite, so `make run` delivers mail; on PostgreSQL `boa worker` runs them."""
    if get_settings().worker_in_process:
        app.state.worker = InProcess(app.state.boa_engine)
        app.state.worker.start()


async def stop_worker(app: Litestar) -> None:
    worker = app.state.get("worker")
    if worker is not None:
        await worker.stop()


def create_app(engine: AsyncEngine | None = None) -> Litestar:
    wire()
    settings = get_settings()
    engine = engine or make_engine(settings)
    alchemy = alchemy_config(engine, before_send=close_session)
    app = Litestar(
        route_handlers=[*CONTROLLERS, *page_routers()],
        request_max_body_size=settings.max_body_bytes,
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        dependencies={"actor": Provide(provide_actor)},
        guards=[authenticate],
        middleware=[RequestLineGuard(), read_timeout],
        request_class=BoundedJsonRequest,
        before_request=remember_request,
        after_request=commit_before_answer,
        before_send=[security_headers],
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: html_not_found_or(http_error)},
        openapi_config=OpenAPIConfig(
            title="BOA",
            version="1.0.0",
            description="Access and scheme administration for the microdata service.",
            path="/schema",
            # BOA's own page (no third-party script on this origin); the document at /schema/openapi.json.
            render_plugins=[ReferencePage()],
        ),
        on_startup=[start_access_cache, start_worker],
        on_shutdown=[stop_worker, stop_access_cache],
        logging_config=None,
        debug=False,
    )
    openapi.install(app)
    app.state.boa_alchemy = alchemy
    app.state.boa_engine = engine
    app.state.access_cache = AccessCache(max_age=settings.access_cache_seconds,
                                         stamp_file=settings.var_dir / "access-cache.stamp")
    logging.getLogger("boa").setLevel(logging.INFO)
    return app
