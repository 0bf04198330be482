"""Imports every module that defines tables, so metadata is complete wherever it is needed
(Alembic, tests). Areas add their model modules here."""

import boa.models  # noqa: F401
import boa.sanctions.hooks  # noqa: F401  (registers the lock loader and the review's breach hook)
import boa.sanctions.models  # noqa: F401
import boa.transfers.models  # noqa: F401
import schemes.hooks  # noqa: F401  (registers the schemes' loader, association hook and demo sections)
import schemes.models  # noqa: F401
