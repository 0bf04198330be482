"""The register catalogue ("Data content"): read by anyone, without logging in; maintained by
Research Services. ``?lang=da|en`` picks the names and labels (Danish by default)."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.bodies import CloseRegisterBody, RegisterBody, RegisterPatch, VariableBody, VariablePatch
from api.schemas.common import Page
from boa.kernel.actor import Actor
from boa.registers import presenters, rules, service, views
from boa.registers.presenters import RegisterSummary, RegisterView, VariableView
from boa.registers.rules import VariableSpec
from boa.web.auth import require_staff

PUBLIC = {"public": True}


def _spec(body: VariableBody) -> VariableSpec:
    return VariableSpec(name=body.name, label_da=body.label_da, label_en=body.label_en, key=body.key,
                        documentation_url=body.documentation_url)


class RegisterController(Controller):
    path = "/v1/registers"
    tags = ["Register catalogue"]

    @get("/", opt=PUBLIC)
    async def index(self, db_session: AsyncSession, q: str | None = None, lang: str | None = None,
                    limit: int | None = None, cursor: str | None = None) -> Page[RegisterSummary]:
        """The catalogue by code; ``q`` finds every word in the code, the names or the variable names."""
        items, nxt = await views.catalogue(db_session, q=q, lang=lang, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/{code:str}", opt=PUBLIC)
    async def show(self, db_session: AsyncSession, code: str, lang: str | None = None) -> RegisterView:
        return await views.register(db_session, code=code, lang=lang)

    @post("/", guards=[require_staff])
    async def add(self, db_session: AsyncSession, actor: Actor, data: RegisterBody,
                  lang: str | None = None) -> RegisterView:
        rules.language(lang)
        row = await service.add_register(db_session, actor=actor, code=data.code, name_da=data.name_da,
                                         name_en=data.name_en, first_year=data.first_year, frequency=data.frequency,
                                         released=data.released, variables=[_spec(v) for v in data.variables])
        return await views.register(db_session, code=row.code, lang=lang)

    @patch("/{code:str}", guards=[require_staff])
    async def change(self, db_session: AsyncSession, actor: Actor, code: str, data: RegisterPatch,
                     lang: str | None = None) -> RegisterView:
        rules.language(lang)
        row = await service.change_register(db_session, actor=actor, code=code, name_da=data.name_da,
                                            name_en=data.name_en, first_year=data.first_year,
                                            frequency=data.frequency)
        return await views.register(db_session, code=row.code, lang=lang)

    @post("/{code:str}/close", guards=[require_staff], status_code=200)
    async def close(self, db_session: AsyncSession, actor: Actor, code: str, data: CloseRegisterBody,
                    lang: str | None = None) -> RegisterView:
        rules.language(lang)
        row = await service.close_register(db_session, actor=actor, code=code, last_year=data.last_year)
        return await views.register(db_session, code=row.code, lang=lang)

    @post("/{code:str}/release", guards=[require_staff], status_code=200)
    async def release(self, db_session: AsyncSession, actor: Actor, code: str,
                      lang: str | None = None) -> RegisterView:
        rules.language(lang)
        row = await service.release_register(db_session, actor=actor, code=code)
        return await views.register(db_session, code=row.code, lang=lang)

    @post("/{code:str}/variables", guards=[require_staff])
    async def add_variable(self, db_session: AsyncSession, actor: Actor, code: str, data: VariableBody,
                           lang: str | None = None) -> VariableView:
        language = rules.language(lang)
        row = await service.add_variable(db_session, actor=actor, code=code, spec=_spec(data))
        return presenters.variable(row, language)

    @patch("/{code:str}/variables/{name:str}", guards=[require_staff])
    async def change_variable(self, db_session: AsyncSession, actor: Actor, code: str, name: str,
                              data: VariablePatch, lang: str | None = None) -> VariableView:
        language = rules.language(lang)
        row = await service.change_variable(db_session, actor=actor, code=code, name=name, label_da=data.label_da,
                                            label_en=data.label_en, key=data.key,
                                            documentation_url=data.documentation_url)
        return presenters.variable(row, language)
