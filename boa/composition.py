"""The composition root: the one place that knows every capability and wires them together.

:func:`wire` installs the extensions the lower layers call upward through (the access decision's
fact loaders in their order, and the hooks); :func:`metadata` is every table, for Alembic and the
tests. The app (:func:`boa.app.create_app`), the CLI, the demo loader and the tests all call
:func:`wire` first, so no process decides without the locks. It imports no face: a CLI command
wires the same decision without loading a controller or a page."""

from __future__ import annotations

from sqlalchemy import MetaData

import boa.people.models
import boa.sanctions.models
import boa.transfers.models
import schemes.models
import tokens.models
import tokens.radius.models
from boa.kernel import models as kernel_models
from boa.kernel.extensions import Extensions, install
from boa.sanctions.from_review import case_from_review
from boa.sanctions.locks import load_lock_facts
from schemes.access import load_project_facts
from schemes.projects.members import (
    activate_memberships_on_physical_token,
    end_memberships_on_association_end,
)
from tokens.access import load_person_facts

# Every module that defines tables (the metadata is complete once they are imported).
MODEL_MODULES = (kernel_models, boa.people.models, tokens.models, tokens.radius.models, schemes.models,
                 boa.transfers.models, boa.sanctions.models)


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
