"""Makes a newcomer (tests/onboarding_helpers.py) in a browser test server's database; run beside
the server with its environment: ``python -m tests.browser.newcomer IDENT SECRET``."""

from __future__ import annotations

import asyncio
import sys

from boa.kernel.db import make_engine
from boa.kernel.settings import get_settings
from tests.onboarding_helpers import newcomer


async def main(ident: str, secret: str) -> None:
    engine = make_engine(get_settings())
    try:
        await newcomer(engine, ident, secret=secret)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
