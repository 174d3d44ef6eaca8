"""`make bench`: load tests over real HTTP against granian (WSGI), a bounded psycopg pool and a
throw-away PostgreSQL cluster. See scripts/run-bench and bench/load.py."""
