#!/usr/bin/env bash
# start: create and start a throwaway PostgreSQL cluster on 127.0.0.1:$PORT, print its folder.
# stop DIR: stop it and remove the folder. PostgreSQL refuses to run as root, so as root the
# cluster runs as the `postgres` user.
set -euo pipefail
port="${LABELSTATION_TEST_PG_PORT:-54329}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg-throwaway: PostgreSQL is not installed" >&2; exit 1; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}
case "${1:-}" in
start)
    d=$(mktemp -d /tmp/labelstation-pg.XXXXXX)
    chmod 755 "$d"
    [ "$(id -u)" -eq 0 ] && chown postgres "$d"
    as_pg "$bin/initdb -D $d/data -A trust -U postgres >$d/initdb.log 2>&1 && \
           $bin/pg_ctl -D $d/data -w -o '-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off' -l $d/log start >/dev/null"
    echo "$d"
    ;;
stop)
    d="$2"
    as_pg "$bin/pg_ctl -D $d/data -m fast stop >/dev/null" || true
    rm -rf "$d"
    ;;
*)
    echo "usage: pg-throwaway.sh start | stop DIR" >&2
    exit 2
    ;;
esac
