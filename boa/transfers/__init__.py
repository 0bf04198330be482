"""The transfer gate (SPEC 6): upload, verify, note, approve, transfer, portal and review.

Modules: ``states`` (the transfer's, the file's and the review's lifecycles as data),
``rules`` (verdicts, notes and review selection as data and pure functions), ``models`` (tables), ``storage`` (the content-addressed store on disk),
``upload`` (the streaming multipart reader), ``service`` (the verbs), ``review`` (the review
queue and the suspected-breach hook), ``presenters`` (JSON shapes). The scanner is
:mod:`boa.scanner`; the allowed types are :mod:`boa.scanner.filetypes`.
"""
