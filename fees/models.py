"""Participation fees: a schedule per cycle and a ledger of charges and payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeeSchedule(models.Model):
    """What taking part costs in a cycle, in cents (CAD)."""

    cycle = models.OneToOneField(
        "cycles.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="fee_schedule",
    )
    base_fee_cents = models.PositiveIntegerField(_("base fee (cents)"))
    programs_included = models.PositiveSmallIntegerField(_("programs included in the base fee"))
    extra_program_fee_cents = models.PositiveIntegerField(_("fee per extra program (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="CAD")

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")

    def __str__(self) -> str:
        return str(self.cycle)


class AdministrativeFee(models.Model):
    """A named fee the administrator may charge (late change, transcript translation…)."""

    schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("fee schedule"),
        on_delete=models.CASCADE,
        related_name="administrative_fees",
    )
    code = models.SlugField(_("code"))
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))

    class Meta:
        verbose_name = _("administrative fee")
        verbose_name_plural = _("administrative fees")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "code"], name="unique_admin_fee_code")
        ]

    def __str__(self) -> str:
        return self.label_en


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class LedgerEntry(models.Model):
    """One line of an applicant's account. Charges are positive amounts owed; payments and
    refunds are recorded with their own kind, never by editing a charge. Entries are never
    updated or deleted: corrections are new entries."""

    applicant = models.ForeignKey(
        "applicants.ApplicantProfile",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    description = models.CharField(_("description"), max_length=300)
    code = models.CharField(_("code"), max_length=50, blank=True)
    provider = models.CharField(_("payment provider"), max_length=30, blank=True)
    reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]

    @property
    def signed_cents(self) -> int:
        """Positive when it adds to the balance owed."""
        if self.kind == EntryKind.PAYMENT:
            return -self.amount_cents
        return self.amount_cents  # a charge, or a refund (money given back)

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.kind} {self.amount_cents}"
