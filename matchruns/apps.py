from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchrunsConfig(AppConfig):
    name = "matchruns"
    verbose_name = _("Match runs")
