"""The onboarding's words: the error codes of the user agreement and the certification (merged
into :data:`admin_ui.labels.ERRORS` by :mod:`admin_ui.labels`)."""

from __future__ import annotations

from admin_ui.i18n import N_

ONBOARDING_ERRORS = {
    "stale_user_agreement": N_("A new version of the user agreement has been published. Read it and accept it."),
    "renewal_not_yet": N_("Your certification is still valid. You can renew it when it is about to expire."),
    "too_many_attempts": N_("You have used today's attempts. Try again tomorrow."),
    "attempt_expired": N_("This attempt was open for more than an hour. Start a new attempt."),
    "attempt_already_submitted": N_("This attempt has been submitted. Start a new attempt."),
    "answers_missing": N_("Answer every question."),
    "unknown_question": N_("Some answers are to questions that are not in this attempt."),
    "unknown_option": N_("Some answers are not one of the question's options."),
}
