"""The transfer gate's words: verdicts, the reasons a file got its verdict, finding kinds and
where a finding is, review reasons and outcomes, and the gate's error codes (merged into
:data:`admin_ui.labels.ERRORS` and :data:`admin_ui.labels.KINDS` by :mod:`admin_ui.labels`)."""

from __future__ import annotations

from admin_ui.i18n import N_

VERDICTS = {
    "pending": N_("Being checked"),
    "clean": N_("No findings"),
    "flagged": N_("Flagged: possible microdata"),
    "unverifiable": N_("Cannot be checked: manual review"),
    "rejected": N_("Rejected"),
}

# Why a file got its verdict (the scanner's and the type check's reason codes).
# The scanner's kinds of file (boa.scanner.filetypes); the others are format names (csv, xlsx, pdf).
FILE_KINDS = {"text": N_("text")}
FILE_REASONS = {
    "file_type_not_allowed": N_("File type not allowed"),
    "content_mismatch": N_("The content does not match the file extension"),
    "empty_file": N_("The file is empty"),
    "corrupt_file": N_("The file is damaged and cannot be read"),
    "archive_too_large": N_("The file unpacks to more than the allowed size"),
    "file_too_large": N_("The file is larger than the allowed size"),
    "invalid_file_name": N_("Invalid file name"),
    "possible_microdata": N_("Possible microdata: explain the file's content in a note"),
    "not_scannable": N_("This file type cannot be checked automatically; it goes to manual review"),
    "encrypted": N_("The file is encrypted and cannot be checked; it goes to manual review"),
    "no_text": N_("The file has no text to check (scanned pages or images); it goes to manual review"),
    "unreadable_content": N_("The file could not be read for checking; it goes to manual review"),
    "scan_budget": N_("The file could not be checked within the scanner's time and memory budget; it goes to manual "
                      "review"),

    "replaced_by_protected": N_("Replaced by its protected version"),
}

FINDING_KINDS = {
    "cpr_number": N_("CPR number"),
    "cvr_number": N_("CVR number"),
    "key_column": N_("Key column (identifier)"),
    "small_count": N_("Small cell (too few observations)"),
    "unit_level_data": N_("Unit-level data"),
}

# The parts of a finding's location, in the order they are shown (``file`` is the row's own name).
LOCATION_KEYS = {
    "sheet": N_("sheet"),
    "page": N_("page"),
    "slide": N_("slide"),
    "table": N_("table"),
    "paragraph": N_("paragraph"),
    "line": N_("line"),
    "row": N_("row"),
    "column": N_("column"),
    "column_name": N_("column name"),
}

REVIEW_REASONS = {
    "flagged": N_("Flagged"),
    "unverifiable": N_("Cannot be checked"),
    "sample": N_("Random sample"),
    "manual": N_("Chosen by a reviewer"),
}

# Transfer, file and review states (added to the states every page labels).
STATES = {
    "verifying": N_("Being checked"),
    "ready": N_("Waiting for your approval"),
    "transferred": N_("Transferred"),
    "staged": N_("Received"),
    "rejected": N_("Rejected"),
    "deleted": N_("Deleted"),
    "ok": N_("OK"),
    "suspected_breach": N_("Suspected breach"),
    "disclosure_control": N_("Disclosure control (guidance)"),
}

ERRORS = {
    "file_type_not_allowed": N_("File type not allowed"),
    "content_mismatch": N_("The content does not match the file extension"),
    "empty_file": N_("The file is empty"),
    "corrupt_file": N_("The file is damaged and cannot be read"),
    "archive_too_large": N_("The file unpacks to more than the allowed size"),
    "invalid_file_name": N_("Invalid file name"),
    "duplicate_file_name": N_("Two files have the same name."),
    "file_too_large": N_("The file is larger than the allowed size"),
    "transfer_too_large": N_("The transfer is larger than the allowed size."),
    "too_many_files": N_("Too many files in one transfer."),
    "payload_too_large": N_("The upload is too large."),
    "no_files": N_("Choose one or more files."),
    "project_first": N_("The upload form was not sent as expected. Reload the page and try again."),
    "unknown_field": N_("The upload form was not sent as expected. Reload the page and try again."),
    "invalid_multipart": N_("The upload form was not sent as expected. Reload the page and try again."),
    "multipart_required": N_("The upload form was not sent as expected. Reload the page and try again."),
    "field_too_large": N_("The upload form was not sent as expected. Reload the page and try again."),
    "note_required": N_("Every flagged file needs a note explaining its content before the transfer."),
    "note_empty": N_("Write a note explaining the file's content."),
    "note_too_long": N_("A note has at most 4000 characters."),
    "approval_required": N_("Tick 'Approve transfer': the files comply with the confidentiality policy and the "
                            "transfer rules."),
    "already_transferred": N_("The transfer has already been submitted."),
    "nothing_to_transfer": N_("No file of this transfer can be transferred: every file was rejected."),
    "transferable_files": N_("This transfer still has files that can be transferred: transfer them, or remove them "
                             "first."),
    "still_verifying": N_("The files are still being checked; try again when every file has its verdict."),
    "already_deleted": N_("The file has already been deleted."),
    # 'Protect this table' (boa.disclosure through boa.transfers.protect)
    "no_count_column": N_("The table has no count column (N, count, antal, ...)."),
    "ambiguous_count_column": N_("The table has several count-like columns."),
    "count_not_numeric": N_("A count in the table is not a whole number."),
    "count_negative": N_("A count in the table is negative."),
    "inconsistent_total": N_("A total in the table does not equal the sum of its cells."),
    "duplicate_row": N_("The table gives the same cell twice."),
    "ragged_row": N_("A row of the table has another number of fields than the header."),
    "empty_table": N_("The table has no cells."),
    "table_too_large": N_("The table is too large for disclosure control here; aggregate it or split it first."),
    "cannot_protect": N_("The table cannot be protected this way; aggregate its categories by hand."),
    "nothing_to_protect": N_("This file is not a table flagged for small cells; there is nothing to protect."),
    "not_transferred": N_("The file has not been transferred."),
    "gone": N_("It is no longer available."),
    "content_deleted": N_("The file's content has been deleted."),
    "content_missing": N_("The file's content is not available."),
    "content_busy": N_("The stored content is changing; try again."),
    "review_rights_required": N_("Only Research Services staff with output review rights review transfers."),
    "already_reviewed": N_("The file has already been reviewed."),
    "invalid_outcome": N_("Choose OK, disclosure control or suspected breach."),
}

# The services' own sentences where a code is shared with other areas (``comment_required``):
# the pages translate the exact sentence (:func:`admin_ui.errors.error_text`).
SENTENCES = (
    N_("Describe the suspected breach in the comment."),
    N_("Name the rule and the cell in the comment."),
)

KINDS = {
    "verdict": VERDICTS,
    "file_reason": FILE_REASONS,
    "finding": FINDING_KINDS,
    "location": LOCATION_KEYS,
    "review_reason": REVIEW_REASONS,
    "file_kind": FILE_KINDS,
}
