"""Vocabularies shared by several domains."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")


#: Provinces whose IMG positions are open only to IMGs on the province's own list.
PROVINCES_WITH_IMG_LIST = {
    Province.AB: _("Alberta International Medical Graduate program (AIMG)"),
    Province.BC: _("BC Clinical Assessment Program (BC-CAP)"),
    Province.QC: _("Quebec regular contingent (BCI)"),
}


class Stream(models.TextChoices):
    CMG = "CMG", _("Canadian medical graduates")
    IMG = "IMG", _("International medical graduates")
    COMPETITIVE = "ALL", _("Competitive (CMG and IMG)")


class TrainingLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    BILINGUAL = "bi", _("English and French")
