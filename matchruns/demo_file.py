"""The applicant's file in the demo cycle: My Information entries, documents (real PDFs on the
private storage), citizenship verifications, translations, personal letters, references in every
state, an early-letter placeholder, and the trusted third parties with their API tokens.

Rows are written with ``bulk_create`` like the rest of the demo; only the few operations whose
side effects matter to the demo (API tokens, the provincial list uploads, the early letter) go
through their services. Every stored file is the same small PDF, written once per document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from applicants.models import (
    ApplicantProfile,
    ApplicationLanguages,
    FileEntry,
    SectionWaiver,
)
from applicants.sections import SECTIONS
from applications.models import Application
from core.choices import Province, Stream
from cycles.models import Cycle
from documents.models import (
    Document,
    DocumentAssignment,
    DocumentStatus,
    DocumentStatusChange,
    DocumentType,
    PersonalLetter,
    ScanResult,
    Source,
    StatusVerification,
    TranslationRequest,
    TranslationState,
    VerificationSource,
    VerificationState,
)
from documents.services import TRANSLATION_FEE_CODE
from fees.models import AdministrativeFee, EntryKind, FeeSchedule, LedgerEntry
from integrations.models import Organisation, OrganisationKind
from integrations.services import token_issue
from programs.models import School
from references.models import (
    Delivery,
    ReferenceAssignment,
    ReferenceContent,
    ReferenceKind,
    ReferenceRequest,
    ReferenceState,
)
from references.questions import DEFAULT_STRUCTURED, SUPPORT_FORM

#: Every fourth applicant (and the personas) has a filled-in file.
FILE_SHARE = 4
#: The referee of the persona's request waiting for its letter (``demo_logins`` prints a link).
PERSONA_REFEREE_EMAIL = "s.okafor@hospital.demo.jumelage.ca"
#: The early letter recorded for the persona, to claim on the references page.
EARLY_LETTER_REFEREE = "Dr. Hélène Gauthier"
TRANSLATION_FEE_CENTS = 9500

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

COUNTRY_OF_SCHOOL = {
    "Cairo University": ("Egypt", "Égypte"),
    "University of Lagos": ("Nigeria", "Nigeria"),
    "Aga Khan University": ("Pakistan", "Pakistan"),
    "All India Institute of Medical Sciences": ("India", "Inde"),
    "University of the Philippines": ("Philippines", "Philippines"),
    "Université Saint-Joseph (Beyrouth)": ("Lebanon", "Liban"),
    "Université de Paris": ("France", "France"),
    "Royal College of Surgeons in Ireland": ("Ireland", "Irlande"),
    "St. George's University": ("Grenada", "Grenade"),
    "Universidad de Buenos Aires": ("Argentina", "Argentine"),
    "Tehran University of Medical Sciences": ("Iran", "Iran"),
    "Université d'Alger": ("Algeria", "Algérie"),
    "University of Nairobi": ("Kenya", "Kenya"),
    "Jagiellonian University": ("Poland", "Pologne"),
    "Ross University": ("Barbados", "Barbade"),
}
CANADA = ("Canada", "Canada")
USA = ("United States", "États-Unis")

REFEREES = [
    "Dr. Marie Lavoie",
    "Dr. Samuel Okafor",
    "Dr. Priya Raman",
    "Dr. Jean-François Côté",
    "Dr. Emily MacLeod",
    "Dr. Karim Haddad",
    "Dr. Isabelle Fortin",
    "Dr. David Chen",
    "Dr. Nathalie Bergeron",
    "Dr. Olumide Adeyemi",
    "Dr. Sarah Goldberg",
    "Dr. Louis-Philippe Roy",
]

REJECTION_REASON = {
    "en": "The file shows only the first page of your CV. Upload the complete CV as one PDF.",
    "fr": (
        "Le fichier ne contient que la première page de votre CV. Téléversez le CV complet en "
        "un seul PDF."
    ),
}

LETTER = {
    "en": (
        "Dear members of the selection committee,\n\n"
        "I am applying to {program} because I want to train where {city} meets the communities "
        "it serves. My clinical rotations taught me the value of continuity of care and of "
        "working in a team with nurses, pharmacists and social workers. I would bring to your "
        "program my experience in {school}, my curiosity for research and my commitment to "
        "patients.\n\nThank you for considering my application.\n\n{name}"
    ),
    "fr": (
        "Mesdames et Messieurs les membres du comité de sélection,\n\n"
        "Je présente ma candidature au programme {program}, car je souhaite me former là où "
        "{city} rejoint les communautés qu'elle dessert. Mes stages m'ont appris la valeur de "
        "la continuité des soins et du travail d'équipe avec le personnel infirmier, les "
        "pharmaciens et les travailleurs sociaux. J'apporterais à votre programme mon "
        "expérience à {school}, ma curiosité pour la recherche et mon engagement envers les "
        "patients.\n\nJe vous remercie de l'attention portée à ma candidature.\n\n{name}"
    ),
}


STREETS = [
    "rue Saint-Denis",
    "Bloor Street West",
    "Jasper Avenue",
    "Main Street",
    "boulevard René-Lévesque",
]
REQUEST_MESSAGE_FR = (
    "Merci d'avoir accepté de rédiger une lettre de recommandation pour mes candidatures en "
    "résidence."
)
ANSWER_EN = (
    "I supervised the applicant during a four-week rotation: a reliable, kind and thorough "
    "colleague."
)
ANSWER_FR = (
    "J'ai supervisé le candidat pendant un stage de quatre semaines : un collègue fiable, "
    "bienveillant et rigoureux."
)


def demo_pdf() -> bytes:
    """One small, valid, one-page PDF (built with pikepdf), reused for every demo document."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    text = (
        b"BT /F1 18 Tf 72 720 Td (Jumelage - demo document) Tj ET\n"
        b"BT /F1 11 Tf 72 696 Td (Document de demonstration - R-1 2027) Tj ET\n"
    )
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(text),
        )
    )
    pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --- Organisations ----------------------------------------------------------------------------

#: Names as the organisations write them (bilingual where they have two official names).
THIRD_PARTIES = [
    ("Medical Council of Canada / Conseil médical du Canada", OrganisationKind.MCC, ""),
    ("Acuity Insights (Casper)", OrganisationKind.CASPER, ""),
    ("FMProC", OrganisationKind.FMPROC, ""),
    ("AIMG Program (Alberta)", OrganisationKind.PROVINCIAL_BODY, "AB"),
    ("BC-CAP (British Columbia)", OrganisationKind.PROVINCIAL_BODY, "BC"),
    ("Bureau de coopération interuniversitaire (BCI)", OrganisationKind.PROVINCIAL_BODY, "QC"),
    ("Traductions Jumelage inc.", OrganisationKind.TRANSLATOR, ""),
]


def create_organisations(schools: dict[str, School]) -> dict[str, Organisation]:
    """Each faculty, the MCC, Casper, FMProC, each provincial body and one translator, each with
    an API token issued through ``integrations.services`` (the raw tokens are not kept:
    ``demo_logins`` issues a fresh one to print)."""
    rows = [
        Organisation(
            name=(
                school.name_en
                if school.name_en == school.name_fr
                else f"{school.name_en} / {school.name_fr}"
            ),
            kind=OrganisationKind.SCHOOL,
            school=school,
        )
        for school in schools.values()
    ]
    rows += [Organisation(name=n, kind=k, province=p) for n, k, p in THIRD_PARTIES]
    organisations = Organisation.objects.bulk_create(rows)
    for organisation in organisations:
        token_issue(actor=None, organisation=organisation)
    by_key: dict[str, Organisation] = {}
    for organisation in organisations:
        if organisation.kind == OrganisationKind.SCHOOL:
            by_key[f"school:{organisation.school.code}"] = organisation  # type: ignore[union-attr]
        elif organisation.kind == OrganisationKind.PROVINCIAL_BODY:
            by_key[f"province:{organisation.province}"] = organisation
        else:
            by_key[str(organisation.kind)] = organisation
    return by_key


def organisation_for_demo(kind: str) -> Organisation | None:
    return Organisation.objects.filter(kind=kind, active=True).order_by("pk").first()


# --- Provincial lists -------------------------------------------------------------------------


def provincial_csv(rows: list[tuple[str, str]]) -> bytes:
    lines = ["matching_id,family_name", *(f"{m},{f}" for m, f in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- My Information ---------------------------------------------------------------------------


def _d(year: int, month: int, day: int = 1) -> str:
    return dt.date(year, month, day).isoformat()


def _entries(
    rng: random.Random, p: ApplicantProfile, lang: str, *, fr_name: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Valid entries for every section the applicant has something for, in ``lang``."""
    en = lang == "en"
    img = p.stream == Stream.IMG
    school = p.medical_school_name
    country = COUNTRY_OF_SCHOOL.get(school, USA if p.medical_school_region == "usa" else CANADA)
    country_name = country[0] if en else country[1]
    grad = p.graduation_year
    start_md = grad - 4
    discipline = rng.choice(list(fr_name))
    discipline_name = discipline if en else fr_name[discipline]
    supervisor = rng.choice(REFEREES)
    out: dict[str, list[dict[str, Any]]] = {
        "personal": [
            {
                "date_of_birth": _d(
                    grad - rng.randint(24, 30), rng.randint(1, 12), rng.randint(1, 28)
                ),
                "phone": f"+1 {rng.choice(['416', '514', '403', '604', '613', '902'])} 555 "
                f"{rng.randint(1000, 9999)}",
                "address": f"{rng.randint(10, 999)} {rng.choice(STREETS)}",
                "country": "Canada",
                **(
                    {"pronouns": rng.choice(["she/her", "he/him", "they/them"])}
                    if en and rng.random() < 0.4
                    else {}
                ),
            }
        ],
        "language_skills": [
            {
                "language": "en",
                "speaking": "native" if en else "advanced",
                "reading": "native" if en else "advanced",
                "writing": "advanced",
            },
            {
                "language": "fr",
                "speaking": "native" if not en else rng.choice(["basic", "intermediate"]),
                "reading": "native" if not en else "intermediate",
                "writing": "advanced" if not en else "basic",
            },
        ],
        "licensure": [
            {
                "jurisdiction": country_name if img else "Ontario",
                "licence_type": (
                    ("Full licence to practise" if en else "Permis d'exercice complet")
                    if img
                    else (
                        "Educational registration"
                        if en
                        else "Immatriculation de l'étudiant en médecine"
                    )
                ),
                "number": f"{rng.randint(10000, 99999)}",
                "start": _d(grad if img else start_md, 7),
            }
        ],
        "non_medical_education": [
            {
                "institution": rng.choice(
                    [
                        "McGill University",
                        "University of Toronto",
                        "Université Laval",
                        "University of British Columbia",
                    ]
                )
                if not img
                else school,
                "degree": "BSc" if en else "Baccalauréat en sciences",
                "field": rng.choice(
                    [
                        ("Physiology", "Physiologie"),
                        ("Biochemistry", "Biochimie"),
                        ("Kinesiology", "Kinésiologie"),
                    ]
                )[0 if en else 1],
                "country": country_name,
                "start": _d(start_md - 4, 9),
                "end": _d(start_md, 5, 31),
            }
        ],
        "medical_education": [
            {
                "school": school,
                "country": country_name,
                "degree": ("MBBCh" if img else "MD")
                if en
                else ("Doctorat en médecine" if not img else "MBBCh"),
                "start": _d(start_md, 9),
                "end": _d(grad, 6, 15) if img else "",
            }
        ],
        "non_clinical_training": [
            {
                "title": "Quality improvement and patient safety"
                if en
                else "Amélioration de la qualité et sécurité des patients",
                "institution": "Institute for Healthcare Improvement"
                if en
                else "Institut pour l'amélioration des soins de santé",
                "start": _d(grad - 1, 1),
                "end": _d(grad - 1, 4, 30),
                "description": (
                    "An online course with a project on medication reconciliation."
                    if en
                    else "Un cours en ligne avec un projet sur le bilan comparatif des médicaments."
                ),
            }
        ],
        "mcc_exams": [
            {
                "exam": "mccqe1",
                "date": _d(min(grad, 2026), 4, 22),
                "result": "pass",
                "score": str(rng.randint(230, 290)),
            },
            *(
                [
                    {
                        "exam": "nac",
                        "date": _d(2025, 9, 14),
                        "result": "pass",
                        "score": str(rng.randint(65, 85)),
                    }
                ]
                if img
                else []
            ),
        ],
        "work": [
            {
                "employer": (
                    ("General hospital of " if en else "Hôpital général de ") + country_name
                )
                if img
                else ("Canadian Blood Services" if en else "Société canadienne du sang"),
                "role": ("General practitioner" if en else "Médecin généraliste")
                if img
                else ("Clinic assistant (summer job)" if en else "Aide en clinique (emploi d'été)"),
                "start": _d(grad if img else start_md - 1, 6),
                "end": _d(2025 if img else start_md - 1, 8, 31),
                "description": (
                    "Outpatient and emergency care." if en else "Soins ambulatoires et d'urgence."
                )
                if img
                else (
                    "Patient intake and donor follow-up."
                    if en
                    else "Accueil et suivi des donneurs."
                ),
            }
        ],
        "research": [
            {
                "title": rng.choice(
                    [
                        (
                            "Readmissions after heart failure in rural hospitals",
                            "Réadmissions après une insuffisance cardiaque en milieu rural",
                        ),
                        (
                            "Screening for diabetic retinopathy in primary care",
                            "Dépistage de la rétinopathie diabétique en soins primaires",
                        ),
                        (
                            "Antibiotic stewardship in long-term care",
                            "Gestion des antibiotiques en soins de longue durée",
                        ),
                    ]
                )[0 if en else 1],
                "institution": school,
                "supervisor": supervisor,
                "start": _d(start_md + 1, 5),
                "end": _d(start_md + 2, 8, 31),
                "description": "Chart review and data analysis."
                if en
                else "Revue de dossiers et analyse des données.",
            }
        ],
        "volunteer": [
            {
                "organisation": rng.choice(
                    [
                        ("Canadian Red Cross", "Croix-Rouge canadienne"),
                        ("Big Brothers Big Sisters", "Grands Frères Grandes Sœurs"),
                        ("Student-run free clinic", "Clinique étudiante gratuite"),
                    ]
                )[0 if en else 1],
                "role": "Volunteer" if en else "Bénévole",
                "start": _d(start_md, 10),
                "description": "Two evenings a month." if en else "Deux soirées par mois.",
            }
        ],
        "publications": [
            {
                "kind": rng.choice(["article", "poster", "presentation"]),
                "title": rng.choice(
                    [
                        (
                            "Outcomes of a nurse-led clinic",
                            "Résultats d'une clinique dirigée par des infirmières",
                        ),
                        (
                            "A case of atypical Kawasaki disease",
                            "Un cas de maladie de Kawasaki atypique",
                        ),
                    ]
                )[0 if en else 1],
                "citation": rng.choice(
                    [
                        "CMAJ Open 2025;13(2):E101-8",
                        "Can Fam Physician 2024;70:455-60",
                        "Journées de la recherche, Université Laval, 2025",
                    ]
                ),
                "year": rng.choice([2024, 2025]),
            }
        ],
        "achievements": [
            {
                "title": rng.choice(
                    [
                        ("Marathon running", "Course de fond (marathon)"),
                        ("Classical piano", "Piano classique"),
                        ("Dean's list", "Palmarès du doyen"),
                    ]
                )[0 if en else 1],
                "year": rng.choice([2022, 2023, 2024]),
            }
        ],
        "certificates": [
            {
                "name": "ACLS",
                "issuer": "Heart and Stroke Foundation" if en else "Cœur + AVC",
                "date": _d(2025, 3, 10),
                "expires": _d(2027, 3, 10),
            }
        ],
        "situational_judgement": [{"test": "casper", "date": _d(2026, 8, 15)}],
    }
    if img:
        out["postgraduate_training"] = [
            {
                "institution": f"{school} Hospital" if en else f"Hôpital de {school}",
                "discipline": discipline_name,
                "country": country_name,
                "start": _d(grad + 1, 7),
                "end": _d(grad + 3, 6, 30),
                "completed": True,
            }
        ]
        out["language_tests"] = [
            {
                "test": "ielts" if en else "tef",
                "date": _d(2025, 11, 2),
                "score": "8.0" if en else "C1",
            }
        ]
    else:
        out["clinical_electives"] = [
            {
                "institution": rng.choice(
                    [
                        "Toronto General Hospital",
                        "Hôpital Notre-Dame",
                        "Foothills Medical Centre",
                        "Vancouver General Hospital",
                    ]
                ),
                "discipline": discipline_name,
                "supervisor": supervisor,
                "start": _d(grad - 1, 9, 2),
                "end": _d(grad - 1, 9, 27),
            }
        ]
    return out


@dataclass
class FileResult:
    counts: dict[str, int]
    receipt: int


def load_files(
    *,
    rng: random.Random,
    cycle: Cycle,
    schedule: FeeSchedule,
    profiles: list[ApplicantProfile],
    users: list[User],
    applications: list[Application],
    organisations: dict[str, Organisation],
    schools: dict[str, School],
    admin: User,
    disciplines_fr: dict[str, str],
    now: dt.datetime,
    receipt: int,
) -> FileResult:
    """My Information, documents, citizenship, translations, letters and references."""
    storage = storages["private"]
    pdf = demo_pdf()
    sha = hashlib.sha256(pdf).hexdigest()
    school_by_name = {s.name_en: s for s in schools.values()}
    apps_of: dict[int, list[Application]] = {}
    for a in applications:
        apps_of.setdefault(a.applicant_id, []).append(a)
    lang_of = {u.pk: u.language for u in users}

    amina, julien = profiles[0], profiles[1]
    with_file = [p for i, p in enumerate(profiles) if i < 3 or i % FILE_SHARE == 0]

    # --- Application languages and My Information ---------------------------------------
    changed = []
    for p in with_file:
        language = lang_of[p.user_id]
        if p is julien or rng.random() < 0.06:
            p.application_languages = ApplicationLanguages.BOTH
        else:
            p.application_languages = ApplicationLanguages.FR if language == "fr" else "en"
        changed.append(p)
    ApplicantProfile.objects.bulk_update(changed, ["application_languages"], batch_size=500)

    entries: list[FileEntry] = []
    waivers: list[SectionWaiver] = []
    optional = [s.key for s in SECTIONS if not s.required]
    complete_share = 0.6
    incomplete_applicants: set[int] = {julien.pk}
    for p in with_file:
        complete = p is amina or (p is not julien and rng.random() < complete_share)
        if not complete:
            incomplete_applicants.add(p.pk)
        filled: set[str] = set()
        for n, lang in enumerate(p.languages):
            data = _entries(rng, p, lang, fr_name=disciplines_fr)
            if not complete and (n == len(p.languages) - 1):
                # An incomplete file: a few required sections not filled in (in the last
                # language for a bilingual file), an if-it-applies section left open.
                keys = ["research", "publications", "volunteer", "achievements", "work"]
                for key in rng.sample(keys, k=rng.randint(1, 3)):
                    data.pop(key, None)
            filled |= set(data)
            for key, rows in data.items():
                for position, row in enumerate(rows):
                    entries.append(
                        FileEntry(
                            applicant=p,
                            section=key,
                            language=lang,
                            position=position,
                            data={k: v for k, v in row.items() if v not in ("", None)},
                        )
                    )
        left_open = rng.choice(optional) if not complete else None
        for key in optional:
            if key not in filled and key != left_open:
                waivers.append(SectionWaiver(applicant=p, section=key))
    FileEntry.objects.bulk_create(entries, batch_size=2000)
    SectionWaiver.objects.bulk_create(waivers, batch_size=2000)

    # --- Documents ------------------------------------------------------------------------
    def stored(p: ApplicantProfile) -> str:
        return storage.save(f"documents/{p.pk}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))

    docs: list[Document] = []
    history: list[tuple[Document, list[str], Organisation | None, User | None]] = []

    def add(
        p: ApplicantProfile,
        doc_type: str,
        source: str,
        status: str,
        *,
        language: str,
        organisation: Organisation | None = None,
        title: str = "",
        reason: str = "",
        in_cycle: bool = True,
        translation_of: Document | None = None,
    ) -> Document:
        has_file = status != DocumentStatus.REQUESTED
        days = rng.randint(95, 140)
        doc = Document(
            applicant=p,
            cycle=cycle if in_cycle else None,
            type=doc_type,
            source=source,
            language=language,
            title=title,
            status=status,
            rejected_reason=reason,
            organisation=organisation,
            translation_of=translation_of,
        )
        if has_file:
            doc.file = stored(p)
            doc.sha256, doc.size, doc.mime = sha, len(pdf), "application/pdf"
            doc.original_filename = f"{doc_type}.pdf"
            doc.scan = ScanResult.NOT_SCANNED
            doc.uploaded_at = now - dt.timedelta(days=days)
            doc.uploaded_by = p.user if source == Source.APPLICANT else None
        first = DocumentStatus.UPLOADED if source == Source.APPLICANT else DocumentStatus.RECEIVED
        steps = {
            DocumentStatus.REQUESTED: [DocumentStatus.REQUESTED],
            DocumentStatus.UPLOADED: [DocumentStatus.UPLOADED],
            DocumentStatus.RECEIVED: [DocumentStatus.RECEIVED],
            DocumentStatus.PROCESSED: [first, DocumentStatus.PROCESSED],
            DocumentStatus.REJECTED: [first, DocumentStatus.REJECTED],
        }[status]
        docs.append(doc)
        history.append((doc, steps, organisation, admin))
        return doc

    verifications: list[StatusVerification] = []
    mcc = organisations["mcc"]
    casper = organisations["casper"]
    fmproc = organisations["fmproc"]
    mspr_of: dict[int, Document] = {}
    for p in with_file:
        lang = p.languages[0]
        img = p.stream == Stream.IMG
        school = school_by_name.get(p.medical_school_name)
        school_org = organisations.get(f"school:{school.code}") if school else None
        # CV: uploaded by the applicant; Julien's was rejected (one page only).
        if p is julien:
            add(
                p,
                DocumentType.CV,
                Source.APPLICANT,
                DocumentStatus.REJECTED,
                language=lang,
                reason=REJECTION_REASON[lang_of[p.user_id]],
            )
        else:
            add(
                p,
                DocumentType.CV,
                Source.APPLICANT,
                DocumentStatus.PROCESSED if rng.random() < 0.7 else DocumentStatus.UPLOADED,
                language=lang,
            )
        # MSPR and transcript: sent by a Canadian faculty; IMGs upload their own.
        if school_org is not None and not img:
            status = (
                DocumentStatus.REQUESTED
                if p is julien or rng.random() < 0.1
                else rng.choice([DocumentStatus.RECEIVED, DocumentStatus.PROCESSED])
            )
            school_lang = "fr" if school.province == Province.QC and school.code != "MCG" else "en"  # type: ignore[union-attr]
            mspr_of[p.pk] = add(
                p,
                DocumentType.MSPR,
                Source.SCHOOL,
                status,
                language=school_lang,
                organisation=school_org,
            )
            add(
                p,
                DocumentType.TRANSCRIPT,
                Source.SCHOOL,
                DocumentStatus.PROCESSED,
                language=school_lang,
                organisation=school_org,
            )
        else:
            mspr_of[p.pk] = add(
                p, DocumentType.MSPR, Source.APPLICANT, DocumentStatus.PROCESSED, language="en"
            )
            add(
                p,
                DocumentType.TRANSCRIPT,
                Source.APPLICANT,
                DocumentStatus.PROCESSED,
                language="en",
            )
        # Third parties: Casper for most, FMProC for some, MCC exam results for IMGs.
        if p is amina or rng.random() < 0.75:
            add(
                p,
                DocumentType.CASPER,
                Source.THIRD_PARTY,
                DocumentStatus.RECEIVED,
                language=lang,
                organisation=casper,
            )
        if rng.random() < 0.2:
            add(
                p,
                DocumentType.FMPROC,
                Source.THIRD_PARTY,
                DocumentStatus.RECEIVED,
                language=lang,
                organisation=fmproc,
            )
        if img:
            add(
                p,
                DocumentType.MCC_EXAM,
                Source.THIRD_PARTY,
                DocumentStatus.RECEIVED,
                language="en",
                organisation=mcc,
            )
        # Citizenship: IMGs through the MCC; CMGs by an uploaded proof; Julien pending review.
        if img:
            verifications.append(
                StatusVerification(
                    applicant=p,
                    source=VerificationSource.MCC,
                    state=VerificationState.VERIFIED,
                    valid_until=(now + dt.timedelta(days=rng.randint(400, 1500))).date(),
                    organisation=mcc,
                    decided_at=now - dt.timedelta(days=rng.randint(30, 120)),
                )
            )
        else:
            pending = p is julien
            proof = add(
                p,
                DocumentType.CITIZENSHIP,
                Source.APPLICANT,
                DocumentStatus.UPLOADED if pending else DocumentStatus.PROCESSED,
                language=lang,
                in_cycle=False,
            )
            verifications.append(
                StatusVerification(
                    applicant=p,
                    source=VerificationSource.DOCUMENT,
                    state=VerificationState.PENDING if pending else VerificationState.VERIFIED,
                    document=proof,
                    decided_at=None if pending else now - dt.timedelta(days=rng.randint(30, 120)),
                    decided_by=None if pending else admin,
                )
            )
    # The other applicants: most already verified by the MCC (no document to show).
    in_file = {p.pk for p in with_file}
    for p in profiles:
        if p.pk not in in_file and rng.random() < 0.9:
            verifications.append(
                StatusVerification(
                    applicant=p,
                    source=VerificationSource.MCC,
                    state=VerificationState.VERIFIED,
                    valid_until=(now + dt.timedelta(days=rng.randint(400, 1500))).date(),
                    organisation=mcc,
                    decided_at=now - dt.timedelta(days=rng.randint(30, 120)),
                )
            )

    # --- Translations of an MSPR (the platform's service, fee charged) ----------------------
    translator = organisations["translator"]
    AdministrativeFee.objects.create(
        schedule=schedule,
        code=TRANSLATION_FEE_CODE,
        label_en="Translation of the MSPR",
        label_fr="Traduction du dossier de rendement (MSPR)",
        amount_cents=TRANSLATION_FEE_CENTS,
    )
    translatable = [
        p
        for p in with_file
        if p is not amina
        and mspr_of[p.pk].status in (DocumentStatus.PROCESSED, DocumentStatus.RECEIVED)
    ]
    translations = [(amina, TranslationState.IN_PROGRESS)]
    translations += [
        (p, s)
        for p, s in zip(
            translatable[:2], [TranslationState.REQUESTED, TranslationState.DELIVERED], strict=False
        )
    ]
    ledger: list[LedgerEntry] = []
    planned: list[tuple[Document, Document, str, LedgerEntry]] = []
    for p, state in translations:
        original = mspr_of[p.pk]
        target = "fr" if original.language == "en" else "en"
        translated = add(
            p,
            DocumentType.MSPR,
            Source.THIRD_PARTY,
            DocumentStatus.RECEIVED
            if state == TranslationState.DELIVERED
            else DocumentStatus.REQUESTED,
            language=target,
            organisation=translator if state == TranslationState.DELIVERED else None,
            # Titled in the language of the translation itself.
            title=(
                "Translation of MSPR (dean's letter)"
                if target == "en"
                else "Traduction du MSPR (lettre du doyen)"
            ),
            translation_of=original,
        )
        receipt += 1
        entry = LedgerEntry(
            applicant=p,
            cycle=cycle,
            kind=EntryKind.CHARGE,
            amount_cents=TRANSLATION_FEE_CENTS,
            description="Translation of the MSPR",
            code=TRANSLATION_FEE_CODE,
            receipt_number=f"R27-{receipt:06d}",
        )
        ledger.append(entry)
        planned.append((original, translated, state, entry))

    # Originals must exist before their translations point at them.
    originals = [d for d in docs if d.translation_of is None]
    Document.objects.bulk_create(originals, batch_size=1000)
    for d in docs:
        if d.translation_of is not None:
            d.translation_of_id = d.translation_of.pk
    Document.objects.bulk_create([d for d in docs if d.translation_of is not None])
    DocumentStatusChange.objects.bulk_create(
        [
            DocumentStatusChange(
                document=doc,
                status=status,
                reason=doc.rejected_reason if status == DocumentStatus.REJECTED else "",
                organisation=organisation if status == DocumentStatus.RECEIVED else None,
                actor=(
                    staff
                    if status in (DocumentStatus.PROCESSED, DocumentStatus.REJECTED)
                    else (doc.applicant.user if status == DocumentStatus.UPLOADED else None)
                ),
            )
            for doc, steps, organisation, staff in history
            for status in steps
        ],
        batch_size=2000,
    )
    StatusVerification.objects.bulk_create(verifications, batch_size=1000)
    LedgerEntry.objects.bulk_create(ledger)
    deadline = now - dt.timedelta(days=90)
    TranslationRequest.objects.bulk_create(
        [
            TranslationRequest(
                document=original,
                translation=translated,
                from_language=original.language,
                to_language=translated.language,
                state=state,
                due_at=deadline,
                fee_cents=TRANSLATION_FEE_CENTS,
                ledger_entry=entry,
                translator=None if state == TranslationState.REQUESTED else translator,
                delivered_at=deadline - dt.timedelta(days=4)
                if state == TranslationState.DELIVERED
                else None,
            )
            for original, translated, state, entry in planned
        ]
    )

    # Assignments: the CV, MSPR and transcript go with every application (test results are
    # left for the applicant to assign).
    assignable = {DocumentType.CV, DocumentType.MSPR, DocumentType.TRANSCRIPT}
    assignments = [
        DocumentAssignment(document=d, application=a)
        for d in docs
        if d.cycle_id
        and d.type in assignable
        and d.translation_of_id is None
        and d.status not in (DocumentStatus.REQUESTED, DocumentStatus.REJECTED)
        for a in apps_of.get(d.applicant_id, [])
    ]
    DocumentAssignment.objects.bulk_create(assignments, batch_size=2000)

    # Personal letters: one for the first program chosen, assigned (locked) for most.
    letters = []
    for p in with_file:
        chosen = apps_of.get(p.pk, [])
        if not chosen:
            continue
        program = chosen[0].program
        lang = p.languages[0]
        letters.append(
            PersonalLetter(
                applicant=p,
                program=program,
                language=lang,
                text=LETTER[lang].format(
                    program=program.name_en if lang == "en" else program.name_fr,
                    city=program.school.city,
                    school=p.medical_school_name,
                    name=p.display_name,
                ),
                assigned_at=now - dt.timedelta(days=95)
                if p is amina or rng.random() < 0.7
                else None,
            )
        )
    PersonalLetter.objects.bulk_create(letters, batch_size=1000)

    # --- References ---------------------------------------------------------------------------
    used: set[str] = set()

    def ref_id() -> str:
        while True:
            candidate = "REF-" + "".join(rng.choice(_REF_ALPHABET) for _ in range(6))
            if candidate not in used:
                used.add(candidate)
                return candidate

    requests: list[ReferenceRequest] = []
    contents: list[tuple[ReferenceRequest, dict[str, Any]]] = []
    assign_to: list[tuple[ReferenceRequest, Application]] = []
    for p in with_file:
        lang = lang_of[p.user_id]
        chosen = apps_of.get(p.pk, [])
        discipline = chosen[0].program.discipline if chosen else None
        names = rng.sample(REFEREES, k=4)
        plan = [
            (ReferenceKind.NARRATIVE, ReferenceState.RECEIVED, Delivery.EMAIL),
            (ReferenceKind.STRUCTURED, ReferenceState.RECEIVED, Delivery.EMAIL),
            (
                ReferenceKind.NARRATIVE,
                ReferenceState.SENT,
                Delivery.COVER_SHEET if p is julien else Delivery.EMAIL,
            ),
        ]
        if p in (amina, julien) or rng.random() < 0.35:
            plan.append((ReferenceKind.SUPPORT_FORM, ReferenceState.DRAFT, Delivery.EMAIL))
        if p is julien or (p is not amina and rng.random() < 0.05):
            plan.append((ReferenceKind.NARRATIVE, ReferenceState.WITHDRAWN, Delivery.EMAIL))
        for n, (kind, state, delivery) in enumerate(plan):
            name = names[n % len(names)]
            email = (
                PERSONA_REFEREE_EMAIL
                if p is amina and state == ReferenceState.SENT
                else f"referee.{p.pk}.{n}@hospital.demo.jumelage.ca"
            )
            sent = now - dt.timedelta(days=rng.randint(100, 140))
            request = ReferenceRequest(
                reference_id=ref_id(),
                applicant=p,
                cycle=cycle,
                kind=kind,
                referee_name=name,
                referee_email=email if delivery == Delivery.EMAIL else "",
                referee_language=rng.choice(["en", "fr"]) if lang == "fr" else "en",
                discipline=discipline if kind == ReferenceKind.STRUCTURED else None,
                message=(
                    "Thank you for agreeing to write a reference for my residency applications."
                    if lang == "en"
                    else REQUEST_MESSAGE_FR
                ),
                delivery=delivery,
                state=state,
                sent_at=None if state == ReferenceState.DRAFT else sent,
                received_at=sent + dt.timedelta(days=rng.randint(5, 20))
                if state == ReferenceState.RECEIVED
                else None,
                withdrawn_at=sent + dt.timedelta(days=3)
                if state == ReferenceState.WITHDRAWN
                else None,
            )
            requests.append(request)
            if state == ReferenceState.RECEIVED:
                if kind == ReferenceKind.NARRATIVE:
                    name_ = storage.save(
                        f"references/{cycle.pk}/{request.reference_id}-{uuid.uuid4().hex}.pdf",
                        ContentFile(pdf),
                    )
                    contents.append(
                        (request, {"file_name": name_, "file_size": len(pdf), "sha256": sha})
                    )
                else:
                    questions = (
                        DEFAULT_STRUCTURED if kind == ReferenceKind.STRUCTURED else SUPPORT_FORM
                    )
                    answers = {
                        q["key"]: (
                            rng.randint(3, 5)
                            if q["type"] == "rating"
                            else (ANSWER_EN if request.referee_language == "en" else ANSWER_FR)
                        )
                        for q in questions
                    }
                    contents.append((request, {"answers": answers, "questions": questions}))
            # The narrative letter goes to every program, the structured letter to the
            # programs of its discipline, the letter still awaited to the first choices.
            if kind == ReferenceKind.STRUCTURED and state == ReferenceState.RECEIVED:
                assign_to += [(request, a) for a in chosen if a.program.discipline == discipline]
            elif state == ReferenceState.RECEIVED:
                assign_to += [(request, a) for a in chosen]
            elif state == ReferenceState.SENT:
                assign_to += [(request, a) for a in chosen[:3]]
    ReferenceRequest.objects.bulk_create(requests, batch_size=1000)
    ReferenceContent.objects.bulk_create(
        [ReferenceContent(request=r, submitted_at=r.received_at, **data) for r, data in contents],
        batch_size=1000,
    )
    ReferenceAssignment.objects.bulk_create(
        [ReferenceAssignment(request=r, application=a) for r, a in assign_to],
        batch_size=2000,
    )
    # The early letter, recorded by the match administrator for the persona to claim.
    from references.services import reference_placeholder_create

    reference_placeholder_create(
        actor=admin,
        cycle=cycle,
        referee_name=EARLY_LETTER_REFEREE,
        referee_email="h.gauthier@hospital.demo.jumelage.ca",
        intended_matching_id=amina.matching_id,
        uploaded_file=SimpleUploadedFile("early-letter.pdf", pdf, content_type="application/pdf"),
    )

    return FileResult(
        counts={
            "applicants_with_a_file": len(with_file),
            "file_entries": len(entries),
            "documents": len(docs),
            "reference_requests": len(requests) + 1,
            "organisations": len(organisations),
        },
        receipt=receipt,
    )
