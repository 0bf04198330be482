"""The tokens' reminder (run by the worker, listed in the composition root; sent once each,
boa.kernel.reminders): a physical token shipped 30 days ago and not yet activated, to its user
and to Research Services (BOA_OFFICE_EMAIL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.reminders import Due, office, send_once
from boa.people.models import User
from tokens.models import Token
from tokens.states import TokenKind, TokenState

NOT_ACTIVATED = timedelta(days=30)


async def physical_token_not_activated(session: AsyncSession, now: datetime) -> int:
    rows = (await session.execute(select(Token, User).join(User, User.id == Token.user_id).where(
        Token.kind == TokenKind.PHYSICAL, Token.state == TokenState.SHIPPED,
        Token.shipped_at <= now - NOT_ACTIVATED).order_by(Token.id)))
    due = []
    for token, user in rows:
        about = {"serial": token.serial, "shipped": token.shipped_at, "user_name": user.name, "user_ident": user.ident}
        due += [Due(f"physical_token_not_activated:{token.id}", "physical_token_not_activated", [user], about),
                Due(f"physical_token_not_activated:office:{token.id}", "physical_token_not_activated_office",
                    [office()], about)]
    return await send_once(session, due)
