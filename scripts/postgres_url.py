"""Print the URL of a PostgreSQL server the tests can use, or nothing.

`make test` runs the suite a second time on PostgreSQL when one is reachable
and lets its user create the test database; otherwise SQLite alone is used.
"""

import os
import sys

URL = os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def main() -> int:
    try:
        import psycopg
    except ImportError:
        return 0
    try:
        with psycopg.connect(URL, connect_timeout=2) as connection:
            can_create = connection.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error:
        return 0
    if can_create and can_create[0]:
        print(URL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
