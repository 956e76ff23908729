#ifndef JIANFU_CPOSTGRES_SHIM_H
#define JIANFU_CPOSTGRES_SHIM_H

// libpq, PostgreSQL's C client library (<https://www.postgresql.org/docs/15/libpq.html>): the
// PostgreSQL state store connects, runs statements and streams COPY … FROM STDIN through it.
// Debian's libpq-dev puts the header in /usr/include/postgresql (pkg-config libpq says so).
#include <libpq-fe.h>

#endif
