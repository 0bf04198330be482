"""The Reply-Message texts, Danish and English. Before the PIN is known to be right the answer
must not depend on who the IDENT is (an unknown IDENT answers exactly like a wrong PIN), so those
texts are given in both languages at once; after it, in the user's language. A denial by the
``login`` decision gives one message per reason (the codes of :mod:`boa.kernel.access`)."""

from __future__ import annotations

from datetime import datetime

from boa.kernel.access import Reason
from boa.kernel.mail import COPENHAGEN, local_date, local_time

TEXTS: dict[str, tuple[str, str]] = {
    # The challenge, by the token's kind.
    "code_sms": ("Indtast koden fra din SMS", "Enter the code from your SMS"),
    "code_totp": ("Indtast koden fra din app", "Enter the code from your authenticator app"),
    "code_physical": ("Indtast koden fra din kodeviser", "Enter the code from your hardware token"),
    "accepted": ("Du er logget ind.", "You are logged in."),
    # Refusals of the login itself.
    "invalid_credentials": ("IDENT eller PIN er forkert.", "The IDENT or PIN is wrong."),
    "locked_out": ("For mange forkerte forsøg. Login er spærret til {until}.",
                   "Too many failed attempts. Login is locked until {until}."),
    "invalid_code": ("Koden er forkert eller allerede brugt. Log ind igen.",
                     "The code is wrong or has been used. Log in again."),
    "login_expired": ("Login er udløbet eller allerede brugt. Log ind igen.",
                      "The login has expired or was used. Log in again."),
    "too_many_sms": ("Højst 5 SMS-koder på 15 minutter. Vent lidt, og prøv igen.",
                     "At most 5 SMS codes in 15 minutes. Wait a little and try again."),
    "sms_unavailable": ("SMS-koden kunne ikke sendes lige nu. Prøv igen om nogle minutter.",
                        "We could not send the SMS code right now. Try again in a few minutes."),
    "refused": ("Login er afvist.", "Login refused."),
    # The reasons of the login decision.
    "user_unknown": ("Brugeren findes ikke.", "No such user."),
    "user_inactive": ("Brugeren er ikke aktiv.", "The user is not active."),
    "not_activated": ("Du har ikke valgt en PIN endnu: brug aktiveringskoden fra e-mailen.",
                      "You have not chosen a PIN yet: use the activation code from the e-mail."),
    "certification_missing": ("Du har ikke bestået sikkerhedscertificeringen.",
                              "You have not passed the security certification."),
    "certification_expired": ("Din sikkerhedscertificering udløb {until}.",
                              "Your security certification expired on {until}."),
    "user_agreement_missing": ("Du har ikke accepteret den gældende brugeraftale.",
                               "You have not accepted the current user agreement."),
    "no_association": ("Du er ikke tilknyttet en institution (ingen godkendt tilknytning eller rolle).",
                       "You are not associated with an institution (no approved association or role)."),
    "no_active_token": ("Du har ingen aktiv kodeviser (andenfaktor).", "You have no active second factor (token)."),
    "locked": ("Din adgang er spærret til {until}.", "Your access is locked until {until}."),
    "locked_until_decision": ("Din adgang er suspenderet, indtil sagen om brud på reglerne er afgjort.",
                              "Your access is suspended until the breach case is decided."),
    "locked_until_report_approved": ("Din adgang er spærret, indtil rapporten om bruddet er godkendt.",
                                     "Your access is locked until the report on the breach is approved."),
    "locked_case_by_case": ("Din adgang er spærret indtil videre.", "Your access is locked until further decision."),
}


def text(key: str, lang: str | None, **values: str) -> str:
    """The text in ``lang`` ("da" or "en"); ``None``: both, Danish first."""
    da, en = TEXTS[key]
    if lang is None:
        return f"{da.format(**values)} / {en.format(**values)}"
    return (en if lang == "en" else da).format(**values)


def locked_out(until: datetime, lang: str | None) -> str:
    if lang is None:
        da, en = TEXTS["locked_out"]
        return f"{da.format(until=local_time(until, 'da'))} / {en.format(until=local_time(until, 'en'))}"
    return text("locked_out", lang, until=local_time(until, lang))


def reason(found: Reason, lang: str, open_ends: dict[str, str | None]) -> str:
    """One reason of a denial; a lock without an end date says what ends it (``open_ends``: the
    open end of each lock by id)."""
    if found.code == "locked" and found.until is None:
        return text(f"locked_{open_ends.get(found.lock_id or '') or 'case_by_case'}", lang)
    if found.code in TEXTS:
        day = datetime.fromisoformat(found.until).astimezone(COPENHAGEN).date() if found.until else None
        return text(found.code, lang, until=local_date(day, lang) if day else "")
    return found.message
