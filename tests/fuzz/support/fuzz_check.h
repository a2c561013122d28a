// FUZZ_CHECK: the invariant assertion of the fuzz targets. A broken invariant prints where and what,
// then aborts, which libFuzzer reports as a crash and saves the input as the reproducer. Active in
// every build (unlike assert, which NDEBUG removes).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
