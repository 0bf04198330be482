"""The JSON API's typed boundaries, one module per kind:

- :mod:`api.schemas.bodies`, :mod:`api.schemas.scheme_bodies`: the request bodies (Structs that
  refuse unknown fields);
- :mod:`api.schemas.common`: the page of a listing (``{"items": [...], "next_cursor": ...}``);
- :mod:`api.schemas.people`, :mod:`api.schemas.system`, :mod:`api.schemas.schemes`,
  :mod:`api.schemas.transfers`, :mod:`api.schemas.sanctions`: the response bodies only the API
  answers.

The rule for where a response Struct lives: a shape that a capability presents (its presenters
build it from loaded rows, and the admin pages show it too) is defined in that capability's
``presenters`` module, beside the pure function that builds it; the API imports it from there.
A shape that only the API answers (login, /v1/me, acknowledgements, pages, the API's additions to
a capability's shape) is defined here. Ids are strings, times ISO 8601 UTC strings; a key that an
answer carries only sometimes is ``UNSET`` when absent, so that it is left out, never ``null``."""
