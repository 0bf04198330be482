"""The transfer gate's rules as data and pure functions (no database, no HTTP).

A transfer moves ``verifying → ready → transferred``: it is ``verifying`` while its files are
received and scanned (inside the upload request today, so nobody sees that state yet), ``ready``
while it waits for notes and the user's approval, and ``transferred`` once submitted.
A file is ``staged`` (received, waiting for the submit), ``rejected`` (never leaves the gate),
``transferred`` (in the store) or ``deleted`` (content removed from the portal; record kept).
"""

from __future__ import annotations

from boa.kernel.errors import InvalidTransition

TRANSFER_STATES = ("verifying", "ready", "transferred")
TRANSFER_TRANSITIONS = frozenset({("verifying", "ready"), ("ready", "transferred")})

FILE_STATES = ("staged", "rejected", "transferred", "deleted")
FILE_TRANSITIONS = frozenset({("staged", "transferred"), ("transferred", "deleted")})

VERDICTS = ("clean", "flagged", "unverifiable", "rejected")
TRANSFERABLE = frozenset({"clean", "flagged", "unverifiable"})
NOTE_REQUIRED = frozenset({"flagged"})
MAX_NOTE_CHARS = 4000

# Review (SPEC 6.5): every flagged and unverifiable file, plus a random sample of clean ones.
ALWAYS_REVIEWED = {"flagged": "flagged", "unverifiable": "unverifiable"}
SAMPLED_VERDICT = "clean"
REVIEW_STATES = ("pending", "ok", "suspected_breach")
REVIEW_OUTCOMES = ("ok", "suspected_breach")
# A file whose review is open, or that is a suspected breach, keeps its content in the store
# even when the user deletes it from the portal: the reviewer and a breach case need it.
HOLDS_CONTENT = frozenset({"pending", "suspected_breach"})


def check_transition(kind: str, old: str, new: str) -> None:
    table = TRANSFER_TRANSITIONS if kind == "transfer" else FILE_TRANSITIONS
    if (old, new) not in table:
        raise InvalidTransition(f"A {kind} cannot go from {old} to {new}.", old=old, new=new)


def initial_file_state(verdict: str) -> str:
    return "staged" if verdict in TRANSFERABLE else "rejected"


def needs_note(verdict: str, note: str | None) -> bool:
    return verdict in NOTE_REQUIRED and not (note or "").strip()


def review_reason(verdict: str, draw: float, rate: float) -> str | None:
    """Why a transferred file goes to review (``flagged``, ``unverifiable``, ``sample``) or None.

    ``draw`` is a uniform random number in [0, 1); a clean file is sampled when it is below
    ``rate`` (so a rate of 0 samples nothing and 1 samples everything)."""
    if verdict in ALWAYS_REVIEWED:
        return ALWAYS_REVIEWED[verdict]
    if verdict == SAMPLED_VERDICT and draw < rate:
        return "sample"
    return None
