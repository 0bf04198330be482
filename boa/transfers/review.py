"""Review of transferred files by Research Services (SPEC 6.5).

The queue holds every flagged and unverifiable file and a random sample of the clean ones
(chosen at submit, :func:`boa.transfers.rules.review_reason`). A reviewer marks a file ``ok``
, ``disclosure_control`` (a breach of the disclosure-control rules: guidance, no lock) or
``suspected_breach``; a suspected breach opens a breach case through the ``on_suspected_breach``
extensions, a disclosure-control breach records one through ``on_disclosure_control`` (the sanctions area, above this one, installed by the
composition root). Each gets the session, the reviewer, the file and the reviewer's comment,
and returns the id of the case it opened; the first id is stored on the file as
``breach_case_id``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, extensions
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import keyset_page, parse_id
from boa.people.models import User
from boa.transfers.content import release_content
from boa.transfers.models import Transfer, TransferFile
from boa.transfers.states import REVIEW, REVIEW_OUTCOMES, FileState, ReviewState

QUEUE_FILTERS = (*ReviewState, "all")
MAX_COMMENT_CHARS = 4000


def require_reviewer(actor: Actor) -> None:
    if not (actor.is_staff and actor.has_staff_role("review")):
        raise PermissionDenied("Only Research Services staff with review rights review transfers.",
                               code="review_rights_required")


async def queue(session: AsyncSession, *, actor: Actor, limit: int | None, cursor: str | None,
                state: str | None = None) -> tuple[list[tuple[TransferFile, Transfer, str]], str | None]:
    """Files to review, oldest first (``state``: pending by default, ok, suspected_breach, all)."""
    require_reviewer(actor)
    state = state or "pending"
    if state not in QUEUE_FILTERS:
        raise ValidationFailed(f"state must be one of {', '.join(QUEUE_FILTERS)}.", field="state")
    query = select(TransferFile).where(TransferFile.review_state.is_not(None))
    if state != "all":
        query = query.where(TransferFile.review_state == state)
    rows, next_cursor = await keyset_page(session, query, TransferFile.id, limit, cursor)
    return [(f, *(await _context(session, f))) for f in rows], next_cursor


async def file_for_review(session: AsyncSession, *, actor: Actor, file_id: str) -> tuple[TransferFile, Transfer, str]:
    """One transferred file as the reviewer sees it (in the queue or not): the file, its transfer
    and the owner's IDENT."""
    require_reviewer(actor)
    target = await session.get(TransferFile, parse_id(file_id, "file"))
    if target is None or target.transferred_at is None:
        raise NotFound(f"No transferred file {file_id!r}.")
    transfer, owner = await _context(session, target)
    return target, transfer, owner


async def _context(session: AsyncSession, f: TransferFile) -> tuple[Transfer, str]:
    row = (await session.execute(select(Transfer, User.ident).join(User, User.id == Transfer.user_id)
                                 .where(Transfer.id == f.transfer_id))).one()
    return row[0], row[1]


async def review_file(session: AsyncSession, *, actor: Actor, file_id: str, outcome: str,
                      comment: str | None) -> tuple[TransferFile, Transfer, str]:
    require_reviewer(actor)
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationFailed(f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}.", field="outcome",
                               code="invalid_outcome")
    comment = (comment or "").strip() or None
    if outcome == ReviewState.SUSPECTED_BREACH and not comment:
        raise ValidationFailed("Describe the suspected breach in the comment.", field="comment",
                               code="comment_required")
    if outcome == ReviewState.DISCLOSURE_CONTROL and not comment:
        raise ValidationFailed("Name the rule and the cell in the comment.", field="comment", code="comment_required")
    if comment and len(comment) > MAX_COMMENT_CHARS:
        raise ValidationFailed(f"A comment has at most {MAX_COMMENT_CHARS} characters.", field="comment")
    query = select(TransferFile).where(TransferFile.id == parse_id(file_id, "file"))
    target = await session.scalar(query.with_for_update())
    if target is None:
        raise NotFound(f"No file {file_id!r}.")
    if target.transferred_at is None:
        raise Conflict(f"{target.name} has not been transferred; only transferred files are reviewed.",
                       code="not_transferred")
    reviewed = REVIEW.move(target.review_state or ReviewState.PENDING, ReviewState(outcome), refuse=Conflict(
        f"{target.name} has already been reviewed ({target.review_state}).", code="already_reviewed"))
    target.review_reason = target.review_reason or "manual"
    target.review_state, target.review_comment = reviewed, comment
    target.reviewed_at, target.reviewer_id = clock.now(), actor.user_id
    if outcome == ReviewState.SUSPECTED_BREACH:
        await _open_cases(session, actor, target, comment or "", extensions.current().on_suspected_breach)
    elif outcome == ReviewState.DISCLOSURE_CONTROL:
        await _open_cases(session, actor, target, comment or "", extensions.current().on_disclosure_control)
    released = False
    if outcome == ReviewState.OK and target.state == FileState.DELETED:
        released = await release_content(session, target)  # the user deleted it while it waited
    transfer, owner = await _context(session, target)
    await audit.record(session, actor=actor.label, action=AuditAction.TRANSFER_REVIEW,
                       subject=f"transfer_file:{target.id}",
                       transfer=str(transfer.id), project=str(transfer.project_number), owner=owner,
                       outcome=outcome, comment=comment, breach_case_id=target.breach_case_id,
                       review_reason=target.review_reason, blob_removed=released)
    return target, transfer, owner


async def _open_cases(session: AsyncSession, actor: Actor, target: TransferFile, comment: str,
                      hooks: tuple[extensions.Hook, ...]) -> None:
    for hook in hooks:
        case_id = await hook(session, actor, target, comment)
        if case_id is not None and target.breach_case_id is None:
            target.breach_case_id = str(case_id)
