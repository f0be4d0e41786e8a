"""The private storage of applicants' documents (``STORAGES["private"]``).

It is never under ``MEDIA_URL``: files are streamed by ``documents.views.download`` after a
permission check. The storage is looked up lazily so a test may point it at a temporary folder.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

STORAGE_NAME = "private"


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages[STORAGE_NAME]

    def url(self, name: str) -> str:  # pragma: no cover - a guard, never called
        raise NotImplementedError("Private documents have no public URL.")


private_storage = _PrivateStorage()


def get_private_storage() -> Any:
    return private_storage


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty
