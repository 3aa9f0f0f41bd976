/* schema.h -- the schema level this build expects: the number of the
 * highest migration in sql/. A test (tests/unit/schema.c via make check)
 * fails when a migration is added without raising it. */
#ifndef XJ_SCHEMA_H
#define XJ_SCHEMA_H

#define XJ_SCHEMA_VERSION	34

#endif
