// audio/simd.hpp: HITSCOPE_VECTOR_CLONES compiles a hot loop twice, for AVX2 and for baseline
// x86-64, and picks the one the CPU supports when the program starts (GCC target_clones). AVX2
// brings wider vectors only: FMA stays off, so both clones round every operation identically
// and spectrograms do not depend on the machine. (The same definition as learn/cluster/simd.hpp;
// the audio stage does not link learn.)
#pragma once

#ifndef HITSCOPE_VECTOR_CLONES
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define HITSCOPE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HITSCOPE_VECTOR_CLONES
#endif
#endif
