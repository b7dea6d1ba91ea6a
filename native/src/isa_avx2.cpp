// isa_avx2.cpp — kernels.h for x86-64 with AVX2 and FMA (32-byte lanes); compiled with -mavx2 -mfma.
#define BLUR_ISA_AVX2 1
#define BLUR_ISA_NAMESPACE avx2
#include "kernels.h"

blur::KernelTable blur::avx2::table() { return make_table("avx2"); }
