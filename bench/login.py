"""Full logins per second: IDENT + PIN (Argon2id, OWASP parameters) → TOTP code → session.

Runs the real app on a fresh SQLite database in a temporary directory, through its ASGI
interface, with as many concurrent logins as there are cores. Prints the figure.

    .venv/bin/python bench/login.py [--logins 300] [--users 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def main(logins: int, users: int) -> None:
    import httpx
    import pyotp

    from api.app import create_app
    from boa import clock
    from boa.actor import SYSTEM
    from boa.db import make_engine, transaction
    from boa.migrate import upgrade
    from boa.models import InstitutionRole, Token, User
    from boa.security import pin_hasher
    from boa.services.institutions import create_institution
    from boa.settings import get_settings
    from tokens.kinds import seal_secret

    settings = get_settings()
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings)
    secrets_by_ident = {}
    async with transaction(engine) as session:
        inst = await create_institution(session, actor=SYSTEM, name="Bench", authorisation_number=1, kind="other")
        pin_hash = pin_hasher().hash("7391")
        for n in range(users):
            ident = "B" + chr(65 + n // 26) + chr(65 + n % 26)
            user = User(ident=ident, name=ident, pin_hash=pin_hash, user_agreement_version=1,
                        certified_at=clock.now(), certification_expires_at=clock.now().replace(year=clock.now().year + 1))
            session.add(user)
            await session.flush()
            session.add(InstitutionRole(institution_id=inst.id, user_id=user.id, role="contact_person"))
            token = Token(user_id=user.id, kind="totp", state="active")
            session.add(token)
            await session.flush()
            secret = pyotp.random_base32(32)
            seal_secret(token, secret)
            secrets_by_ident[ident] = secret
    app = create_app(engine)
    app.state.update(app.state.boa_alchemy.create_app_state_items())
    idents = list(secrets_by_ident)
    counter = {"step": 0}

    async def one(client: httpx.AsyncClient, i: int) -> None:
        ident = idents[i % len(idents)]
        r = await client.post("/v1/auth/login", json={"ident": ident, "pin": "7391"})
        r.raise_for_status()
        # Each user's code is accepted once per time step: move the clock on per round of users.
        code = pyotp.TOTP(secrets_by_ident[ident]).at(clock.now())
        v = await client.post("/v1/auth/verify", json={"challenge_id": r.json()["challenge_id"], "code": code})
        v.raise_for_status()

    cores = os.cpu_count() or 1
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        start = time.perf_counter()
        done = 0
        sem = asyncio.Semaphore(cores)

        async def guarded(i: int) -> None:
            async with sem:
                await one(client, i)

        while done < logins:
            batch = min(len(idents), logins - done)

            await asyncio.gather(*(guarded(i) for i in range(batch)))
            done += batch
            clock.travel(__import__("datetime").timedelta(seconds=30))
            counter["step"] += 1
        elapsed = time.perf_counter() - start
    await engine.dispose()
    rate = logins / elapsed
    print(f"argon2id m={settings.argon2_memory_kib} KiB t={settings.argon2_time_cost} p={settings.argon2_parallelism}")
    print(f"{logins} full logins in {elapsed:.2f} s on {cores} cores: {rate:.1f} logins/s, "
          f"{rate / cores:.1f} logins/s per core (target >= 15 per core)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="boa-bench-")
    os.environ["BOA_VAR_DIR"] = tmp
    os.environ.pop("BOA_DATABASE_URL", None)
    for key in ("BOA_ARGON2_MEMORY_KIB", "BOA_ARGON2_TIME_COST"):
        os.environ.pop(key, None)
    asyncio.run(main(args.logins, args.users))
