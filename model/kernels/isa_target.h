#pragma once
// Marks for functions compiled for a wider instruction set than the binary's baseline (x86-64):
// kAvx2 (AVX2 + FMA) and kAvx512 (AVX-512F, AVX2, FMA). A marked function may run only after a
// check that the CPU has the set (sgemmIsa(), vectorMathAvailable()). Mark only functions with
// internal linkage (static, or in an unnamed namespace) whose callers check: an inline function
// of a header compiled with a wider set could be picked by the linker for code that runs anywhere.

#define kAvx2 __attribute__((target("avx2,fma")))
#define kAvx512 __attribute__((target("avx512f,avx2,fma")))
