"""Labels of the sanctions pages (breach kinds, case and report states, severities, lock ends,
scopes and sources), their error messages and the lock reasons. Merged into
:mod:`admin_ui.labels`."""

from __future__ import annotations

from admin_ui.i18n import N_

BREACH_KIND_LABELS = {
    "microdata_transfer": N_("Microdata taken out"),
    "credential_sharing": N_("Login shared with others"),
    "screen_capture": N_("Screen capture of microdata"),
    "other": N_("Other breach"),
}
CASE_STATE_LABELS = {
    "open": N_("Open"),
    "decided": N_("Decided"),
    "dismissed": N_("Dismissed"),
}
REPORT_STATE_LABELS = {
    "requested": N_("Awaiting report and plan"),
    "submitted": N_("Report submitted"),
    "adequate": N_("Report approved"),
    "returned": N_("Report returned"),
}
SEVERITY_LABELS = {"minor": N_("Minor breach"), "severe": N_("Severe breach")}
OPEN_END_LABELS = {
    "until_decision": N_("Until the case is decided"),
    "until_report_approved": N_("Until the report is approved"),
    "case_by_case": N_("Until further decision"),
}
LOCK_SOURCE_LABELS = {"suspension": N_("Temporary suspension"), "decision": N_("Sanction")}
LOCK_SCOPE_LABELS = {
    "user": N_("User"),
    "project": N_("Project"),
    "institution": N_("Institution"),
    "scheme": N_("Scheme at the institution"),
}
AGREEMENT_LABELS = {"authorisation_agreement": N_("The authorisation agreement"),
                    "user_agreement": N_("The user agreement")}
SANCTION_ERRORS = {
    "report_required": N_("The decision waits for the institution's report and plan."),
    "already_lifted": N_("The lock is already lifted."),
    "occurred_in_future": N_("The time of the breach lies in the future."),
    "not_project_user": N_("The user is not a user of that project."),
    "not_institution_user": N_("The user is not associated with that institution."),
    "no_report": N_("There is no submitted report to assess."),
    "report_not_expected": N_("The case takes no report now."),
    "institution_required": N_("Name the project or the institution the breach concerns."),
    "scheme_required": N_("Name the scheme the breach concerns."),
}
SANCTION_REASONS = {
    "locked_until_decision": N_("Access is suspended until the breach case is decided."),
}
