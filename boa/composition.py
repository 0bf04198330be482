"""The composition root: the one place that knows every capability and wires them together.

:func:`wire` installs the extensions the lower layers call upward through (the access decision's
fact loaders in their order, and the hooks); :func:`create_app` builds the Litestar app from the
API's controllers and the admin pages; :func:`metadata` is every table, for Alembic and the
tests. The CLI and the app both start here, so a process cannot decide without the locks."""

from __future__ import annotations

import logging

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

import boa.people.models
import boa.sanctions.models
import boa.transfers.models
import schemes.models
import tokens.models
from admin_ui.errors import html_not_found_or
from admin_ui.router import page_routers
from api import openapi
from api.errors import EXCEPTION_HANDLERS, http_error
from api.routes import CONTROLLERS
from boa.kernel import models as kernel_models
from boa.kernel.access_cache import AccessCache
from boa.kernel.db import alchemy_config, make_engine
from boa.kernel.extensions import Extensions, install
from boa.kernel.settings import get_settings
from boa.sanctions.from_review import case_from_review
from boa.sanctions.locks import load_lock_facts
from boa.web.auth import authenticate, provide_actor
from boa.web.transactions import close_session, commit_before_answer, remember_request
from schemes.projects.access import load_project_facts
from schemes.projects.members import (
    activate_memberships_on_physical_token,
    end_memberships_on_association_end,
)
from tokens.access import load_person_facts

# Every module that defines tables (the metadata is complete once they are imported).
MODEL_MODULES = (kernel_models, boa.people.models, tokens.models, schemes.models, boa.transfers.models,
                 boa.sanctions.models)


def extensions() -> Extensions:
    return Extensions(
        # The person first (the others read facts.user_id), then the project (the locks read its
        # institution and scheme), then the locks.
        fact_loaders=(load_person_facts, load_project_facts, load_lock_facts),
        on_association_end=(end_memberships_on_association_end,),
        on_physical_token_activated=(activate_memberships_on_physical_token,),
        on_suspected_breach=(case_from_review,),
    )


def wire() -> Extensions:
    """Installs the extensions; every entry point (app, CLI, demo, tests) calls this first."""
    wired = extensions()
    install(wired)
    return wired


def metadata() -> MetaData:
    return kernel_models.metadata


async def start_access_cache(app: Litestar) -> None:
    await app.state.access_cache.start(app.state.boa_engine)


async def stop_access_cache(app: Litestar) -> None:
    await app.state.access_cache.stop()


def create_app(engine: AsyncEngine | None = None) -> Litestar:
    wire()
    settings = get_settings()
    engine = engine or make_engine(settings)
    alchemy = alchemy_config(engine, before_send=close_session)
    app = Litestar(
        route_handlers=[*CONTROLLERS, *page_routers()],
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        dependencies={"actor": Provide(provide_actor)},
        guards=[authenticate],
        before_request=remember_request,
        after_request=commit_before_answer,
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: html_not_found_or(http_error)},
        openapi_config=OpenAPIConfig(
            title="BOA",
            version="1.0.0",
            description="Access and scheme administration for the microdata service.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
        on_startup=[start_access_cache],
        on_shutdown=[stop_access_cache],
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
