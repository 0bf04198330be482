"""The words the pages show for the domain's values and codes, as message ids for the catalogues.

Error messages are keyed by the stable ``code`` of :mod:`boa.kernel.errors` (and the codes the
services raise); access-decision reasons by their reason code. A code without an entry falls
back to the service's own (English) text."""

from __future__ import annotations

from typing import Any

from admin_ui import labels_commissions as commissions
from admin_ui import labels_onboarding as onboarding
from admin_ui import labels_proposals as proposals
from admin_ui import labels_registers as registers
from admin_ui import labels_sanctions as sanctions
from admin_ui import labels_transfers as transfers
from admin_ui.i18n import N_

ROLES = {
    "responsible": N_("Person responsible for authorisation"),
    "substitute": N_("Substitute"),
    "administrator": N_("Administrator"),
    "contact_person_with_powers": N_("Contact person with powers"),
    "signatory": N_("Signatory"),
    "contact_person": N_("Contact person"),
    "user": N_("User"),
    "staff": N_("Research Services"),
    "sanctions": N_("Sanctions"),
    "sanction_decision": N_("Sanction decisions (Director General)"),
    "proposal_approval": N_("Proposal approval (Head of Division, Data Portal)"),
    "review": N_("Output review"),
    "office": N_("Research Services"),
    "project_owner": N_("Project owner"),
    "member": N_("Member"),
}

SCHEMES = {
    "researcher": N_("Researcher scheme"),
    "project_database": N_("Project database scheme"),
    "authority": N_("Authority scheme"),
    "law_model": N_("Law model"),
}

INSTITUTION_KINDS = {
    "university": N_("University"),
    "research_institute": N_("Research institute"),
    "ministry": N_("Ministry"),
    "agency": N_("Agency"),
    "directorate": N_("Directorate"),
    "region": N_("Region"),
    "municipality": N_("Municipality"),
    "consultancy": N_("Consultancy"),
    "other": N_("Other"),
}

STATES = {
    # proposals (researcher scheme)
    "created": N_("Created"),
    "sent_to_administrator": N_("Sent to the administrator"),
    "sent_to_office": N_("Sent to Research Services"),
    "under_review": N_("Returned for revision"),
    "sent_for_signature": N_("Sent for signature"),
    "approved": N_("Approved"),
    "data_delivered": N_("Data delivered"),
    # associations, user requests, agreements, memberships, tokens, project databases
    "pending": N_("Pending"),
    "refused": N_("Refused"),
    "ended": N_("Ended"),
    "draft": N_("Draft"),
    "active": N_("Active"),
    "terminated": N_("Terminated"),
    "signed": N_("Signed"),
    "requested": N_("Requested"),
    "enrolled": N_("Enrolled"),
    "shipped": N_("Shipped"),
    "disabled": N_("Disabled"),
    "revoked": N_("Revoked"),
    "lost": N_("Lost"),
    "closed": N_("Closed"),
}

# The button that takes a proposal to a state.
TRANSITIONS = {
    "sent_to_administrator": N_("Send to the administrator"),
    "sent_to_office": N_("Submit to Research Services"),
    "under_review": N_("Return for revision"),
    "sent_for_signature": N_("Sign and send for signature"),
    "approved": N_("Approve (Head of Division)"),
    "data_delivered": N_("Mark data as delivered"),
}

TOKEN_KINDS = {
    "sms": N_("SMS"),
    "totp": N_("Authenticator app"),
    "physical": N_("Physical token"),
}

JUSTIFICATIONS = {
    "no_danish_mobile": N_("I have no Danish mobile number"),
    "travel_sms_delay": N_("I travel where Danish SMS arrive late"),
}

KINDS: dict[str, dict[str, str]] = {
    "role": ROLES, "scheme": SCHEMES, "institution_kind": INSTITUTION_KINDS, "state": STATES,
    "transition": TRANSITIONS, "token_kind": TOKEN_KINDS, "justification": JUSTIFICATIONS,
}

ERRORS = {
    "bad_request": N_("The request is not valid."),
    "invalid_ident": N_("Write an IDENT of three or four letters (e.g. RESA)."),
    "invalid_number": N_("Write the number with digits only."),
    "invalid_date": N_("Write the day as year-month-day (e.g. 2026-11-30), between 1900 and 2200."),
    "one_subject": N_("Search by one of project, institution or subject at a time."),
    "institution_not_found": N_("No institution has that authorisation number."),
    "unknown_audit_action": N_("Pick an action from the list."),
    "empty_range": N_("The last day lies before the first."),
    "validation_failed": N_("Some of the input is not valid."),
    "required": N_("Fill in this field."),
    "too_long": N_("The text is too long."),
    "invalid_moment": N_("Write the day and the time."),
    "not_authenticated": N_("Log in first."),
    "invalid_credentials": N_("The IDENT or PIN is wrong."),
    "invalid_code": N_("The code is wrong or has been used."),
    "locked_out": N_("Too many failed attempts. Wait 30 minutes before you try again."),
    "session_expired": N_("Your session has expired. Log in again."),
    "session_invalid": N_("You are not logged in. Log in again."),
    "forbidden": N_("You may not do this."),
    "csrf_failed": N_("The form has expired. Reload the page and try again."),
    "access_denied": N_("Access denied."),
    "not_found": N_("Not found, or you may not see it."),
    "conflict": N_("This conflicts with the current state."),
    "invalid_transition": N_("The proposal cannot go to that state from where it is."),
    "transition_not_permitted": N_("You may not move the proposal to that state."),
    "too_many_requests": N_("Too many requests. Try again later."),
    "too_many_sms": N_("Too many SMS codes. Wait 15 minutes and try again."),
    "sms_unavailable": N_("The SMS service is not answering. Try again in a few minutes."),
    "service_unavailable": N_("The service is unavailable. Try again in a few minutes."),
    "not_saved": N_("The change could not be saved, and nothing was changed. Try again."),
    "already_associated": N_("The user already has an association with this institution."),
    "already_member": N_("The user is already on the project."),
    "responsible_is_substitute": N_("The responsible person may not be their own substitute."),
    "duplicate_authorisation_number": N_("That authorisation number is taken."),
    "dates_out_of_order": N_("The dates are not in order: they must be in the future, and the deletion date may "
                             "not be before the end date."),
    "project_deleted": N_("The project is deleted."),
    "owner_may_not_approve_deletion": N_("The office's project owner may not approve a deletion."),
    "proposal_frozen": N_("The proposal is with the administrator or Research Services; it cannot be changed "
                          "until it is returned."),
    "proposal_closed": N_("The proposal is approved; make a re-proposal instead."),
    "proposal_in_progress": N_("Another proposal for this project is in progress."),
    "comment_required": N_("Say why the proposal is returned."),
    "no_agreement": N_("The institution has no active agreement for this scheme."),
    "not_associated": N_("The user has no approved association with the institution."),
    "user_inactive": N_("The user is not active."),
    "user_agreement_missing": N_("The user has not accepted the user agreement."),
    "certification_invalid": N_("The user has no valid security certification."),
    "not_a_manager": N_("Only a project database manager may do this."),
    "project_database_closed": N_("The project database is closed."),
    "project_database_expired": N_("The project database has passed its end date."),
    "dataset_not_in_database": N_("A dataset is not in the project database; order it for the sub-project "
                                  "separately."),
    "dataset_in_use": N_("Sub-projects use a dataset you want to remove; they are named below. Narrow only what "
                         "no live sub-project uses."),
    "unknown_register": N_("A register is not in the register catalogue."),
    "duplicate_dataset": N_("A dataset is named twice."),
    "dataset_present": N_("A dataset is already in the project database."),
    "datasets_required": N_("Name the datasets (register codes from the catalogue)."),
    "would_be_empty": N_("A narrowing leaves at least one dataset; close the project database instead."),
    "not_single_use": N_("Only a dataset that exactly one sub-project uses moves to that sub-project's own order."),
    "not_staff": N_("The responsible person is an active member of Research Services."),
    "assessment_required": N_("Write both parts of the assessment."),
    "unknown_action": N_("The preview is of an end date, a closing or a narrowing."),
    "end_date_required": N_("Give the end date."),
    "agreement_not_signed": N_("The agreement is not signed yet; data work starts once it is."),
    "agreement_terminated": N_("The agreement is terminated."),
    "unknown_state": N_("An agreement is a draft, signed, active or terminated."),
    "outside_purpose": N_("A register is outside the purpose description."),
    "description_required": N_("Describe it."),
    "own_data_not_allowed": N_("The purpose description does not allow linking the authority's own data."),
    "no_current_purpose": N_("No purpose description is in force."),
    "token_pending": N_("A physical token is already on its way."),
    "invalid_mobile": N_("A Danish mobile number is +45 and 8 digits."),
    "invalid_address": N_("A Danish address has a street, a 4-digit postal code and a city."),
    "address_abroad": N_("Physical tokens are sent only to addresses in Denmark."),
    "attention_required": N_("Give the recipient's full name for att."),
    "justification_refused": N_("A physical token needs a reason: no Danish mobile number, or travel where SMS "
                                "arrive late, explained in a sentence."),
    "invalid_activation": N_("The activation code is wrong, used or expired."),
    "internal_error": N_("Something went wrong on our side."),
    "method_not_allowed": N_("The request is not valid."),
}

# The hint that names the form field a refusal is about (see errors.error_text).
CHECK_FIELD = N_("Check the field “%(field)s”.")

REASONS = {
    "user_unknown": N_("No such user."),
    "user_inactive": N_("The user is not active."),
    "certification_missing": N_("You have not passed the security certification."),
    "certification_expired": N_("Your security certification has expired."),
    "user_agreement_missing": N_("You have not accepted the user agreement."),
    "no_association": N_("You have no approved association or role at an institution."),
    "no_active_token": N_("You have no active token. Enrol one first."),
    "locked": N_("Access is locked."),
    "locked_until_report": N_("Access is locked until the report on the breach is approved."),
    "locked_open": N_("Access is locked until further decision."),
    "project_unknown": N_("No such project."),
    "project_deleted": N_("The project is deleted."),
    "project_closed": N_("The project is closed."),
    "project_not_approved": N_("The project is not approved."),
    "project_expired": N_("The project has ended."),
    "scheme_period_ended": N_("The scheme's period has ended."),
    "agreement_not_signed": N_("The scheme's agreement is not signed yet."),
    "agreement_not_active": N_("The scheme's agreement is signed but not active yet."),
    "agreement_terminated": N_("The scheme's agreement is terminated."),
    "membership_pending": N_("The membership waits for your physical token to be activated."),
    "membership_not_approved": N_("The membership waits for approval by Research Services."),
    "not_member": N_("You are not a member of the project."),
    "no_research_on_project": N_("No research on a project database's main project."),
}

SCOPES = {
    "user": N_("user"),
    "project": N_("project"),
    "institution": N_("institution"),
    "scheme": N_("scheme"),
    "certification": N_("certification"),
    "membership": N_("membership"),
    "token": N_("token"),
    "project_state": N_("project"),
}


def reason_key(reason: dict[str, Any]) -> str:
    """A lock without an end date is 'suspended until the case is decided', 'until the report is
    approved' or 'until further decision'; the decision tells them apart only in its message."""
    code = reason.get("code", "")
    if code == "locked" and not reason.get("until"):
        message = reason.get("message", "")
        if "suspended" in message:
            return "locked_until_decision"
        return "locked_until_report" if "report" in message else "locked_open"
    return code


# The transfer gate's, the sanctions', the onboarding's and the register catalogue's words, merged here in one place (the core's entries win
# where both name a code).
STATES.update({k: v for k, v in transfers.STATES.items() if k not in STATES})
KINDS.update(transfers.KINDS)
ERRORS.update({k: v for k, v in transfers.ERRORS.items() if k not in ERRORS})
KINDS.update({"breach_kind": sanctions.BREACH_KIND_LABELS, "case_state": sanctions.CASE_STATE_LABELS,
              "report_state": sanctions.REPORT_STATE_LABELS, "severity": sanctions.SEVERITY_LABELS,
              "open_end": sanctions.OPEN_END_LABELS, "lock_source": sanctions.LOCK_SOURCE_LABELS,
              "lock_scope": sanctions.LOCK_SCOPE_LABELS, "agreement": sanctions.AGREEMENT_LABELS,
              "case_stage": sanctions.STAGE_LABELS, "measure_status": sanctions.MEASURE_STATUS_LABELS,
              "lift_comment": sanctions.LIFT_COMMENT_LABELS})
ERRORS.update({k: v for k, v in sanctions.SANCTION_ERRORS.items() if k not in ERRORS})
REASONS.update({k: v for k, v in sanctions.SANCTION_REASONS.items() if k not in REASONS})
ERRORS.update({k: v for k, v in onboarding.ONBOARDING_ERRORS.items() if k not in ERRORS})
KINDS.update({"frequency": registers.FREQUENCIES, "register_state": registers.REGISTER_STATES})
ERRORS.update({k: v for k, v in registers.ERRORS.items() if k not in ERRORS})
KINDS.update({"change": proposals.CHANGES})
ERRORS.update({k: v for k, v in proposals.ERRORS.items() if k not in ERRORS})
# Sentences a service gives word for word under a code whose words above mean something else
# (``duplicate_register``: the catalogue's taken code, and a register named twice in a purpose);
# the pages show the sentence itself, translated.
SERVICE_SENTENCES = (N_("A register is named twice."),)


def fields_for(path: str) -> dict[str, str] | None:
    """The form fields' labels of the page at ``path``, for pages that name the field of a refusal."""
    if any(path == p or path.startswith(p + "/") for p in sanctions.FIELD_PAGES):
        return sanctions.FIELD_LABELS
    return None

ERRORS.update({k: v for k, v in commissions.ERRORS.items() if k not in ERRORS})

# Why an interval of access began or ended (the access history's page): the decision's reasons,
# and the two that only the history gives.
KINDS["access_reason"] = {**REASONS, "history_started": N_("The access history began."),
                          "window_start": N_("Already open at the start of the period.")}
KINDS["access_action"] = {"project_access": N_("Research access"), "transfer": N_("Transfer rights")}
