#ifndef COACHLOG_CLMDB_SHIM_H
#define COACHLOG_CLMDB_SHIM_H
#include <lmdb.h>
#endif
