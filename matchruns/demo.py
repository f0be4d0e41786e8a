"""The demo cycle "R-1 2027": real Canadian faculties of medicine, generated programs,
applicants (IMGs ~35 %), applications and submitted rank order lists on both sides; the
applicant's file, documents, references and third parties come from :mod:`matchruns.demo_file`.

Rows are written with ``bulk_create`` so the full size (1,500+ applicants, 150+ programs)
loads in 7 to 13 s on SQLite (about 7 s of CPU). Every persona's password is ``DEMO_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from applicants.models import (
    ApplicantProfile,
    Citizenship,
    ContractVersion,
    Couple,
    CoupleStatus,
    MedicalSchoolRegion,
    Participation,
    ProvincialEligibility,
)
from applicants.services import provincial_list_import
from applications.models import Application, ApplicationStatus
from core.choices import PROVINCES_WITH_IMG_LIST, Province, Stream, TrainingLanguage
from cycles.models import Cycle, Iteration, IterationKind, Milestone, MilestoneKind
from fees.models import EntryKind, FeeSchedule, LedgerEntry
from matchruns.demo_file import create_organisations, load_files, provincial_csv
from programs.models import Discipline, Program, Quota, School
from ranking.models import RankEntry, RankList, RankListStatus, RankListVersion
from review.demo import load as load_review_demo

DEMO_PASSWORD = "jumelage-demo-2027"
DEMO_SLUG = "r1-2027"
DOMAIN = "demo.jumelage.ca"

SCHOOLS = [
    # code, English, French, province, city, training sites
    (
        "UBC",
        "University of British Columbia",
        "Université de la Colombie-Britannique",
        "BC",
        "Vancouver",
        "Vancouver, Victoria, Prince George, Kelowna",
    ),
    (
        "UAB",
        "University of Alberta",
        "Université de l'Alberta",
        "AB",
        "Edmonton",
        "Edmonton, Grande Prairie, Red Deer",
    ),
    (
        "UCAL",
        "University of Calgary",
        "Université de Calgary",
        "AB",
        "Calgary",
        "Calgary, Lethbridge, Medicine Hat",
    ),
    (
        "USASK",
        "University of Saskatchewan",
        "Université de la Saskatchewan",
        "SK",
        "Saskatoon",
        "Saskatoon, Regina, Prince Albert",
    ),
    (
        "UMAN",
        "University of Manitoba",
        "Université du Manitoba",
        "MB",
        "Winnipeg",
        "Winnipeg, Brandon",
    ),
    ("WEST", "Western University", "Université Western", "ON", "London", "London, Windsor"),
    (
        "MCM",
        "McMaster University",
        "Université McMaster",
        "ON",
        "Hamilton",
        "Hamilton, Kitchener-Waterloo, Niagara",
    ),
    (
        "UOFT",
        "University of Toronto",
        "Université de Toronto",
        "ON",
        "Toronto",
        "Toronto, Mississauga, Barrie",
    ),
    (
        "QUE",
        "Queen's University",
        "Université Queen's",
        "ON",
        "Kingston",
        "Kingston, Belleville, Peterborough",
    ),
    (
        "UOTT",
        "University of Ottawa",
        "Université d'Ottawa",
        "ON",
        "Ottawa",
        "Ottawa, Hawkesbury, Pembroke",
    ),
    (
        "NOSM",
        "NOSM University",
        "Université de l'EMNO",
        "ON",
        "Sudbury",
        "Sudbury, Thunder Bay, Timmins, Sault Ste. Marie",
    ),
    (
        "MCG",
        "McGill University",
        "Université McGill",
        "QC",
        "Montréal",
        "Montréal, Gatineau, Val-d'Or",
    ),
    (
        "UDEM",
        "Université de Montréal",
        "Université de Montréal",
        "QC",
        "Montréal",
        "Montréal, Trois-Rivières, Laval",
    ),
    ("ULAV", "Université Laval", "Université Laval", "QC", "Québec", "Québec, Lévis, Rimouski"),
    (
        "USHE",
        "Université de Sherbrooke",
        "Université de Sherbrooke",
        "QC",
        "Sherbrooke",
        "Sherbrooke, Saguenay, Moncton",
    ),
    (
        "DAL",
        "Dalhousie University",
        "Université Dalhousie",
        "NS",
        "Halifax",
        "Halifax, Saint John, Sydney",
    ),
    (
        "MUN",
        "Memorial University of Newfoundland",
        "Université Memorial de Terre-Neuve",
        "NL",
        "St. John's",
        "St. John's, Corner Brook, Happy Valley-Goose Bay",
    ),
]

DISCIPLINES = [
    (
        "FM",
        "Family Medicine",
        "Médecine familiale",
        "family physicians for urban, rural and remote practice",
        "des médecins de famille pour la pratique urbaine, rurale et éloignée",
    ),
    (
        "IM",
        "Internal Medicine",
        "Médecine interne",
        "general internists and future subspecialists",
        "des internistes généraux et de futurs surspécialistes",
    ),
    (
        "PED",
        "Pediatrics",
        "Pédiatrie",
        "pediatricians caring for children and adolescents",
        "des pédiatres au service des enfants et des adolescents",
    ),
    (
        "PSY",
        "Psychiatry",
        "Psychiatrie",
        "psychiatrists for hospital and community mental health",
        "des psychiatres pour la santé mentale hospitalière et communautaire",
    ),
    (
        "GS",
        "General Surgery",
        "Chirurgie générale",
        "general surgeons with broad operative skills",
        "des chirurgiens généraux aux compétences opératoires étendues",
    ),
    (
        "EM",
        "Emergency Medicine",
        "Médecine d'urgence",
        "emergency physicians for busy departments",
        "des urgentologues pour des services d'urgence achalandés",
    ),
    (
        "ANE",
        "Anesthesiology",
        "Anesthésiologie",
        "anesthesiologists for perioperative care",
        "des anesthésiologistes pour les soins périopératoires",
    ),
    (
        "OBG",
        "Obstetrics and Gynecology",
        "Obstétrique et gynécologie",
        "obstetricians and gynecologists",
        "des obstétriciens-gynécologues",
    ),
    (
        "DR",
        "Diagnostic Radiology",
        "Radiologie diagnostique",
        "radiologists skilled in every modality",
        "des radiologistes compétents dans toutes les modalités",
    ),
    (
        "NEU",
        "Neurology",
        "Neurologie",
        "neurologists for acute and chronic care",
        "des neurologues pour les soins aigus et chroniques",
    ),
    (
        "GP",
        "General Pathology",
        "Pathologie générale",
        "pathologists for community laboratories",
        "des pathologistes pour les laboratoires communautaires",
    ),
    (
        "ORT",
        "Orthopedic Surgery",
        "Chirurgie orthopédique",
        "orthopedic surgeons",
        "des chirurgiens orthopédistes",
    ),
]

#: Years of return of service owed for IMG positions (illustrative, by province).
RETURN_OF_SERVICE = {"ON": 5, "BC": 2, "AB": 3, "SK": 3, "MB": 3, "QC": 4, "NS": 3, "NL": 3}
#: Schools whose PGME office reverts unfilled IMG positions to the CMG quota.
REVERTING_SCHOOLS = {"UOFT", "MCM", "WEST", "QUE", "DAL", "MUN", "USASK"}

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Charlotte",
    "William",
    "Amelia",
    "Benjamin",
    "Sophie",
    "Lucas",
    "Chloé",
    "Gabriel",
    "Léa",
    "Félix",
    "Camille",
    "Mathis",
    "Juliette",
    "Étienne",
    "Mégane",
    "Raphaël",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Mei",
    "Wei",
    "Aisha",
    "Kwame",
    "Ana",
    "Mateo",
    "Yasmin",
    "Hassan",
    "Nadia",
    "Dmitri",
    "Ines",
    "Tariq",
    "Leila",
    "Jin",
    "Chidi",
    "Amara",
    "Sofia",
    "Karim",
    "Élodie",
    "Marc-André",
    "Anne-Sophie",
    "Jean-Philippe",
]
LAST_NAMES = [
    "Smith",
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Brown",
    "Wilson",
    "MacDonald",
    "Campbell",
    "Singh",
    "Patel",
    "Nguyen",
    "Chen",
    "Wang",
    "Khan",
    "Ahmed",
    "Haddad",
    "Okafor",
    "Mensah",
    "Silva",
    "Garcia",
    "Rossi",
    "Kowalski",
    "Ivanova",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Girard",
    "Mukherjee",
    "Osei",
    "Yilmaz",
    "Nakamura",
    "Kim",
    "Dubois",
    "Leblanc",
    "Ouellet",
    "Bergeron",
    "Ahmadi",
    "Rahman",
]
CANADIAN_SCHOOLS = [s[1] for s in SCHOOLS]
FOREIGN_SCHOOLS = [
    "Cairo University",
    "University of Lagos",
    "Aga Khan University",
    "All India Institute of Medical Sciences",
    "University of the Philippines",
    "Université Saint-Joseph (Beyrouth)",
    "Université de Paris",
    "Royal College of Surgeons in Ireland",
    "St. George's University",
    "Universidad de Buenos Aires",
    "Tehran University of Medical Sciences",
    "Université d'Alger",
    "University of Nairobi",
    "Jagiellonian University",
    "Ross University",
]

EN_DESCRIPTION = (
    "The {discipline} program of {school} trains {focus}. Residents rotate through {sites}, "
    "with protected academic time every week, simulation training and a research project. "
    "Training is offered in {language}. {extra}"
)
FR_DESCRIPTION = (
    "Le programme de {discipline} de {school} forme {focus}. Les résidents effectuent leurs "
    "stages à {sites}, avec une demi-journée de formation théorique protégée chaque semaine, "
    "de la simulation et un projet de recherche. La formation est offerte en {language}. {extra}"
)
EN_EXTRA = [
    "Our graduates practise across the province, in cities and in rural communities.",
    "A longitudinal rural experience is part of the second year.",
    "Residents receive mentorship from the first week and a wellness curriculum.",
    "The program welcomes international medical graduates in its IMG positions.",
]
FR_EXTRA = [
    "Nos diplômés exercent partout dans la province, en ville comme en région.",
    "Un stage longitudinal en milieu rural fait partie de la deuxième année.",
    "Les résidents bénéficient d'un mentorat dès la première semaine et d'un programme de "
    "mieux-être.",
    "Le programme accueille des diplômés internationaux en médecine dans ses postes DIM.",
]
LANGUAGE_NAMES = {
    TrainingLanguage.EN: ("English", "anglais"),
    TrainingLanguage.FR: ("French", "français"),
    TrainingLanguage.BILINGUAL: ("English and French", "anglais et en français"),
}


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    role: str
    try_this: str


PERSONAS = [
    Persona(
        "applicant",
        f"applicant@{DOMAIN}",
        "Applicant (IMG, on the Alberta AIMG list)",
        "A complete file: My Information, documents, references (claim the early letter); "
        "applications and interview statuses, rank order list; results at noon on match day",
    ),
    Persona(
        "couple",
        f"couple@{DOMAIN}",
        "Applicant in a couple",
        "The couple's shared rank order list; an incomplete bilingual file, a rejected CV, "
        "a proof of citizenship waiting for review",
    ),
    Persona(
        "director",
        f"director@{DOMAIN}",
        "Program director (Family Medicine, Toronto)",
        "My programs: file review (criteria, scores, notes, assignments, masking), interview "
        "statuses and slots, rank lists of interviewed applicants, the description draft; results",
    ),
    Persona(
        "program_admin",
        f"program.admin@{DOMAIN}",
        "Program administrator (same program)",
        "Description (EN/FR) and its approval, reviewers, rank order lists",
    ),
    Persona(
        "reviewer",
        f"reviewer@{DOMAIN}",
        "File reviewer (same program)",
        "File review: read, score and note files, set interview statuses; may not rank",
    ),
    Persona(
        "pgme",
        f"pgme@{DOMAIN}",
        "PGME office (University of Toronto)",
        "Approve descriptions (IM-UOFT is waiting) and rank lists; quotas and reversion; "
        "the school's results",
    ),
    Persona("aimg", f"aimg@{DOMAIN}", "Assessment body (Alberta, AIMG)", "The Alberta IMG list"),
    Persona(
        "admin",
        f"admin@{DOMAIN}",
        "Match administrator (also Django admin)",
        "Match administration: dry run, official run, downloads; documents to process, "
        "early letters; demo_phase to move time",
    ),
]
PERSONA_PROGRAM = "FM-UOFT"
#: Applicants with only one name (indexes are multiples of 4: they all have a filled-in file).
SINGLE_NAME_INDEXES = (32, 304, 908)
SINGLE_NAMES = ("Suharti", "Nyambura", "Aung")


@dataclass
class DemoSummary:
    cycle: Cycle
    iteration: Iteration
    counts: dict[str, int] = field(default_factory=dict)


def demo_exists() -> bool:
    return Cycle.objects.filter(slug=DEMO_SLUG).exists()


def _calendar(now: dt.datetime) -> dict[str, dt.datetime]:
    """A calendar in which ``now`` is inside the rank period (ranking open, deadlines ahead)."""
    day = dt.timedelta(days=1)
    return {
        MilestoneKind.OPENING: now - 150 * day,
        MilestoneKind.PROGRAM_SELECTION: now - 120 * day,
        MilestoneKind.APPLICATION_DEADLINE: now - 90 * day,
        MilestoneKind.INTERVIEWS_START: now - 70 * day,
        MilestoneKind.INTERVIEWS_END: now - 20 * day,
        MilestoneKind.RANKING_OPENS: now - 3 * day,
        MilestoneKind.PROGRAM_ROL_DEADLINE: now + 10 * day,
        MilestoneKind.APPLICANT_ROL_DEADLINE: now + 11 * day,
        MilestoneKind.MATCH_DAY: now + 25 * day,
    }


@transaction.atomic
def load_demo(*, seed: int = 2027, scale: float = 1.0) -> DemoSummary:
    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(DEMO_PASSWORD)

    Cycle.objects.filter(is_current=True).update(is_current=False)
    cycle = Cycle.objects.create(name="R-1 2027", slug=DEMO_SLUG, year=2027, is_current=True)
    iteration = Iteration.objects.create(cycle=cycle, kind=IterationKind.FIRST)
    Milestone.objects.bulk_create(
        [Milestone(iteration=iteration, kind=k, at=at) for k, at in _calendar(now).items()]
    )
    contract = ContractVersion.objects.create(
        cycle=cycle,
        version=1,
        text_en=(
            "By taking part in the R-1 2027 match I agree that: the information I give is true; "
            "a rank order list I submit is a binding commitment; if I match I will accept the "
            "position and train in it; I may withdraw only before the applicant rank order list "
            "deadline."
        ),
        text_fr=(
            "En participant au jumelage R-1 2027, j'accepte que : les renseignements que je "
            "fournis sont exacts; la liste de classement que je soumets m'engage; si je suis "
            "jumelé, j'accepterai le poste et j'y ferai ma formation; je ne peux me retirer "
            "qu'avant la date limite des listes de classement des candidats."
        ),
        published_at=now - dt.timedelta(days=200),
    )
    schedule = FeeSchedule.objects.create(
        cycle=cycle, base_fee_cents=37500, programs_included=9, extra_program_fee_cents=3500
    )

    # --- Schools, disciplines, programs, quotas ---------------------------------------------
    schools = {}
    for code, en, fr, province, city, _sites in SCHOOLS:
        school, _ = School.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_fr": fr, "province": province, "city": city},
        )
        schools[code] = school
    disciplines = {}
    for code, en, fr, _f_en, _f_fr in DISCIPLINES:
        discipline, _ = Discipline.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_fr": fr}
        )
        disciplines[code] = discipline
    organisations = create_organisations(schools)
    per_school = max(2, min(11, round(40 * scale)))
    programs: list[Program] = []
    for code, en, fr, province, _city, sites in SCHOOLS:
        chosen = ["FM", "IM", *rng.sample([d[0] for d in DISCIPLINES[2:]], k=10)]
        count = per_school if scale < 1 else rng.randint(8, 11)
        for d_code in chosen[:count]:
            d = next(x for x in DISCIPLINES if x[0] == d_code)
            language = (
                TrainingLanguage.FR
                if province == "QC" and code != "MCG"
                else TrainingLanguage.BILINGUAL
                if code == "UOTT"
                else TrainingLanguage.EN
            )
            lang_en, lang_fr = LANGUAGE_NAMES[TrainingLanguage(language)]
            extra = rng.randrange(len(EN_EXTRA))
            programs.append(
                Program(
                    cycle=cycle,
                    school=schools[code],
                    discipline=disciplines[d_code],
                    code=f"{d_code}-{code}",
                    name_en=f"{d[1]} — {en}",
                    name_fr=f"{d[2]} — {fr}",
                    sites=sites,
                    language=language,
                    description_en=EN_DESCRIPTION.format(
                        discipline=d[1],
                        school=en,
                        focus=d[3],
                        sites=sites,
                        language=lang_en,
                        extra=EN_EXTRA[extra],
                    ),
                    description_fr=FR_DESCRIPTION.format(
                        discipline=d[2].lower(),
                        school=fr,
                        focus=d[4],
                        sites=sites,
                        language=lang_fr,
                        extra=FR_EXTRA[extra],
                    ),
                    return_of_service_years=RETURN_OF_SERVICE.get(province, 0),
                )
            )
    programs = Program.objects.bulk_create(programs)
    program_by_code = {p.code: p for p in programs}
    quotas: list[Quota] = []
    for program in programs:
        big = program.discipline.code == "FM"
        cmg = rng.randint(8, 20) if big else rng.randint(2, 7)
        img = rng.randint(2, 6) if big else rng.randint(0, 2)
        quotas.append(Quota(program=program, iteration=iteration, stream=Stream.CMG, positions=cmg))
        if img or program.code == PERSONA_PROGRAM:
            quotas.append(
                Quota(
                    program=program, iteration=iteration, stream=Stream.IMG, positions=max(img, 1)
                )
            )
    quotas = Quota.objects.bulk_create(quotas)
    cmg_quota = {q.program_id: q for q in quotas if q.stream == Stream.CMG}
    reverting = []
    for q in quotas:
        if q.stream == Stream.IMG and q.program.school.code in REVERTING_SCHOOLS:
            q.reverts_to = cmg_quota[q.program_id]
            reverting.append(q)
    Quota.objects.bulk_update(reverting, ["reverts_to"])
    attractiveness = {q.pk: rng.random() for q in quotas}

    # --- Applicants ---------------------------------------------------------------------------
    n_applicants = max(40, int(1500 * scale) + (24 if scale >= 1 else 0))
    users, profiles = [], []
    for i in range(n_applicants):
        img = i % 20 < 7  # 35 %
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        users.append(
            User(
                email=f"{slug}.{i + 1}@{DOMAIN}",
                password=password,
                first_name=first,
                last_name=last,
                language="fr" if rng.random() < 0.3 else "en",
            )
        )
        profiles.append(
            ApplicantProfile(
                first_name=first,
                last_name=last,
                medical_school_region=(
                    MedicalSchoolRegion.ELSEWHERE
                    if img
                    else (
                        MedicalSchoolRegion.USA
                        if rng.random() < 0.03
                        else MedicalSchoolRegion.CANADA
                    )
                ),
                medical_school_name=rng.choice(FOREIGN_SCHOOLS if img else CANADIAN_SCHOOLS),
                graduation_year=rng.choice([2019, 2021, 2023, 2024]) if img else 2027,
                citizenship=rng.choice([Citizenship.CITIZEN, Citizenship.PERMANENT_RESIDENT])
                if img
                else Citizenship.CITIZEN,
                matching_id=f"A27{i + 1:05d}",
                mcc_id=f"27{i + 1:05d}",  # every demo applicant has an MCC ID (7 digits)
            )
        )
    # The personas: an IMG applicant on the AIMG list and an applicant in a couple.
    users[0].email, users[0].first_name, users[0].last_name = PERSONAS[0].email, "Amina", "Haddad"
    profiles[0].first_name, profiles[0].last_name = "Amina", "Haddad"
    profiles[0].medical_school_region = MedicalSchoolRegion.ELSEWHERE
    profiles[0].medical_school_name = "Cairo University"
    users[1].email, users[1].first_name, users[1].last_name = (
        PERSONAS[1].email,
        "Julien",
        "Tremblay",
    )
    profiles[1].first_name, profiles[1].last_name = "Julien", "Tremblay"
    profiles[1].medical_school_region = MedicalSchoolRegion.CANADA
    profiles[1].medical_school_name = "Université Laval"
    users[1].language = "fr"
    users[0].language = "en"
    # A few single-name applicants (the one name goes in the family name), all with a file.
    for i, name in zip(SINGLE_NAME_INDEXES, SINGLE_NAMES, strict=True):
        if i < n_applicants:
            users[i].first_name, users[i].last_name = "", name
            profiles[i].first_name, profiles[i].last_name = "", name
            profiles[i].single_name = True
    users[2].first_name, users[2].last_name = "Sarah", "Tremblay-Nguyen"
    profiles[2].first_name, profiles[2].last_name = "Sarah", "Tremblay-Nguyen"
    profiles[2].medical_school_region = MedicalSchoolRegion.CANADA
    profiles[2].medical_school_name = "Université Laval"
    users = User.objects.bulk_create(users, batch_size=500)
    for user, profile in zip(users, profiles, strict=True):
        profile.user = user
    profiles = ApplicantProfile.objects.bulk_create(profiles, batch_size=500)

    staff = {}
    for persona in PERSONAS[2:]:
        staff[persona.key] = User(
            email=persona.email,
            password=password,
            first_name=persona.key.replace("_", " ").title(),
            last_name="Demo",
            is_staff=persona.key == "admin",
            is_superuser=persona.key == "admin",
        )
    User.objects.bulk_create(staff.values())
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in [*users, *staff.values()]
        ],
        batch_size=500,
    )
    persona_program = program_by_code[PERSONA_PROGRAM]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=staff["director"], role=Role.PROGRAM_DIRECTOR, program=persona_program
            ),
            RoleAssignment(
                user=staff["program_admin"],
                role=Role.PROGRAM_ADMINISTRATOR,
                program=persona_program,
            ),
            RoleAssignment(
                user=staff["reviewer"], role=Role.FILE_REVIEWER, program=persona_program
            ),
            RoleAssignment(
                user=staff["pgme"], role=Role.PGME_OFFICE, school=persona_program.school
            ),
            RoleAssignment(user=staff["aimg"], role=Role.ASSESSMENT_BODY, province=Province.AB),
            RoleAssignment(user=staff["admin"], role=Role.MATCH_ADMINISTRATOR),
        ]
    )

    # --- Provincial IMG lists, participation, fees ---------------------------------------------
    imgs = [p for p in profiles if p.stream == Stream.IMG]
    eligible: dict[int, set[str]] = {p.pk: set() for p in imgs}
    eligibilities = []
    uploads: dict[str, list[tuple[str, str]]] = {Province.AB: [], Province.BC: []}
    for p in imgs:
        for province in PROVINCES_WITH_IMG_LIST:
            if rng.random() < 0.15 or (p is profiles[0] and province == Province.AB):
                eligible[p.pk].add(str(province))
                if province in uploads:
                    uploads[province].append((p.matching_id, p.last_name))
                else:
                    eligibilities.append(
                        ProvincialEligibility(
                            applicant=p, cycle=cycle, province=province, added_by=staff["aimg"]
                        )
                    )
    ProvincialEligibility.objects.bulk_create(eligibilities, batch_size=500)
    # The AIMG uploaded its list on the site, BC-CAP sent its own through the API; each file
    # has a row that is refused (a misspelt family name, a Canadian graduate) for the report.
    cmg = next(p for p in profiles[3:] if p.stream == Stream.CMG)
    outsider = next(p for p in imgs if not eligible[p.pk])
    uploads[Province.AB] += [
        (outsider.matching_id, "Fairweather"),
        (cmg.matching_id, cmg.last_name),
    ]
    uploads[Province.BC].append((cmg.matching_id, cmg.last_name))
    provincial_list_import(
        cycle=cycle,
        province=Province.AB,
        content=provincial_csv(uploads[Province.AB]),
        filename="aimg-r1-2027.csv",
        actor=staff["aimg"],
    )
    provincial_list_import(
        cycle=cycle,
        province=Province.BC,
        content=provincial_csv(uploads[Province.BC]),
        filename="bc-cap-r1-2027.csv",
        organisation=organisations[f"province:{Province.BC}"],
    )
    withdrawn = {p.pk for p in rng.sample(profiles[10:], k=max(1, len(profiles) // 150))}
    Participation.objects.bulk_create(
        [
            Participation(
                applicant=p,
                cycle=cycle,
                contract=contract,
                accepted_at=now - dt.timedelta(days=rng.randint(100, 149)),
                withdrawn_at=now - dt.timedelta(days=5) if p.pk in withdrawn else None,
                withdrawal_reason="Accepted a position elsewhere." if p.pk in withdrawn else "",
            )
            for p in profiles
        ],
        batch_size=500,
    )

    # --- Applications (8-15 each, in the applicant's stream and eligible provinces) -----------
    def open_to(p: ApplicantProfile, q: Quota) -> bool:
        if q.stream == Stream.COMPETITIVE:
            return True
        if q.stream != p.stream:
            return False
        province = q.program.school.province
        return (
            q.stream == Stream.CMG
            or province not in PROVINCES_WITH_IMG_LIST
            or (province in eligible.get(p.pk, set()))
        )

    applied: dict[int, list[Quota]] = {}
    applications = []
    ledger = []
    receipt = 0
    for p in profiles:
        options = [q for q in quotas if open_to(p, q)]
        weights = [attractiveness[q.pk] + 0.2 for q in options]
        k = min(len(options), rng.randint(8, 15))
        picked: list[Quota] = []
        while len(picked) < k:
            q = rng.choices(options, weights=weights)[0]
            if q not in picked:
                picked.append(q)
        if p is profiles[0] and PERSONA_PROGRAM:
            persona_img = next(
                q for q in quotas if q.program_id == persona_program.pk and q.stream == Stream.IMG
            )
            if persona_img not in picked:
                picked[0] = persona_img
        applied[p.pk] = picked
        submitted = now - dt.timedelta(days=rng.randint(91, 110))
        for q in picked:
            applications.append(
                Application(
                    applicant=p,
                    program=q.program,
                    quota=q,
                    status=ApplicationStatus.SUBMITTED,
                    submitted_at=submitted,
                )
            )
        extra = max(0, len(picked) - schedule.programs_included)
        receipt += 1
        ledger.append(
            LedgerEntry(
                applicant=p,
                cycle=cycle,
                kind=EntryKind.CHARGE,
                amount_cents=schedule.base_fee_cents + extra * schedule.extra_program_fee_cents,
                description=f"Participation fee ({len(picked)} programs)",
                code="participation",
                receipt_number=f"R27-{receipt:06d}",
            )
        )
        if rng.random() < 0.85:
            receipt += 1
            ledger.append(
                LedgerEntry(
                    applicant=p,
                    cycle=cycle,
                    kind=EntryKind.PAYMENT,
                    amount_cents=ledger[-1].amount_cents,
                    description="Card payment",
                    provider="offline",
                    reference=f"DEMO-{receipt}",
                    receipt_number=f"R27-{receipt:06d}",
                )
            )
    Application.objects.bulk_create(applications, batch_size=1000)
    LedgerEntry.objects.bulk_create(ledger, batch_size=1000)

    # --- The applicant's file: My Information, documents, references ----------------------------
    files = load_files(
        rng=rng,
        cycle=cycle,
        schedule=schedule,
        profiles=profiles,
        users=users,
        applications=applications,
        organisations=organisations,
        schools=schools,
        admin=staff["admin"],
        disciplines_fr={d[1]: d[2] for d in DISCIPLINES},
        now=now,
        receipt=receipt,
    )

    # --- Couples ------------------------------------------------------------------------------
    active = [p for p in profiles if p.pk not in withdrawn]
    singles_cmg = [p for p in active[3:] if p.stream == Stream.CMG]
    couples = [
        Couple(
            cycle=cycle,
            inviter=profiles[2],
            partner=profiles[1],
            status=CoupleStatus.ACTIVE,
            accepted_at=now - dt.timedelta(days=60),
        )
    ]
    n_couples = max(1, len(active) // 150)
    pool = rng.sample(singles_cmg, k=min(len(singles_cmg) // 2 * 2, 2 * (n_couples - 1)))
    for a, b in zip(pool[::2], pool[1::2], strict=True):
        couples.append(
            Couple(
                cycle=cycle,
                inviter=a,
                partner=b,
                status=CoupleStatus.ACTIVE,
                accepted_at=now - dt.timedelta(days=60),
            )
        )
    couples = Couple.objects.bulk_create(couples)
    in_couple = {m.pk for c in couples for m in (c.inviter, c.partner)}

    # --- Rank order lists ----------------------------------------------------------------------
    strength = {p.pk: rng.random() for p in profiles}
    lists: list[RankList] = []
    payloads: list[list[dict[str, Any]]] = []
    for p in active:
        if p.pk in in_couple:
            continue
        ranked = sorted(applied[p.pk], key=lambda q: -(attractiveness[q.pk] + rng.random()))
        ranked = ranked[: max(1, int(len(ranked) * rng.uniform(0.75, 1.0)))]
        lists.append(RankList(iteration=iteration, applicant=p))
        payloads.append([{"quota": q.pk} for q in ranked])
    for c in couples:
        a_list = sorted(applied[c.inviter.pk], key=lambda q: -attractiveness[q.pk])[:6]
        b_list = sorted(applied[c.partner.pk], key=lambda q: -attractiveness[q.pk])[:6]
        same_city = [
            (x, y) for x in a_list for y in b_list if x.program.school.city == y.program.school.city
        ]
        others = [(x, y) for x in a_list[:3] for y in b_list[:3] if (x, y) not in same_city]
        pairs = [*(same_city + others)[:15], (a_list[0], None)]
        lists.append(RankList(iteration=iteration, couple=c))
        payloads.append([{"quota": x.pk, "partner_quota": y.pk if y else None} for x, y in pairs])
    applicants_of: dict[int, list[ApplicantProfile]] = {}
    for p in active:
        for q in applied[p.pk]:
            applicants_of.setdefault(q.pk, []).append(p)
    for q in quotas:
        candidates = applicants_of.get(q.pk, [])
        interviewed = [p for p in candidates if rng.random() < 0.75]
        ranked_a = sorted(interviewed, key=lambda p: -(strength[p.pk] + rng.gauss(0, 0.15)))
        lists.append(RankList(iteration=iteration, quota=q))
        payloads.append([{"applicant": p.pk} for p in ranked_a])
    for rank_list in lists:
        rank_list.status = RankListStatus.SUBMITTED
        rank_list.submitted_at = now - dt.timedelta(days=1)
    lists = RankList.objects.bulk_create(lists, batch_size=500)
    entries, versions = [], []
    for rank_list, payload in zip(lists, payloads, strict=True):
        for i, e in enumerate(payload):
            entries.append(
                RankEntry(
                    rank_list=rank_list,
                    position=i + 1,
                    quota_id=e.get("quota"),
                    partner_quota_id=e.get("partner_quota"),
                    applicant_id=e.get("applicant"),
                )
            )
        versions.append(
            RankListVersion(
                rank_list=rank_list,
                number=1,
                entries=[{"position": i + 1, **e} for i, e in enumerate(payload)],
                submitted_at=rank_list.submitted_at,
            )
        )
    RankEntry.objects.bulk_create(entries, batch_size=2000)
    RankListVersion.objects.bulk_create(versions, batch_size=500)
    from programs.demo import load as load_program_workspace  # descriptions, reviewers

    workspace = load_program_workspace(cycle=cycle, iteration=iteration, rng=rng, now=now)

    # Interview statuses first: the program lists are built from the interviewed applicants.
    from interviews.demo import load as load_interviews

    interviews = load_interviews(cycle=cycle, iteration=iteration, rng=rng, now=now)

    from ranking.demo import load as load_program_lists

    program_lists = load_program_lists(cycle=cycle, iteration=iteration, rng=rng, now=now)

    review_counts = load_review_demo(cycle=cycle, iteration=iteration, rng=rng, now=now)

    return DemoSummary(
        cycle=cycle,
        iteration=iteration,
        counts={
            "schools": len(schools),
            "programs": len(programs),
            "quotas": len(quotas),
            "applicants": len(profiles),
            "imgs": len(imgs),
            "couples": len(couples),
            "applications": len(applications),
            "rank_lists": len(lists),
            "rank_entries": len(entries),
            **files.counts,
            **workspace,
            **interviews,
            **program_lists,
            **review_counts,
        },
    )
