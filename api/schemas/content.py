"""A proposal's content as a body gives it, turned into what the researcher service takes."""

from __future__ import annotations

from collections.abc import Sequence

from api.schemas.scheme_bodies import ProposalContentFields
from schemes.researcher.content import RegisterOrder, Segment
from schemes.researcher.service import ContentInput


def content_input(data: ProposalContentFields, *, datasets: Sequence[str] | None,
                  remove_external_data: bool = False) -> ContentInput:
    return ContentInput(
        purpose=data.purpose,
        population=[Segment(name=s.name, delimitation=s.delimitation, appendices=list(s.appendices))
                    for s in data.population] if data.population is not None else None,
        registers=[RegisterOrder(code=r.code, variables=list(r.variables), years=list(r.years))
                   for r in data.registers] if data.registers is not None else None,
        datasets=datasets,
        external_description=data.external_data.description if data.external_data is not None else None,
        remove_external_data=remove_external_data)
