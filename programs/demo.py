"""Demo data of the programs domain, loaded by ``matchruns.demo.load_demo``:

- every program gets its description as published version 1 (as the migration does for real
  data), except the persona program FM-UOFT, whose director wrote a full bilingual description
  that the PGME office approved (version 1), and who is now writing a new draft;
- IM-UOFT, at the same school, has a new description submitted and waiting for the PGME office
  (pgme@demo.jumelage.ca);
- FM-UOFT's reviewers: reviewer@demo.jumelage.ca active with full access (through an accepted
  invitation) and one invitation still pending.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from accounts.models import Role, RoleAssignment, User
from programs import services
from programs.models import (
    SECTION_KEYS,
    Program,
    PublishedDescription,
    ReviewerInvitation,
)

PERSONA_PROGRAM = "FM-UOFT"
SUBMITTED_PROGRAM = "IM-UOFT"
PENDING_REVIEWER = "resident.reviewer@demo.jumelage.ca"

FM_UOFT = {
    "goals_en": (
        "The Family Medicine program of the University of Toronto trains family physicians "
        "for urban, rural and remote practice across Ontario. Residents learn comprehensive, "
        "continuing care in teaching practices, with protected academic time every week."
    ),
    "goals_fr": (
        "Le programme de médecine familiale de l'Université de Toronto forme des médecins de "
        "famille pour la pratique urbaine, rurale et éloignée en Ontario. Les résidents "
        "apprennent les soins globaux et continus dans des cliniques d'enseignement, avec une "
        "demi-journée de formation théorique protégée chaque semaine."
    ),
    "selection_criteria_en": (
        "Commitment to family medicine, communication skills, experience with underserved "
        "communities, and the references of physicians who supervised you in clinical work."
    ),
    "selection_criteria_fr": (
        "Engagement envers la médecine familiale, habiletés de communication, expérience "
        "auprès de communautés mal desservies, et lettres de médecins qui vous ont supervisé "
        "en clinique."
    ),
    "file_review_en": (
        "Two faculty members and one resident read each complete file and score it on the "
        "program's criteria. Files are read in the applicant's language."
    ),
    "file_review_fr": (
        "Deux professeurs et un résident lisent chaque dossier complet et le notent selon les "
        "critères du programme. Les dossiers sont lus dans la langue du candidat."
    ),
    "interviews_en": (
        "Virtual interviews of 30 minutes with two interviewers, during the national "
        "interview period. Invitations are sent to all selected applicants at the same time."
    ),
    "interviews_fr": (
        "Entrevues virtuelles de 30 minutes avec deux intervieweurs pendant la période "
        "nationale d'entrevues. Les invitations sont envoyées en même temps à tous les "
        "candidats sélectionnés."
    ),
    "documents_en": (
        "CV, medical student performance record (MSPR), medical school transcript, a personal "
        "letter, and three reference letters, two of them from family physicians."
    ),
    "documents_fr": (
        "CV, dossier de rendement de l'étudiant en médecine (DREM), relevé de notes, lettre de "
        "motivation et trois lettres de recommandation, dont deux de médecins de famille."
    ),
    "language_en": "Training is in English.",
    "language_fr": "La formation est offerte en anglais.",
    "return_of_service_en": (
        "IMG positions carry a return of service in Ontario as set by the province."
    ),
    "return_of_service_fr": (
        "Les postes réservés aux DIM comportent un service post-formation en Ontario, fixé "
        "par la province."
    ),
    "sites_en": "Toronto Western Hospital, St. Michael's Hospital, Barrie, Newmarket.",
    "sites_fr": "Hôpital Toronto Western, Hôpital St. Michael's, Barrie, Newmarket.",
}
DRAFT_CHANGES = {
    "interviews_en": (
        "Virtual interviews of 30 minutes with two interviewers. New this year: applicants "
        "pick their own slot on Jumelage once invitations are released."
    ),
    "interviews_fr": (
        "Entrevues virtuelles de 30 minutes avec deux intervieweurs. Nouveau cette année : "
        "les candidats choisissent leur plage horaire sur Jumelage dès la diffusion des "
        "invitations."
    ),
}


def _content_for(program: Program) -> dict[str, str]:
    """A complete description for ``program`` from its existing text (the demo's IM-UOFT)."""
    content = {f"{key}_{lang}": "" for key in SECTION_KEYS for lang in ("en", "fr")}
    content.update(
        {k: v for k, v in FM_UOFT.items() if not k.startswith(("goals", "sites"))},
        goals_en=program.description_en,
        goals_fr=program.description_fr,
        sites_en=program.sites,
        sites_fr=program.sites,
        interviews_en="Virtual interviews with three faculty members, in January.",
        interviews_fr="Entrevues virtuelles avec trois professeurs, en janvier.",
    )
    return content


def load(*, cycle: Any, iteration: Any, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    from allauth.account.models import EmailAddress

    from matchruns.demo import DOMAIN

    programs = {p.code: p for p in Program.objects.filter(cycle=cycle).select_related("school")}
    PublishedDescription.objects.bulk_create(
        [
            PublishedDescription(
                program=p,
                version=1,
                approved_at=now - dt.timedelta(days=200),
                imported=True,
                goals_en=p.description_en,
                goals_fr=p.description_fr,
                sites_en=p.sites,
                sites_fr=p.sites,
                training_language=p.language,
            )
            for code, p in programs.items()
            if code != PERSONA_PROGRAM
        ],
        batch_size=500,
    )
    people = {
        u.email: u
        for u in User.objects.filter(
            email__in=[f"{who}@{DOMAIN}" for who in ("director", "pgme", "reviewer")]
        )
    }
    director, pgme = people[f"director@{DOMAIN}"], people[f"pgme@{DOMAIN}"]
    reviewer = people[f"reviewer@{DOMAIN}"]

    # FM-UOFT: version 1 approved by the PGME office, then a new draft in progress.
    fm = programs[PERSONA_PROGRAM]
    working = services.description_save(
        actor=director, program=fm, content=FM_UOFT, training_language=fm.language
    )
    working = services.description_submit(actor=director, program=fm, revision=working.revision)
    services.description_approve(actor=pgme, program=fm, revision=working.revision)
    services.description_save(
        actor=director,
        program=fm,
        content={**FM_UOFT, **DRAFT_CHANGES},
        training_language=fm.language,
    )

    # IM-UOFT: a new description waiting for the PGME office.
    im = programs[SUBMITTED_PROGRAM]
    im_director = User.objects.create(
        email=f"director.im@{DOMAIN}",
        first_name="Internal Medicine",
        last_name="Director",
        password=director.password,  # the demo password, already hashed
    )
    EmailAddress.objects.create(
        user=im_director, email=im_director.email, verified=True, primary=True
    )
    RoleAssignment.objects.create(user=im_director, role=Role.PROGRAM_DIRECTOR, program=im)
    working = services.description_save(
        actor=im_director, program=im, content=_content_for(im), training_language=im.language
    )
    services.description_submit(actor=im_director, program=im, revision=working.revision)

    # FM-UOFT's reviewers: reviewer@ active with full access, one invitation pending.
    ReviewerInvitation.objects.create(
        program=fm,
        email=reviewer.email,
        read_only=False,
        streams=[],
        language=reviewer.language,
        token_hash="0" * 64,  # used: no link opens it any more
        invited_by=director,
        sent_at=now - dt.timedelta(days=95),
        expires_at=now - dt.timedelta(days=81),
        accepted_at=now - dt.timedelta(days=94),
        accepted_by=reviewer,
    )
    services.reviewer_invite(
        actor=director,
        program=fm,
        email=PENDING_REVIEWER,
        read_only=True,
        streams=["IMG"],
        language="en",
    )
    return {
        "published_descriptions": PublishedDescription.objects.filter(program__cycle=cycle).count(),
        "reviewer_invitations": ReviewerInvitation.objects.filter(program__cycle=cycle).count(),
    }
