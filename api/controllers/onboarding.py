"""The onboarding a new user does through the API (SPEC 2; API.md "Onboarding"): read and accept the
current user agreement; take the security certification, one attempt at a time."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.bodies import AgreementAcceptBody, AnswersBody
from boa.kernel.actor import Actor
from boa.kernel.errors import PermissionDenied
from boa.people import certification, user_agreements
from boa.people import onboarding_presenters as presenters
from boa.people.lookups import user_of
from boa.people.models import User
from boa.people.onboarding_presenters import AttemptResult, AttemptView, UserAgreementView
from boa.people.onboarding_views import attempt_result, my_user_agreement
from boa.web.auth import ONBOARDING


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise PermissionDenied("A service client has no user agreement or certification.")
    return user_of(actor)


class OnboardingController(Controller):
    opt = {ONBOARDING: True}  # the onboarding itself: answers while it is unfinished
    path = "/v1/me"
    tags = ["Onboarding"]

    @get("/user-agreement")
    async def user_agreement(self, db_session: AsyncSession, actor: Actor) -> UserAgreementView:
        """The current user agreement in the user's language, and the version the user accepted."""
        user = _user(actor)
        return await my_user_agreement(db_session, user, user.language)

    @post("/user-agreement", status_code=200)
    async def accept(self, db_session: AsyncSession, actor: Actor, data: AgreementAcceptBody) -> UserAgreementView:
        """Accept the current version (409 ``stale_user_agreement`` for any other)."""
        user = await user_agreements.accept_user_agreement(db_session, actor=actor, version=data.version)
        return await my_user_agreement(db_session, user, user.language)

    @post("/certification/attempts", status_code=201)
    async def start_attempt(self, db_session: AsyncSession, actor: Actor) -> AttemptView:
        """Draw an attempt's questions (409 ``renewal_not_yet``; 429 ``too_many_attempts`` with ``retry_after``)."""
        attempt = await certification.start_attempt(db_session, actor=actor)
        return presenters.attempt(attempt, _user(actor).language)

    @post("/certification/attempts/{attempt_id:str}", status_code=200)
    async def submit_attempt(self, db_session: AsyncSession, actor: Actor, attempt_id: str,
                             data: AnswersBody) -> AttemptResult:
        """Submit every answer once; the score, never which answers were wrong."""
        attempt = await certification.submit_attempt(db_session, actor=actor, attempt_id=attempt_id,
                                                     answers=data.answers)
        return await attempt_result(db_session, attempt, _user(actor))
