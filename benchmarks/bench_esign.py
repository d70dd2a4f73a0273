"""Sign-in, e-signature and the production gate: what a user waits for, on a SQLite file.

argon2id at the shipped parameters dominates sign-in and signing by design; ``get_printable``
(re-hashing the stored template and verifying its approval signature) runs at the start of
every print job, so it must stay well below a label's time budget.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, rate
from labelstation.resources import resource_path
from labelstation.security.audit import AuditTrail
from labelstation.security.keys import FileKeyProvider
from labelstation.security.passwords import PasswordPolicy, hash_password, verify_password
from labelstation.security.roles import Role
from labelstation.services import templates, users
from labelstation.services.context import ServiceContext
from labelstation.store.db import Database
from labelstation.template import Template, load_template

GROUP = "users and e-signatures"


def _ms(seconds: float) -> float:
    return seconds * 1000


def run() -> list[Result]:
    """Measure hashing, sign-in, approval and the print gate."""
    policy = PasswordPolicy()
    results: list[Result] = []
    stored = hash_password("Bench-pass-2026", policy.argon2)
    per_s = rate(lambda: hash_password("Bench-pass-2026", policy.argon2), 5)
    results.append(
        Result(GROUP, "argon2id hash (t=3, 64 MiB, p=4)", 1000 / per_s, "ms", "50-500 ms")
    )
    per_s = rate(lambda: verify_password(stored, "Bench-pass-2026"), 5)
    results.append(Result(GROUP, "argon2id verify", 1000 / per_s, "ms", "50-500 ms"))
    with tempfile.TemporaryDirectory() as folder:
        db = Database.open(str(Path(folder) / "bench.sqlite3"))
        db.upgrade()
        trail = AuditTrail(db, FileKeyProvider(Path(folder) / "key"), "BENCH")
        ctx = ServiceContext(db=db, audit=trail, policy=policy)
        users.init_admin(ctx, "admin", "Ada Admin", "Admin-pass-2026")
        admin = users.sign_in(ctx, "admin", "Admin-pass-2026")
        for user_id, role in (("tech", Role.TECHNICIAN), ("qa", Role.QA), ("op", Role.OPERATOR)):
            users.create_user(ctx, admin, user_id, user_id, frozenset({role}), "Bench-pass-2026")
        start = time.perf_counter()
        qa = users.sign_in(ctx, "qa", "Bench-pass-2026")
        results.append(
            Result(GROUP, "sign-in (verify + audit)", _ms(time.perf_counter() - start), "ms")
        )
        tech = users.sign_in(ctx, "tech", "Bench-pass-2026")
        op = users.sign_in(ctx, "op", "Bench-pass-2026")
        carton = load_template(resource_path("templates/eu-fmd-carton.json"))
        signing: list[float] = []
        for n in range(1, 6):
            doc = {**carton.to_json(), "name": f"bench {n}"}
            templates.import_template(ctx, tech, Template.from_json(doc))
            templates.submit(ctx, tech, carton.id)
            start = time.perf_counter()
            templates.approve(ctx, qa, carton.id, n, user_id="qa", password="Bench-pass-2026")
            signing.append(time.perf_counter() - start)
        results.append(
            Result(
                GROUP,
                "approve (verify, sign, supersede, audit)",
                _ms(min(signing)),
                "ms",
                "< 1 s",
                "best of 5",
            )
        )
        per_s = rate(lambda: templates.get_printable(ctx, op, carton.id), 50)
        results.append(
            Result(
                GROUP,
                "get_printable (rehash + verify signature)",
                1000 / per_s,
                "ms",
                "< 150 ms (one label at 400/min)",
            )
        )
        db.dispose()
    return results
