// isa_portable.cpp — kernels.h for any CPU, left to the compiler's baseline vectoriser.
#define BLUR_ISA_NAMESPACE portable
#include "kernels.h"

blur::KernelTable blur::portable::table() { return make_table("portable"); }
