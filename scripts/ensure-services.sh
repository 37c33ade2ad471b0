#!/usr/bin/env bash
# Make sure PostgreSQL and Redis are running for the integration tests.
# Installs them from Debian's packages when missing and we are root with apt;
# starts them when installed but stopped. Exit 0 when both answer, 1 otherwise.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_install() {
  can_apt || return 1
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq >/dev/null 2>&1; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  if command -v pg_ctlcluster >/dev/null; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
fi
if pg_up && [ "$(id -u)" = 0 ] && command -v psql >/dev/null; then
  # Trust auth for local TCP is how this machine is set up; make sure the role exists.
  psql -h 127.0.0.1 -U postgres -tAc "select 1" >/dev/null 2>&1 \
    || su postgres -c "psql -tAc \"alter user postgres password 'postgres'\"" >/dev/null 2>&1 || true
fi

if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 \
      || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
fi

status=0
pg_up && echo "services: PostgreSQL is up" || { echo "services: PostgreSQL is NOT available"; status=1; }
redis_up && echo "services: Redis is up" || { echo "services: Redis is NOT available"; status=1; }
exit $status
