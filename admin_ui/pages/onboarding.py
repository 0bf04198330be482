"""The onboarding pages (SPEC 2): read and accept the user agreement; take the security
certification (start an attempt, answer its questions in one form, see the score). They call the
services the API calls (:mod:`boa.people.user_agreements`, :mod:`boa.people.certification`); a
refused form comes back on its page with the message and what was chosen."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import labels
from admin_ui.errors import ErrorText, error_text
from admin_ui.forms import done, read_form
from admin_ui.i18n import N_, gettext
from admin_ui.templating import render
from admin_ui.viewer import Viewer, viewer_of
from boa.kernel import clock
from boa.kernel.errors import BoaError, ValidationFailed
from boa.people import certification, user_agreements
from boa.people import certification_rules as rules
from boa.people import onboarding_presenters as presenters
from boa.people.lookups import user_of
from boa.people.models import CertificationAttempt, User
from boa.people.onboarding_views import attempt_result, certification_status, my_user_agreement
from boa.web.auth import ONBOARDING

ANSWER = "answer-"  # a question's radio group: answer-<question id>


def _error(exc: BoaError, lang: str) -> ErrorText:
    """The onboarding's refusals in the reader's words (the page shows the dates itself)."""
    msgid = labels.ERRORS.get(exc.code)
    return ErrorText(gettext(lang, msgid)) if msgid and exc.code != "validation_failed" else error_text(exc, lang)


def _user(viewer: Viewer) -> User:
    return user_of(viewer.actor)


class OnboardingPages(Controller):
    opt = {ONBOARDING: True}  # the onboarding itself: answers while it is unfinished
    path = "/me"

    # ---- the user agreement ------------------------------------------------------------------

    async def _agreement_page(self, request: Request, db: AsyncSession, *, status: int = 200,
                              error: ErrorText | None = None) -> Response:
        viewer = viewer_of(request)
        agreement = await my_user_agreement(db, _user(viewer), viewer.lang)
        return render(request, "user_agreement.html", status=status, agreement=agreement, error=error)

    @get("/user-agreement")
    async def user_agreement(self, request: Request, db_session: AsyncSession) -> Response:
        return await self._agreement_page(request, db_session)

    @post("/user-agreement")
    async def accept(self, request: Request, db_session: AsyncSession) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        try:
            version = form.text("version")
            if not version.isdigit():
                raise ValidationFailed("Choose the version you accept.", field="version")
            await user_agreements.accept_user_agreement(db_session, actor=viewer.actor, version=int(version))
        except BoaError as exc:
            return await self._agreement_page(request, db_session, status=exc.status, error=_error(exc, viewer.lang))
        return done(request, "/me/user-agreement", N_("You have accepted the user agreement."))

    # ---- the certification -------------------------------------------------------------------

    async def _status_page(self, request: Request, db: AsyncSession, *, status: int = 200,
                           error: ErrorText | None = None, attempt: CertificationAttempt | None = None) -> Response:
        viewer = viewer_of(request)
        user = _user(viewer)
        result = await attempt_result(db, attempt, user) if attempt is not None else None
        return render(request, "certification.html", status=status, error=error, result=result,
                      state=await certification_status(db, user))

    async def _attempt_page(self, request: Request, attempt: CertificationAttempt, *, status: int = 200,
                            error: ErrorText | None = None, chosen: dict[str, str] | None = None,
                            missing: frozenset[str] = frozenset()) -> Response:
        viewer = viewer_of(request)
        return render(request, "certification_attempt.html", status=status, error=error,
                      attempt=presenters.attempt(attempt, viewer.lang), chosen=chosen or {}, missing=missing)

    @get("/certification")
    async def certification(self, request: Request, db_session: AsyncSession) -> Response:
        return await self._status_page(request, db_session)

    @post("/certification")
    async def start(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        try:
            attempt = await certification.start_attempt(db_session, actor=viewer.actor)
        except BoaError as exc:
            return await self._status_page(request, db_session, status=exc.status, error=_error(exc, viewer.lang))
        return Redirect(f"/me/certification/{attempt.id}", status_code=303)

    @get("/certification/{attempt_id:str}")
    async def attempt(self, request: Request, db_session: AsyncSession, attempt_id: str) -> Response:
        """An open attempt's questions; a submitted attempt's result; an expired one's message."""
        viewer = viewer_of(request)
        attempt = await certification.own_attempt(db_session, viewer.actor, attempt_id)
        if attempt.submitted_at is not None:
            return await self._status_page(request, db_session, attempt=attempt)
        if clock.now() >= rules.deadline(attempt.attempted_at):
            return await self._status_page(request, db_session, error=ErrorText(
                gettext(viewer.lang, labels.ERRORS["attempt_expired"])))
        return await self._attempt_page(request, attempt)

    @post("/certification/{attempt_id:str}")
    async def submit(self, request: Request, db_session: AsyncSession, attempt_id: str) -> Response:
        viewer, form = viewer_of(request), await read_form(request)
        attempt = await certification.own_attempt(db_session, viewer.actor, attempt_id)
        chosen = {q["id"]: form.text(ANSWER + q["id"]) for q in attempt.shown}
        chosen = {qid: option for qid, option in chosen.items() if option}
        try:
            await certification.submit_attempt(db_session, actor=viewer.actor, attempt_id=attempt_id, answers=chosen)
        except ValidationFailed as exc:
            return await self._attempt_page(request, attempt, status=exc.status, error=_error(exc, viewer.lang),
                                            chosen=chosen, missing=frozenset(exc.extra.get("missing") or ()))
        except BoaError as exc:
            if exc.status == 404:
                raise
            return await self._status_page(request, db_session, status=exc.status, error=_error(exc, viewer.lang))
        return Redirect(f"/me/certification/{attempt_id}", status_code=303)
