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
    "disclosure_control": N_("Disclosure control (small cell)"),
}
CASE_STATE_LABELS = {
    "open": N_("Open"),
    "prepared": N_("Prepared for the decision"),
    "decided": N_("Decided"),
    "dismissed": N_("Dismissed"),
    "guidance": N_("Guidance given"),
}
# Where a case is on the guide's one walk (boa.sanctions.states.stage).
STAGE_LABELS = {
    "report_requested": N_("Suspended; report and plan requested"),
    "report_submitted": N_("Report submitted"),
    "report_returned": N_("Report returned; a new one requested"),
    "adequate": N_("Report adequate; to be prepared"),
    "prepared": N_("Prepared for the Director General"),
    "decided": N_("Decided"),
    "dismissed": N_("Dismissed"),
    "guidance": N_("Guidance given"),
}
MEASURE_STATUS_LABELS = {"implemented": N_("Implemented"), "planned": N_("To be implemented")}
REPORT_STATE_LABELS = {
    "requested": N_("Awaiting report and plan"),
    "submitted": N_("Report submitted"),
    "adequate": N_("Report approved"),
    "returned": N_("Report returned"),
    "not_required": N_("No report (guidance)"),
}
SEVERITY_LABELS = {"minor": N_("Minor breach"), "severe": N_("Severe breach")}
OPEN_END_LABELS = {
    "until_decision": N_("Until the case is decided"),
    "until_report_approved": N_("Until the report is approved"),
    "case_by_case": N_("Until further decision"),
}
# The comments the services write when a case lifts its own locks (boa.sanctions.cases).
LIFT_COMMENT_LABELS = {
    "report approved": N_("the report is approved"),
    "case decided": N_("the case is decided"),
    "case dismissed": N_("the case is dismissed"),
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
    "report_not_adequate": N_("The case is not processed until the report and plan are judged adequate."),
    "not_prepared": N_("Research Services prepare the case before the decision."),
    "preparer_cannot_decide": N_("The Director General's decision is never taken by the person who prepared the case."),
    "sanction_decision_required": N_("Only the Director General (sanction_decision) decides a breach case."),
    "not_project_member": N_("You are not a member of that project."),
    "template_incomplete": N_("Fill in every field of the standard template, and at least one measure."),
    "microdata_in_attachment": N_("The document looks like it holds microdata (CPR numbers or unit-level data): "
                                  "remove them and attach it again."),
    "too_many_attachments": N_("A case takes at most 20 documents."),
    "file_required": N_("Choose a PDF or DOCX document to attach."),
}
# Why a document of the report and plan was not attached, shown in place naming the file (the
# codes of boa.sanctions.attachments and of the scanner's type check).
ATTACHMENT_ERRORS = {
    "file_type_not_allowed": N_("only PDF and DOCX documents can be attached."),
    "content_mismatch": N_("the content is not the kind of file its name says (PDF or DOCX)."),
    "corrupt_file": N_("the file is damaged and cannot be read."),
    "empty_file": N_("the file is empty."),
    "file_too_large": N_("a document has at most 10 MB."),
    "archive_too_large": N_("the document unpacks to more than the allowed size."),
    "microdata_in_attachment": N_("it looks like it holds microdata (CPR numbers or unit-level data); remove "
                                  "them and attach it again."),
    "too_many_attachments": N_("a case takes at most 20 documents."),
    "report_not_expected": N_("the case takes no documentation now."),
}
# A document refused before its name is read (the whole form is over the cap).
DOCUMENT_TOO_LARGE = N_("The document is larger than 10 MB; it is not attached.")
# The breach forms' fields by the names the services give in a refusal (``field=``), with the
# words the forms show: a refusal on these pages names the field, never the service's field name.
FIELD_LABELS = {
    "ident": N_("IDENT of the user"),
    "project": N_("Project"),
    "institution_id": N_("Institution"),
    "scheme": N_("Scheme"),
    "kind": N_("Kind of breach"),
    "occurred_at": N_("Occurred at"),
    "description": N_("What happened"),
    "data_volume": N_("Volume of data"),
    "report": N_("The incident"),
    "scope": N_("The scope of the breach"),
    "current_rules": N_("Current rules and practice at the institution"),
    "actions_taken": N_("What the institution has done"),
    "user_consequences": N_("Consequences for the user"),
    "plan": N_("Plan"),
    "measures": N_("Measures (who, when, what, target group)"),
    "severity": N_("Severity"),
    "note": N_("Note for the Director General"),
    "comment": N_("Comment"),
    "supervisory_board": N_("The Supervisory Board's information"),
    "file": N_("Documentation"),
    "outcome": N_("Your review"),
    "state": N_("State"),
}
# The pages whose refusals use FIELD_LABELS (path prefixes).
FIELD_PAGES = ("/staff/breaches", "/breaches", "/staff/locks", "/staff/review")
SANCTION_REASONS = {
    "locked_until_decision": N_("Access is suspended until the breach case is decided."),
}
