"""Table disclosure control (SPEC 9, issue 20): a minimum count per cell, enforced on frequency
tables by aggregating categories into "statistical disclosure control" or by primary and
secondary cell suppression solved with HiGHS, with an attacker's LP that proves the protection.

Pure computation on files and arrays: no database, no HTTP. ``boa sdc`` (:mod:`.cli`), the
transfer gate's "protect this table" and, later, the consulting service's deliveries call
:func:`boa.disclosure.protect.protect_file`."""
