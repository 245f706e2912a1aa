"""Who may see and change what on a shared PostgreSQL: two roles and row-level security.

`team init` makes the database a team one: the schema (migrations), two group roles and the
policies below. Each person logs in with their own database login, a member of one group,
and listed in `members` (login -> trainee name, role):

- `empathy_trainee`: insert, read and delete only their own sessions (and their turns); read
  the notes and assignments addressed to them and mark notes read; nothing else.
- `empathy_lead`: read everything; write notes and assignments; delete sessions (leaving a
  tombstone); keep the team settings (the pseudonym key).

Policies, not the app, enforce this: a trainee's URL used by any client sees only their rows.
Row-level security is bypassed by superusers and the tables' owner, so run the app with member
logins, never the owner's.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from trainer.store.schema import StoreError

TRAINEE, LEAD = "empathy_trainee", "empathy_lead"
ROLES = {"trainee": TRAINEE, "lead": LEAD}

_ME = "(SELECT m.trainee FROM members m WHERE m.login = current_user)"
_MY_SESSIONS = "(SELECT s.id FROM sessions s)"  # itself filtered to the trainee's own rows

# (table, policy name, command, role, USING, WITH CHECK)
POLICIES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("members", "own_login", "SELECT", TRAINEE, "login = current_user", None),
    ("members", "lead_all", "SELECT", LEAD, "true", None),
    ("trainees", "own_name", "ALL", TRAINEE, f"name = {_ME}", f"name = {_ME}"),
    ("trainees", "lead_read", "SELECT", LEAD, "true", None),
    ("sessions", "own_sessions", "ALL", TRAINEE, f"trainee = {_ME}", f"trainee = {_ME}"),
    ("sessions", "lead_read", "SELECT", LEAD, "true", None),
    ("sessions", "lead_delete", "DELETE", LEAD, "true", None),
    (
        "turns",
        "own_turns",
        "ALL",
        TRAINEE,
        f"session_id IN {_MY_SESSIONS}",
        f"session_id IN {_MY_SESSIONS}",
    ),
    ("turns", "lead_read", "SELECT", LEAD, "true", None),
    ("turns", "lead_delete", "DELETE", LEAD, "true", None),
    ("notes", "own_notes", "SELECT", TRAINEE, f"session_id IN {_MY_SESSIONS}", None),
    ("notes", "own_notes_seen", "UPDATE", TRAINEE, f"session_id IN {_MY_SESSIONS}", None),
    ("notes", "own_notes_delete", "DELETE", TRAINEE, f"session_id IN {_MY_SESSIONS}", None),
    ("notes", "lead_all", "ALL", LEAD, "true", "true"),
    ("assignments", "own_assignments", "SELECT", TRAINEE, f"trainee = {_ME}", None),
    ("assignments", "lead_all", "ALL", LEAD, "true", "true"),
    ("tombstones", "own_tombstones", "ALL", TRAINEE, f"trainee = {_ME}", f"trainee = {_ME}"),
    ("tombstones", "lead_all", "ALL", LEAD, "true", "true"),
    ("team_settings", "lead_all", "ALL", LEAD, "true", "true"),
]

# Table privileges per role (row-level security then narrows the rows).
GRANTS: dict[str, list[str]] = {
    TRAINEE: [
        "SELECT ON _migrations, members, assignments",
        "SELECT, INSERT ON trainees",
        "SELECT, INSERT, UPDATE, DELETE ON sessions, turns",
        "SELECT, DELETE ON notes",
        "UPDATE (seen) ON notes",
        "SELECT, INSERT ON tombstones",
    ],
    LEAD: [
        "SELECT ON _migrations, members, trainees, sessions, turns, tombstones",
        "DELETE ON sessions, turns",
        "SELECT, INSERT, UPDATE, DELETE ON notes, assignments",
        "INSERT ON tombstones",
        "SELECT, INSERT ON team_settings",
    ],
}
SECURED = sorted({table for table, *_ in POLICIES})

_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _create_role(conn: Connection, role: str) -> None:
    # CREATE ROLE has no IF NOT EXISTS; roles are per server, so another team database on the
    # same server may have made it already.
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if found is None:
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))


def secure(conn: Connection) -> None:
    """Create the roles, grants and policies (idempotent: running it again changes nothing)."""
    if conn.dialect.name != "postgresql":
        raise StoreError("team init needs a PostgreSQL database (--db postgresql://...)")
    for role in (TRAINEE, LEAD):
        _create_role(conn, role)
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        for grant in GRANTS[role]:
            conn.execute(text(f"GRANT {grant} TO {role}"))
    for table in SECURED:
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for table, name, command, role, using, check in POLICIES:
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {role}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        conn.execute(text(sql))


def add_member(conn: Connection, login: str, trainee: str, role: str, password: str | None) -> bool:
    """Give `login` (created if missing, with `password`) the trainee's name and a role;
    returns True if the login was created."""
    if not _LOGIN.match(login):
        raise StoreError(
            f"'{login}' is not a usable login name: lower-case letters, digits and _ only"
        )
    group = ROLES[role]
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first()
    if exists is None:
        if not password:
            raise StoreError(f"login '{login}' does not exist yet; give it a password")
        # Identifiers and passwords cannot be bound parameters in CREATE ROLE; the login was
        # checked above and the password is quoted by the server's own quote_literal.
        quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
        conn.execute(text(f"CREATE ROLE {login} LOGIN PASSWORD {quoted}"))
    other = LEAD if group == TRAINEE else TRAINEE
    conn.execute(text(f"REVOKE {other} FROM {login}"))
    conn.execute(text(f"GRANT {group} TO {login}"))
    conn.execute(
        text(
            "INSERT INTO members (login, trainee, role) VALUES (:l, :t, :r) "
            "ON CONFLICT (login) DO UPDATE SET trainee = EXCLUDED.trainee, role = EXCLUDED.role"
        ),
        {"l": login, "t": trainee, "r": role},
    )
    return exists is None
