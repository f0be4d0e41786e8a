"""Trusted third parties (schools, the MCC, test providers, provincial bodies) and their
API tokens. A token is shown once when issued; only its SHA-256 is stored."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import Province
from programs.models import School


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("Medical school")
    MCC = "mcc", _("Medical Council of Canada")
    CASPER = "casper", _("Casper test provider")
    FMPROC = "fmproc", _("FMProC test provider")
    PROVINCIAL_BODY = "provincial_body", _("Provincial assessment body")
    TRANSLATOR = "translator", _("Translation service")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    province = models.CharField(
        _("province"), max_length=2, choices=Province.choices, blank=True, default=""
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"
