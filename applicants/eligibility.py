"""“Can I apply here?” — one answer, with its reasons, for an applicant and a program.

The stream and provincial-list rule of each quota is ``programs.selectors.quota_open_to`` (the
directory shows the same rule, the Québec particular contingent included); :func:`can_apply`
adds participation, citizenship, the language of training and return of service, and is what
``applications.services.application_select`` checks before choosing a quota.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from applicants.models import (
    ApplicantProfile,
    Citizenship,
    FileEntry,
    ReturnOfServiceAcknowledgement,
)
from core.choices import Province, Stream, TrainingLanguage

#: Language-skill levels that count as able to train in a language.
WORKING_LEVELS = {"advanced", "native"}


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    ok: bool
    warning: bool = False  # shown, but does not block


@dataclass
class Verdict:
    allowed: bool
    reasons: list[Reason] = field(default_factory=list)
    quota: Any = None  # the quota an application would go to

    @property
    def refusals(self) -> list[Reason]:
        return [r for r in self.reasons if not r.ok]

    @property
    def needs_ros_acknowledgement(self) -> bool:
        return any(r.code == "return_of_service" and not r.ok for r in self.reasons)


def ros_applies(applicant: ApplicantProfile, program: Any) -> bool:
    """Return of service binds the program's IMG positions."""
    return bool(program.return_of_service_years) and applicant.stream == Stream.IMG


def ros_terms(program: Any) -> str:
    """The terms as shown to the applicant (active language)."""
    province = Province(program.school.province).label
    years = program.return_of_service_years
    return _(
        "If you match to an IMG position of this program, you agree to practise in "
        "%(province)s for %(years)s years after your training (return of service). The "
        "province's return-of-service agreement is signed before you start residency."
    ) % {"province": province, "years": years}


def ros_version(program: Any) -> str:
    """Identifies the terms: an acknowledgement holds only for the terms that were shown."""
    return f"ros-1:{program.school.province}:{program.return_of_service_years}"


def ros_acknowledged(applicant: ApplicantProfile, program: Any) -> bool:
    return ReturnOfServiceAcknowledgement.objects.filter(
        applicant=applicant, program=program, text_version=ros_version(program)
    ).exists()


def declared_languages(applicant: ApplicantProfile) -> set[str]:
    """Languages (en, fr) the applicant declares speaking at a working level."""
    out = set()
    for data in FileEntry.objects.filter(
        applicant=applicant, section="language_skills"
    ).values_list("data", flat=True):
        if data.get("language") in ("en", "fr") and data.get("speaking") in WORKING_LEVELS:
            out.add(data["language"])
    return out


def can_apply(applicant: ApplicantProfile, program: Any, *, iteration: Any = None) -> Verdict:
    """May ``applicant`` apply to ``program`` (in ``iteration``, default the current one)?"""
    from applicants.selectors import language_names, participation_active
    from cycles.selectors import iteration_of
    from programs.selectors import eligible_provinces_of, quota_open_to

    cycle = program.cycle
    iteration = iteration or iteration_of(cycle)
    reasons: list[Reason] = []

    taking_part = participation_active(applicant, cycle)
    reasons.append(
        Reason(
            "participation",
            _("You take part in this match.")
            if taking_part
            else _("Accept the applicant contract first (you may also have withdrawn)."),
            taking_part,
        )
    )

    eligible_citizen = applicant.citizenship in (
        Citizenship.CITIZEN,
        Citizenship.PERMANENT_RESIDENT,
    )
    reasons.append(
        Reason(
            "citizenship",
            _("Canadian citizens and permanent residents may apply.")
            if eligible_citizen
            else _(
                "Only Canadian citizens and permanent residents may apply. If your status has "
                "changed, update it on your profile."
            ),
            eligible_citizen,
        )
    )
    if eligible_citizen:
        from documents.selectors import citizenship_verified

        if citizenship_verified(applicant):
            reasons.append(
                Reason("status_verified", _("Your citizenship or legal status is verified."), True)
            )
        else:
            reasons.append(
                Reason(
                    "status_verified",
                    _(
                        "Your citizenship or legal status is not verified yet: upload a proof "
                        "under My documents, or wait for the MCC to share it. Programs see "
                        "whether it is verified."
                    ),
                    True,
                    warning=True,
                )
            )

    provinces = eligible_provinces_of(applicant, cycle)
    quotas = [
        q for q in program.quotas.all() if iteration is None or q.iteration_id == iteration.pk
    ]
    chosen = None
    stream_reasons = []
    for quota in quotas:
        allowed, why = quota_open_to(applicant, quota, eligible_provinces=provinces)
        if allowed and chosen is None:
            chosen = quota
        if not allowed:
            stream_reasons.append(why)
    if chosen is not None:
        reasons.append(
            Reason(
                "stream",
                _("Positions for your stream are open to you: %(stream)s.")
                % {"stream": chosen.get_stream_display()},
                True,
            )
        )
    else:
        reasons.append(
            Reason(
                "stream",
                stream_reasons[0]
                if stream_reasons
                else _("This program has no position open to you."),
                False,
            )
        )

    if applicant.stream == Stream.IMG and not applicant.mcc_id:
        reasons.append(
            Reason(
                "mcc_id",
                _(
                    "You will need your MCC ID to submit your applications: add it under My "
                    "Information."
                ),
                True,
                warning=True,
            )
        )

    needed = {"en"} if program.language == TrainingLanguage.EN else {"fr"}
    if program.language == TrainingLanguage.BILINGUAL:
        needed = {"en", "fr"}
    missing = needed - declared_languages(applicant)
    if missing:
        reasons.append(
            Reason(
                "language",
                _(
                    "Training is in %(language)s and your language skills do not show an advanced "
                    "level in it. You may still apply; programs read your language skills."
                )
                % {"language": language_names().get(program.language, program.language)},
                True,
                warning=True,
            )
        )
    else:
        reasons.append(
            Reason(
                "language",
                _("Your language skills match the language of training (%(language)s).")
                % {"language": language_names().get(program.language, program.language)},
                True,
            )
        )

    if ros_applies(applicant, program):
        acknowledged = ros_acknowledged(applicant, program)
        reasons.append(
            Reason(
                "return_of_service",
                _("You acknowledged the return-of-service terms of this program.")
                if acknowledged
                else _(
                    "This program's IMG positions carry a return-of-service obligation of "
                    "%(years)s years: read and acknowledge the terms on the program's "
                    "“Can I apply here?” page before applying."
                )
                % {"years": program.return_of_service_years},
                acknowledged,
            )
        )
    return Verdict(allowed=all(r.ok for r in reasons), reasons=reasons, quota=chosen)
