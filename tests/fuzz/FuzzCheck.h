#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant the parser promises; a violation is a crash the fuzzer reports.
#define BT_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);     \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)
