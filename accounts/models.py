"""Users and the roles they hold."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import Province


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("en", _("English")), ("fr", _("French"))],
        default="en",
        help_text=_("E-mails are sent in this language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    PROGRAM_DIRECTOR = "program_director", _("Program director")
    PROGRAM_ADMINISTRATOR = "program_admin", _("Program administrator")
    FILE_REVIEWER = "file_reviewer", _("File reviewer")
    PGME_OFFICE = "pgme_office", _("Postgraduate medical education office")
    ASSESSMENT_BODY = "assessment_body", _("Provincial assessment body")
    MATCH_ADMINISTRATOR = "match_admin", _("Match administrator")


#: Roles held for one program.
PROGRAM_ROLES = {Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR, Role.FILE_REVIEWER}


class RoleAssignment(models.Model):
    """A role a user holds: per program, per school (PGME office), per province
    (assessment body) or for the whole match (administrator). Applicants hold no
    assignment: having an applicant profile is what makes an applicant."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    school = models.ForeignKey(
        "programs.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    read_only = models.BooleanField(
        _("read-only access"), default=False, help_text=_("For file reviewers: may read, not note.")
    )
    streams = models.JSONField(
        _("quota streams"),
        default=list,
        blank=True,
        help_text=_(
            "For file reviewers: the streams (CMG, IMG…) whose applications they may read; "
            "empty means every stream of the program."
        ),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "program", "school", "province"], name="unique_role"
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    models.Q(
                        role__in=["program_director", "program_admin", "file_reviewer"],
                        program__isnull=False,
                    )
                    | models.Q(role="pgme_office", school__isnull=False)
                    | models.Q(role="assessment_body", province__gt="")
                    | models.Q(role="match_admin")
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.program or self.school or self.province or ""
        return f"{self.user} — {self.get_role_display()} {scope}".strip()
