"""Sessions for the load test: ``manage.py shell < bench/load_sessions.py`` (env LOAD_OUT).

Signs in, through Django's own session machinery, every demo applicant who has a rank order
list in the current iteration and the demo program staff, and writes their session keys to
``$LOAD_OUT`` (JSON). Signing in through the login form would measure Argon2 (by design about
a tenth of a second per login) rather than the pages; logins are timed apart in the load test.
"""

import json
import os

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import User
from cycles.selectors import current_iteration
from ranking.models import RankList

iteration = current_iteration()
applicant_users = list(
    User.objects.filter(
        applicant__rank_lists__iteration=iteration,
        applicant__rank_lists__entries__isnull=False,
    )
    .distinct()
    .order_by("pk")[:400]
)
staff_users = list(User.objects.filter(roles__program__code="FM-UOFT").distinct().order_by("pk"))


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


out = {
    "applicants": [session_for(u) for u in applicant_users],
    "staff": [session_for(u) for u in staff_users],
    "program": "FM-UOFT",
    "rank_lists": RankList.objects.filter(iteration=iteration).count(),
}
with open(os.environ.get("LOAD_OUT", "var/load/sessions.json"), "w") as fh:
    json.dump(out, fh)
print(f"{len(out['applicants'])} applicant and {len(out['staff'])} staff sessions")
