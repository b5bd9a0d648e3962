#!/bin/sh
# First start: initdb (the `postgres` superuser over the local socket only, by peer), then a
# `facecast` role with POSTGRES_PASSWORD and its database, reachable over TCP with that
# password (scram-sha-256). Every start: PostgreSQL in the foreground.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" --username=postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  # The password goes through a psql variable on stdin: quoted by psql, never on a command line.
  psql -v ON_ERROR_STOP=1 -v password="$POSTGRES_PASSWORD" --username=postgres --dbname=postgres <<'SQL'
CREATE ROLE facecast LOGIN PASSWORD :'password';
CREATE DATABASE facecast OWNER facecast;
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
