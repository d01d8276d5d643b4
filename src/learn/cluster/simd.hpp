// learn/cluster/simd.hpp: running a hot loop with AVX2 and FMA where the CPU has them.
//
// HITSCOPE_DISPATCH(ret, Name, (params), (args)) defines `ret Name(params)`, which calls
// NameImpl(args) compiled twice: for AVX2 + FMA and for the baseline x86-64; the first call
// picks the one the CPU supports (__builtin_cpu_supports). NameImpl must be declared
// HITSCOPE_INLINE so that it is compiled into each wrapper. (GCC's target_clones("arch=haswell")
// would match the CPU model, not its features, and fall back to the baseline on newer CPUs.)
//
// Sources are built with -ffp-contract=off, so the compiler never fuses a multiply and an add on
// its own: only an explicit std::fma is fused, and that is correctly rounded in both versions.
// So both versions give the same bits, and results do not depend on the machine.
#pragma once

#define HITSCOPE_INLINE [[gnu::always_inline]] inline

#if defined(__GNUC__) && defined(__x86_64__)

namespace hitscope::cluster {
inline bool CpuHasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}
}  // namespace hitscope::cluster

#define HITSCOPE_DISPATCH(ret, Name, params, args)                                           \
  namespace {                                                                                \
  __attribute__((target("avx2,fma"))) ret Name##Avx2 params {                                \
    return Name##Impl args;                                                                  \
  }                                                                                          \
  ret Name##Base params {                                                                    \
    return Name##Impl args;                                                                  \
  }                                                                                          \
  }                                                                                          \
  ret Name params {                                                                          \
    static const auto fn = ::hitscope::cluster::CpuHasAvx2Fma() ? &Name##Avx2 : &Name##Base; \
    return fn args;                                                                          \
  }

#else

#define HITSCOPE_DISPATCH(ret, Name, params, args) \
  ret Name params {                                \
    return Name##Impl args;                        \
  }

#endif
