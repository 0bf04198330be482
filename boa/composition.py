"""The composition root: the one place that knows every capability and wires them together.

:func:`wire` installs the extensions the lower layers call upward through (the access decision's
fact loaders in their order, and the hooks); :func:`metadata` is every table, for Alembic and the
tests. The app (:func:`boa.app.create_app`), the CLI, the demo loader and the tests all call
:func:`wire` first, so no process decides without the locks. It imports no face: a CLI command
wires the same decision without loading a controller or a page."""

from __future__ import annotations

from procrastinate import App, PsycopgConnector
from sqlalchemy import MetaData

import boa.commissions.models
import boa.history.models
import boa.people.models
import boa.registers.models
import boa.sanctions.models
import boa.transfers.models
import schemes.models
import tokens.models
import tokens.radius.models
from boa.commissions.reminders import commission_overdue, customer_data_deletion
from boa.kernel import jobs
from boa.kernel import models as kernel_models
from boa.kernel.extensions import Extensions, install
from boa.kernel.reminders import Reminder
from boa.people.reminders import activation_code_expiry, certification_expiry, user_agreement_version
from boa.sanctions.from_review import case_from_review, guidance_from_review
from boa.sanctions.gateway_facts import load_gateway_parts
from boa.sanctions.locks import load_lock_facts
from boa.sanctions.reminders import breach_decision_overdue, breach_report_overdue
from boa.transfers.scanning import rescan_stale
from schemes.access import load_project_facts
from schemes.authority.service import check_external_data
from schemes.project_database.reminders import project_database_end
from schemes.projects.members import (
    activate_memberships_on_physical_token,
    end_memberships_on_association_end,
)
from schemes.projects.reminders import project_dates
from schemes.researcher.reminders import departed_project_owners
from tokens.access import load_person_facts
from tokens.reminders import physical_token_not_activated

# Every module that defines tables (the metadata is complete once they are imported).
MODEL_MODULES = (kernel_models, boa.people.models, boa.registers.models, tokens.models,
                 tokens.radius.models, schemes.models,
                 boa.transfers.models, boa.sanctions.models, boa.commissions.models,
                 boa.history.models)

# The reminders the worker sends every hour (each once: boa.kernel.reminders), in this order.
REMINDERS: tuple[Reminder, ...] = (
    certification_expiry,
    user_agreement_version,
    activation_code_expiry,
    project_dates,
    project_database_end,
    breach_report_overdue,
    breach_decision_overdue,
    physical_token_not_activated,
    departed_project_owners,
    commission_overdue,
    customer_data_deletion,
)


def extensions() -> Extensions:
    return Extensions(
        # The person first (the others read facts.user_id), then the project (the locks read its
        # institution and scheme), then the locks.
        fact_loaders=(load_person_facts, load_project_facts, load_lock_facts),
        gateway_facts=load_gateway_parts,
        on_association_end=(end_memberships_on_association_end,),
        on_physical_token_activated=(activate_memberships_on_physical_token,),
        on_suspected_breach=(case_from_review,),
        on_disclosure_control=(guidance_from_review,),
        on_external_data=(check_external_data,),
        reminders=REMINDERS,
        sweeps=(rescan_stale,),
    )


def wire() -> Extensions:
    """Installs the extensions; every entry point (app, CLI, demo, tests) calls this first."""
    wired = extensions()
    install(wired)
    return wired


def job_app(database_url: str) -> App:
    """The procrastinate app of ``boa worker`` (PostgreSQL): BOA's tasks and periodic tasks
    (boa.kernel.jobs) added explicitly, on a psycopg connection to BOA's database."""
    # A small pool: procrastinate listens on one connection and fetches and finishes jobs on the
    # others; the jobs themselves work through BOA's SQLAlchemy engine.
    app = App(connector=PsycopgConnector(conninfo=jobs.conninfo(database_url), min_size=1, max_size=4))
    app.add_tasks_from(jobs.blueprint(), namespace="boa")
    return app


def metadata() -> MetaData:
    return kernel_models.metadata
