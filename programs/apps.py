from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from programs.signals import accept_remembered_invitation

        user_logged_in.connect(accept_remembered_invitation, dispatch_uid="programs.invitation")
