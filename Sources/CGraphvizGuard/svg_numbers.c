// Graphviz's SVG numbers, written without printf.
//
// Graphviz 2.42's SVG renderer (libgvplugin_core) writes every coordinate
// with `gvprintdouble`, which is `snprintf(buf, 50, "%.02f", x)`, trailing
// zeros and a bare '.' trimmed off, values within 1e-8 of zero written as 0
// (lib/gvc/gvdevice.c, checked against Debian 12's libgvc.so.6). glibc's
// `%f` converts through multi-precision arithmetic: ~2,400 instructions a
// number, 97,000 numbers in big-graph's SVG — 230 M instructions, 8 % of the
// whole render, more than our DOT writer.
//
// `chainrule_svg_number` writes the same bytes: the value is m·2^e exactly,
// so 100·|x| = 100·m·2^e is split into an integer part and a remainder in
// 64-bit integers and rounded to nearest, ties to even (printf's rounding in
// the default rounding mode). Values it cannot do that way (|x| ≥ 2^46, NaN,
// infinities) go to snprintf as before.
//
// The renderer calls `gvprintdouble` through its PLT, so its jump slot is
// pointed at `fast_gvprintdouble` (the technique of guard.c). Calls from
// inside libgvc (a few thousand, not SVG coordinates) stay as they are.
#define _GNU_SOURCE
#include "GraphvizGuard.h"
#include "plugin_path.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t chainrule_svg_number(double x, char *out) {
    if (x > -1e-8 && x < 1e-8) x = 0.0;  // as gvprintdouble: no "-0" for noise
    double magnitude = fabs(x);
    if (!(magnitude < 0x1p46)) {  // NaN, infinities, huge: printf itself, as gvprintdouble
        char buf[50];
        snprintf(buf, sizeof buf, "%.02f", x);
        size_t n = strlen(buf);
        char *dot = strchr(buf, '.');
        if (dot) {
            while (n > 0 && buf[n - 1] == '0') n--;
            if (buf[n - 1] == '.') n--;
        }
        memcpy(out, buf, n);
        return n;
    }
    // magnitude = m · 2^e with m < 2^53 an integer; 100·m < 2^60.
    int exponent;
    double fraction = frexp(magnitude, &exponent);  // magnitude = fraction · 2^exponent, fraction in [0.5, 1)
    uint64_t m = (uint64_t)ldexp(fraction, 53);
    int shift = 53 - exponent;  // magnitude = m / 2^shift
    uint64_t scaled = m * 100, hundredths;
    if (magnitude == 0 || shift > 61) {  // (|x| < 2^46: shift ≥ 7)
        hundredths = 0;  // 0, or 100·|x| < 2^60 / 2^62 < 1/2
    } else {
        hundredths = scaled >> shift;
        uint64_t rest = scaled & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
        if (rest > half || (rest == half && (hundredths & 1))) hundredths++;
    }
    char digits[32];
    size_t n = 0;
    uint64_t whole = hundredths / 100, cents = hundredths % 100;
    do { digits[n++] = (char)('0' + whole % 10); whole /= 10; } while (whole);
    size_t length = 0;
    if (signbit(x)) out[length++] = '-';
    while (n) out[length++] = digits[--n];
    if (cents) {
        out[length++] = '.';
        out[length++] = (char)('0' + cents / 10);
        if (cents % 10) out[length++] = (char)('0' + cents % 10);
    }
    return length;
}

#if defined(__linux__) && defined(__x86_64__)
#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

size_t gvwrite(void *job, const char *s, size_t len);

static int installed;

static void fast_gvprintdouble(void *job, double x) {
    char buf[64];
    gvwrite(job, buf, chainrule_svg_number(x, buf));
}

int chainrule_graphviz_svg_numbers_install(void) {
    if (installed) return 1;
    char plugin[4200];
    if (!chainrule_graphviz_plugin_path("libgvplugin_core.so.6", plugin, sizeof plugin)) return 0;
    void *handle = dlopen(plugin, RTLD_NOW);  // kept open: Graphviz loads the same object
    if (!handle) return 0;
    struct link_map *map = NULL;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map) return 0;
    void **slot = chainrule_graphviz_jump_slot(map, "gvprintdouble");
    if (!slot) return 0;
    long page = sysconf(_SC_PAGESIZE);
    void *start = (void *)((uintptr_t)slot & ~(uintptr_t)(page - 1));
    if (mprotect(start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return 0;
    *slot = (void *)fast_gvprintdouble;
    installed = 1;
    return 1;
}

#else

int chainrule_graphviz_svg_numbers_install(void) { return 0; }

#endif
