"""Imports every module that defines tables, so metadata is complete wherever it is needed
(Alembic, tests). Areas add their model modules here."""

import boa.models  # noqa: F401
