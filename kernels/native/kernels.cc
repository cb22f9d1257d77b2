// Native twins of three WebAssembly kernels (kernels/linalg.ts): the strided GEMM in single and double
// precision and the Adam step. They compute the same operations in the same order, so their results are
// the WebAssembly kernels' bit for bit; only the vector width differs (AVX-512 or AVX2 where the CPU has
// them, chosen at load). That holds because every output element is one sequential sum over p, started
// from C or +0, with a multiply then an add (built with -ffp-contract=off: no fused multiply-add), and
// vectors run across output columns, never across the sum. test/kernels/Native.test.ts checks it.
//
// Built by native/build.mjs on `npm ci`; the kernels operate on a WebAssembly memory's ArrayBuffer at
// the byte offsets the WebAssembly kernels take.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

template <class T, int Bytes>
struct Vector {
  typedef T type __attribute__((vector_size(Bytes)));
};

template <class V>
inline __attribute__((always_inline)) V load(const void* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class V>
inline __attribute__((always_inline)) void store(void* p, V v) {
  std::memcpy(p, &v, sizeof v);
}

// R rows × U vectors of C: R·U accumulators held in registers while p runs over the depth.
template <class T, class V, int R, int U>
inline __attribute__((always_inline)) void tile(int k, const T* a, long ars, long acs, const T* b, long ldb, T* c, long ldc, bool onto) {
  constexpr int L = sizeof(V) / sizeof(T);
  V s[R][U];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int u = 0; u < U; u++) s[r][u] = onto ? load<V>(c + r * ldc + u * L) : V{};
  for (int p = 0; p < k; p++) {
    V bv[U];
#pragma GCC unroll 4
    for (int u = 0; u < U; u++) bv[u] = load<V>(b + p * ldb + u * L);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      const T x = a[r * ars + p * acs];  // broadcast by the vector product
#pragma GCC unroll 4
      for (int u = 0; u < U; u++) s[r][u] = s[r][u] + x * bv[u];
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int u = 0; u < U; u++) store(c + r * ldc + u * L, s[r][u]);
}

template <class T, int R>
inline __attribute__((always_inline)) void scalarColumn(int k, const T* a, long ars, long acs, const T* b, long ldb, T* c, long ldc, bool onto) {
  for (int r = 0; r < R; r++) {
    T s = onto ? c[r * ldc] : T(0);
    for (int p = 0; p < k; p++) s = s + a[r * ars + p * acs] * b[p * ldb];
    c[r * ldc] = s;
  }
}

// R rows of C across nc columns: blocks of two wide vectors, one wide vector, 16-byte vectors, then
// single columns.
template <class T, int Bytes, int R>
inline __attribute__((always_inline)) void rows(int nc, int k, const T* a, long ars, long acs, const T* b, long ldb, T* c, long ldc, bool onto) {
  typedef typename Vector<T, Bytes>::type V;
  typedef typename Vector<T, 16>::type V16;
  constexpr int L = Bytes / sizeof(T), L16 = 16 / sizeof(T);
  int j = 0;
  for (; j + 2 * L <= nc; j += 2 * L) tile<T, V, R, 2>(k, a, ars, acs, b + j, ldb, c + j, ldc, onto);
  for (; j + L <= nc; j += L) tile<T, V, R, 1>(k, a, ars, acs, b + j, ldb, c + j, ldc, onto);
  for (; j + L16 <= nc; j += L16) tile<T, V16, R, 1>(k, a, ars, acs, b + j, ldb, c + j, ldc, onto);
  for (; j < nc; j++) scalarColumn<T, R>(k, a, ars, acs, b + j, ldb, c + j, ldc, onto);
}

// Panels of B (PANEL_K × PANEL_N) stay in cache while every row of A passes over them, as in the
// WebAssembly GEMM; C carries the partial sums between depth panels, so each sum keeps its order.
constexpr int PANEL_K = 128, PANEL_N = 512;

template <class T, int Bytes, int R>
inline __attribute__((always_inline)) void gemm(int m, int n, int k, const T* a, long ars, long acs, const T* b, long ldb, T* c, long ldc, bool accumulate) {
  for (int p0 = 0; p0 < k || p0 == 0; p0 += PANEL_K) {
    const int kc = k - p0 < PANEL_K ? k - p0 : PANEL_K;
    for (int j0 = 0; j0 < n; j0 += PANEL_N) {
      const int nc = n - j0 < PANEL_N ? n - j0 : PANEL_N;
      const bool onto = accumulate || p0 > 0;
      const T* ap = a + p0 * acs;
      const T* bp = b + p0 * ldb + j0;
      T* cp = c + j0;
      int i = 0;
      for (; i + R <= m; i += R) rows<T, Bytes, R>(nc, kc, ap + i * ars, ars, acs, bp, ldb, cp + i * ldc, ldc, onto);
      for (; i < m; i++) rows<T, Bytes, 1>(nc, kc, ap + i * ars, ars, acs, bp, ldb, cp + i * ldc, ldc, onto);
    }
  }
}

// Adam in Kingma and Ba's efficient form, exactly as adam32 in kernels/linalg.ts rounds it: its 4-lane
// body for the first count − count % 4 parameters, its scalar tail (which multiplies (1 − β2)·g·g in
// the other order) for the rest.
template <int Bytes>
inline __attribute__((always_inline)) void adam(float* p, const float* g, float* m, float* v, int count, float beta1, float beta2, float stepSize, float epsHat) {
  const float b1c = 1 - beta1, b2c = 1 - beta2;
  const int body = count - count % 4;
  typedef typename Vector<float, Bytes>::type V;
  constexpr int L = Bytes / sizeof(float);
  int i = 0;
  for (; i + L <= body; i += L) {
    const V gv = load<V>(g + i);
    const V mv = beta1 * load<V>(m + i) + b1c * gv;
    const V vv = beta2 * load<V>(v + i) + b2c * (gv * gv);
    store(m + i, mv);
    store(v + i, vv);
    V root;
    for (int l = 0; l < L; l++) root[l] = __builtin_sqrtf(vv[l]);
    store(p + i, load<V>(p + i) - (stepSize * mv) / (root + epsHat));
  }
  for (; i < body; i++) {
    const float mi = beta1 * m[i] + b1c * g[i];
    const float vi = beta2 * v[i] + b2c * (g[i] * g[i]);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (stepSize * mi) / (__builtin_sqrtf(vi) + epsHat);
  }
  for (; i < count; i++) {
    const float mi = beta1 * m[i] + b1c * g[i];
    const float vi = beta2 * v[i] + b2c * g[i] * g[i];
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (stepSize * mi) / (__builtin_sqrtf(vi) + epsHat);
  }
}

typedef void Gemm32Kernel(int, int, int, const float*, long, long, const float*, long, float*, long, bool);
typedef void Gemm64Kernel(int, int, int, const double*, long, long, const double*, long, double*, long, bool);
typedef void Adam32Kernel(float*, const float*, float*, float*, int, float, float, float, float);

// One clone per instruction set (vector bytes, rows per register tile); the widest the CPU runs is
// used. Register budgets: AVX-512 has 32 vector registers (8 × 2 accumulators), AVX2 and SSE2 16 (4 × 2).
#define KERNELS(suffix, attributes, bytes, rows) \
  attributes void gemm32##suffix(int m, int n, int k, const float* a, long ars, long acs, const float* b, long ldb, float* c, long ldc, bool acc) { \
    gemm<float, bytes, rows>(m, n, k, a, ars, acs, b, ldb, c, ldc, acc); \
  } \
  attributes void gemm64##suffix(int m, int n, int k, const double* a, long ars, long acs, const double* b, long ldb, double* c, long ldc, bool acc) { \
    gemm<double, bytes, rows>(m, n, k, a, ars, acs, b, ldb, c, ldc, acc); \
  } \
  attributes void adam32##suffix(float* p, const float* g, float* m, float* v, int count, float b1, float b2, float s, float e) { \
    adam<bytes>(p, g, m, v, count, b1, b2, s, e); \
  }
#if defined(__x86_64__)
KERNELS(Avx512, __attribute__((target("avx512f"))), 64, 8)
KERNELS(Avx2, __attribute__((target("avx2"))), 32, 4)
#endif
KERNELS(Base, , 16, 4)

struct Kernels {
  const char* isa;
  Gemm32Kernel* gemm32;
  Gemm64Kernel* gemm64;
  Adam32Kernel* adam32;
  bool runs;  // whether this CPU has the instruction set
};

const Kernels* instructionSets(size_t* count) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  static const Kernels sets[] = {
      {"avx512f", gemm32Avx512, gemm64Avx512, adam32Avx512, __builtin_cpu_supports("avx512f") != 0},
      {"avx2", gemm32Avx2, gemm64Avx2, adam32Avx2, __builtin_cpu_supports("avx2") != 0},
      {"sse2", gemm32Base, gemm64Base, adam32Base, true}};
#else
  static const Kernels sets[] = {{"generic", gemm32Base, gemm64Base, adam32Base, true}};
#endif
  *count = sizeof sets / sizeof sets[0];
  return sets;
}

// ---- Node-API glue: arguments as the WebAssembly kernels take them, after the memory's ArrayBuffer.

bool fail(napi_env env, const char* message) {
  napi_throw_range_error(env, nullptr, message);
  return false;
}

struct Args {
  napi_value values[12];
  size_t count = 12;
  char* base = nullptr;
  size_t length = 0;
};

// Reads the arguments and the kernel set the function was created for.
bool read(napi_env env, napi_callback_info info, Args& args, size_t expected, const Kernels** kernels) {
  void* set = nullptr;
  if (napi_get_cb_info(env, info, &args.count, args.values, nullptr, &set) != napi_ok) return false;
  *kernels = static_cast<const Kernels*>(set);
  if (args.count != expected) return fail(env, "native kernel: wrong number of arguments");
  void* data = nullptr;
  if (napi_get_arraybuffer_info(env, args.values[0], &data, &args.length) != napi_ok) return fail(env, "native kernel: the first argument must be an ArrayBuffer");
  args.base = static_cast<char*>(data);
  return true;
}

bool integers(napi_env env, const Args& args, size_t from, size_t to, int64_t* out) {
  for (size_t i = from; i < to; i++)
    if (napi_get_value_int64(env, args.values[i], &out[i - from]) != napi_ok) return fail(env, "native kernel: expected an integer argument");
  return true;
}

// The element range [ptr, ptr + size·(1 + Σ (extent − 1)·stride)) must lie in the buffer, aligned.
bool within(napi_env env, const Args& args, int64_t ptr, int64_t size, int64_t last) {
  if (ptr < 0 || ptr % size != 0 || last < 0) return fail(env, "native kernel: misaligned or negative offset");
  if (ptr + size * (last + 1) > static_cast<int64_t>(args.length)) return fail(env, "native kernel: operand outside the memory");
  return true;
}

template <class T, class Kernel>
napi_value gemmBinding(napi_env env, napi_callback_info info, Kernel* Kernels::*which) {
  Args args;
  const Kernels* kernels;
  int64_t v[11];
  if (!read(env, info, args, 12, &kernels) || !integers(env, args, 1, 12, v)) return nullptr;
  const int64_t m = v[0], n = v[1], k = v[2], a = v[3], ars = v[4], acs = v[5], b = v[6], ldb = v[7], c = v[8], ldc = v[9];
  if (m < 0 || n < 0 || k < 0 || ars < 0 || acs < 0 || ldb < 0 || ldc < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    fail(env, "native gemm: negative size or stride");
    return nullptr;
  }
  if (m == 0 || n == 0) return nullptr;
  const int64_t size = sizeof(T);
  if (k > 0 && !within(env, args, a, size, (m - 1) * ars + (k - 1) * acs)) return nullptr;
  if (k > 0 && !within(env, args, b, size, (k - 1) * ldb + n - 1)) return nullptr;
  if (!within(env, args, c, size, (m - 1) * ldc + n - 1)) return nullptr;
  (kernels->*which)(m, n, k, reinterpret_cast<const T*>(args.base + a), ars, acs, reinterpret_cast<const T*>(args.base + b), ldb, reinterpret_cast<T*>(args.base + c), ldc, v[10] != 0);
  return nullptr;
}

napi_value Gemm32(napi_env env, napi_callback_info info) { return gemmBinding<float>(env, info, &Kernels::gemm32); }
napi_value Gemm64(napi_env env, napi_callback_info info) { return gemmBinding<double>(env, info, &Kernels::gemm64); }

napi_value Adam(napi_env env, napi_callback_info info) {
  Args args;
  const Kernels* kernels;
  int64_t v[5];
  double h[4];
  if (!read(env, info, args, 10, &kernels) || !integers(env, args, 1, 6, v)) return nullptr;
  for (int i = 0; i < 4; i++)
    if (napi_get_value_double(env, args.values[6 + i], &h[i]) != napi_ok) {
      fail(env, "native adam: expected a number");
      return nullptr;
    }
  const int64_t count = v[4];
  if (count < 0 || count > INT32_MAX) {
    fail(env, "native adam: negative count");
    return nullptr;
  }
  if (count == 0) return nullptr;
  for (int i = 0; i < 4; i++)
    if (!within(env, args, v[i], 4, count - 1)) return nullptr;
  char* base = args.base;
  kernels->adam32(reinterpret_cast<float*>(base + v[0]), reinterpret_cast<const float*>(base + v[1]), reinterpret_cast<float*>(base + v[2]), reinterpret_cast<float*>(base + v[3]),
                static_cast<int>(count), static_cast<float>(h[0]), static_cast<float>(h[1]), static_cast<float>(h[2]), static_cast<float>(h[3]));
  return nullptr;
}

}  // namespace

#ifndef COLE_SOURCE_HASH
#define COLE_SOURCE_HASH ""
#endif

// The functions of one kernel set, on `target`.
void define(napi_env env, napi_value target, const Kernels* kernels) {
  const struct {
    const char* name;
    napi_callback callback;
  } functions[] = {{"gemm32", Gemm32}, {"gemm64", Gemm64}, {"adam32", Adam}};
  for (const auto& f : functions) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.callback, const_cast<Kernels*>(kernels), &fn);
    napi_set_named_property(env, target, f.name, fn);
  }
  napi_value isa;
  napi_create_string_utf8(env, kernels->isa, NAPI_AUTO_LENGTH, &isa);
  napi_set_named_property(env, target, "isa", isa);
}

// exports: the widest set this CPU runs, and `sets`, every set it runs (widest first), for tests.
NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  size_t count = 0;
  const Kernels* sets = instructionSets(&count);
  napi_value list;
  napi_create_array(env, &list);
  uint32_t runnable = 0;
  for (size_t i = 0; i < count; i++) {
    if (!sets[i].runs) continue;
    if (runnable == 0) define(env, exports, &sets[i]);
    napi_value set;
    napi_create_object(env, &set);
    define(env, set, &sets[i]);
    napi_set_element(env, list, runnable++, set);
  }
  napi_set_named_property(env, exports, "sets", list);
  // The source it was built from, so a stale build (kernels.cc changed since) is never loaded.
  napi_value source;
  napi_create_string_utf8(env, COLE_SOURCE_HASH, NAPI_AUTO_LENGTH, &source);
  napi_set_named_property(env, exports, "source", source);
  return exports;
}
