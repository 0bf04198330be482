"""The API's input types: the rules of :mod:`boa.kernel.inputs` as msgspec constraints, so that
a body is refused (400 ``validation_failed``) before any service sees it, and the OpenAPI document
says what is accepted. Every request body is a :class:`api.schemas.bodies.Body`, which also
checks every date and text it holds, however typed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from boa.kernel import inputs

_RANGE = f"between {inputs.DATE_MIN} and {inputs.DATE_MAX}"

# A name, a title, an identifier, a kind: one line, no control or text-direction characters.
Line = Annotated[str, msgspec.Meta(max_length=inputs.LINE_MAX, pattern=inputs.LINE_PATTERN)]
# A link.
Url = Annotated[str, msgspec.Meta(max_length=2_000, pattern=inputs.LINE_PATTERN)]
# A free text (description, comment, report, note): lines, no other control characters.
Text = Annotated[str, msgspec.Meta(max_length=inputs.TEXT_MAX, pattern=inputs.TEXT_PATTERN)]
# An e-mail address (the services check it further with email-validator).
Email = Annotated[str, msgspec.Meta(max_length=inputs.EMAIL_MAX, pattern=inputs.LINE_PATTERN,
                                    extra_json_schema={"format": "email"})]
Day = Annotated[date, msgspec.Meta(description=f"A date {_RANGE}.")]
# A moment says its offset: ``2026-03-01T09:00:00+01:00`` or ``...Z``; one without is refused.
Moment = Annotated[datetime, msgspec.Meta(tz=True, description=f"A date-time with its offset, {_RANGE}.")]



def _address_line(name: str) -> msgspec.Meta:
    return msgspec.Meta(max_length=inputs.ADDRESS_FIELDS[name], pattern=inputs.LINE_PATTERN)


Street = Annotated[str, _address_line("street")]
PostalCode = Annotated[str, _address_line("postal_code")]
City = Annotated[str, _address_line("city")]
Country = Annotated[str, _address_line("country")]


class Address(msgspec.Struct, forbid_unknown_fields=True):
    """A postal address: these fields and no others (``boa.kernel.inputs.ADDRESS_FIELDS``)."""

    street: Street | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    country: Country | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in msgspec.structs.asdict(self).items() if v is not None}
