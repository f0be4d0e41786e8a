"""A sweep over every page of the site: an anonymous visitor reaches only the public ones.

Each feature has its own refusal tests with the personas who must be refused; this sweep makes
sure no new page ships without a permission check at all.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

#: Pages anyone may read (names as namespace:name).
PUBLIC = {
    "core:home",
    "programs:directory",
    "programs:detail",
    "cycles:calendar",
    "cycles:ical",
}
#: Namespaces handled by their own libraries or tests.
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_PREFIXES = ("accounts/", "i18n/", "healthz", "admin/", "api/")


def _walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                f"{namespace}:{entry.name}" if namespace else entry.name,
                prefix + str(entry.pattern),
            )


def _concrete(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug):[^>]+>", "x", route)
    route = re.sub(r"<[^>]+>", "x", route)
    return "/" + route


def site_pages():
    pages = []
    for name, route in _walk(get_resolver().url_patterns):
        namespace = name.split(":")[0] if ":" in name else ""
        bare = route.removeprefix("en/").removeprefix("fr/")
        if namespace in SKIPPED_NAMESPACES or bare.startswith(SKIPPED_PREFIXES):
            continue
        if not route.startswith("en/"):
            continue
        pages.append((name, _concrete(route)))
    return sorted(set(pages))


@pytest.mark.parametrize(("name", "path"), site_pages())
def test_an_anonymous_visitor_reaches_only_public_pages(client, name, path):
    response = client.get(path)
    assert response.status_code < 500, f"{name} {path} answered {response.status_code}"
    if name in PUBLIC:
        return
    assert response.status_code in (302, 403, 404), f"{name} {path} is open to anyone"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
