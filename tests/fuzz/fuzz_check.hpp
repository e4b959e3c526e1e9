// Shared by the fuzz targets: an invariant that does not hold is a bug, and
// is reported the way libFuzzer reports a crash (abort, with the input saved).
#pragma once

#include <cstdio>
#include <cstdlib>

#define MREG_FUZZ_CHECK(condition)                                                              \
  do {                                                                                          \
    if (!(condition)) {                                                                         \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (false)
