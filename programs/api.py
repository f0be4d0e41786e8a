"""JSON API endpoints of the programs domain (public reads)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from cycles.selectors import current_cycle
from programs import selectors
from programs.models import Program

router = Router(tags=["programs"])


class QuotaOut(Schema):
    code: str
    stream: str
    positions: int
    reverts_to: str | None


class ProgramOut(Schema):
    code: str
    name_en: str
    name_fr: str
    school: str
    province: str
    discipline: str
    language: str
    return_of_service_years: int
    quotas: list[QuotaOut]


class SectionOut(Schema):
    key: str
    text_en: str
    text_fr: str


class ProgramDetailOut(ProgramOut):
    description_en: str
    description_fr: str
    sites: str
    #: The latest published version (None: the program's text from before versions).
    description_version: int | None
    description_sections: list[SectionOut]


class ProgramPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProgramOut]


def _out(program: Program, schema: type[ProgramOut] = ProgramOut) -> ProgramOut:
    extra: dict[str, object] = {}
    if schema is ProgramDetailOut:
        published = selectors.latest_published(program)
        extra = {
            "description_en": program.description_en,
            "description_fr": program.description_fr,
            "sites": program.sites,
            "description_version": published.version if published else None,
            "description_sections": [
                SectionOut(key=key, text_en=en, text_fr=fr)
                for key, _title, en, fr in (published.both_languages() if published else [])
            ],
        }
    return schema(
        code=program.code,
        name_en=program.name_en,
        name_fr=program.name_fr,
        school=program.school.code,
        province=program.school.province,
        discipline=program.discipline.code,
        language=program.language,
        return_of_service_years=program.return_of_service_years,
        quotas=[
            QuotaOut(
                code=q.code,
                stream=q.stream,
                positions=q.positions,
                reverts_to=q.reverts_to.code if q.reverts_to else None,
            )
            for q in program.quotas.all()
        ],
        **extra,
    )


@router.get("/", response=ProgramPage, auth=None)
def program_list(
    request: HttpRequest,
    q: str = "",
    discipline: str = "",
    province: str = "",
    language: str = "",
    page: int = 1,
) -> ProgramPage:
    """The program directory of the current cycle, filtered, 25 per page. Descriptions are
    those of the latest published version."""
    cycle = current_cycle()
    if cycle is None:
        raise HttpError(404, "No match cycle is open.")
    found = selectors.program_directory(
        cycle=cycle, text=q, discipline=discipline, province=province, language=language, page=page
    )
    return ProgramPage(
        count=found.paginator.count,
        page=found.number,
        pages=found.paginator.num_pages,
        results=[_out(p) for p in found],
    )


@router.get("/{code}", response=ProgramDetailOut, auth=None)
def program_detail(request: HttpRequest, code: str) -> ProgramOut:
    cycle = current_cycle()
    program = selectors.program_by_code(cycle, code) if cycle else None
    if program is None:
        raise HttpError(404, "No program has this code.")
    return _out(program, ProgramDetailOut)
