#!/bin/sh
# The password comes from the environment (.env), never from the image.
set -eu
umask 077
printf '"minimus" "%s"\n' "$POSTGRES_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
