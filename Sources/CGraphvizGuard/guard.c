// A guard against a crash in Graphviz 2.42's dot layout (Debian 12's version).
//
// The bug: dot's `decompose` (lib/dotgen/decompose.c) marks the nodes of the
// component it is building with a global counter, `static char Cmark`, that
// it increments on every call and that wraps around every 255 calls (it skips
// 0, so after 127, -128 … -1 it is 1 again). `acyclic` marks every node with
// TRUE (= 1) during ranking, and mincross then calls `decompose` again. When
// that call happens to be the one where the counter is 1, every node already
// looks visited, the components come out empty, and mincross dereferences
// garbage: a SIGSEGV in `decompose`. Whether it happens depends only on how
// many layouts the process has done before, so a long-running process (an
// export of every lesson, a test run, a server) crashes after a while.
// Reproduced in a C loop that lays out the same figure: it crashed on the
// 58th layout, every time.
//
// The guard: the plugin calls `decompose` through its PLT, so we point that
// jump slot at `guarded_decompose`, which counts the calls exactly as the
// plugin counts them and, when the counter is about to become 1, makes one
// extra call first. `decompose` recomputes the components from scratch on
// each call, so the extra call changes nothing but the counter; the real call
// then runs with counter 2. Layouts are identical, minus the crash.
//
// The counter can only be mirrored from the plugin's first call, so the guard
// is installed right after the Graphviz context is created, before any
// layout, and only if the plugin is not loaded yet. Nothing else in
// ChainRule calls this file; `Sources/ChainRuleRender/Graphviz.swift` does.
#define _GNU_SOURCE
#include "GraphvizGuard.h"
#include "plugin_path.h"

#if defined(__linux__) && defined(__x86_64__)
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void (*decompose_fn)(void *graph, int pass);

static decompose_fn real_decompose;
static signed char mirrored_mark;  // decompose.c's `Cmark`, call for call
static long skips;

static void guarded_decompose(void *graph, int pass) {
    signed char next = (signed char)(mirrored_mark + 1);
    if (next == 0) next = 1;
    if (next == 1) {  // nodes marked TRUE by acyclic would look visited: burn 1
        real_decompose(graph, pass);
        skips++;
        next = 2;
    }
    real_decompose(graph, pass);
    mirrored_mark = next;
}

// The path of the loaded libgvc, found among the loaded objects.
struct find_gvc { char path[4096]; };

static int find_gvc_callback(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    const char *name = info->dlpi_name;
    if (name && strstr(name, "/libgvc.so")) {
        snprintf(((struct find_gvc *)data)->path, sizeof ((struct find_gvc *)data)->path, "%s", name);
        return 1;
    }
    return 0;
}

int chainrule_graphviz_plugin_path(const char *file, char *out, size_t size) {
    struct find_gvc gvc = {{0}};
    dl_iterate_phdr(find_gvc_callback, &gvc);
    char *slash = strrchr(gvc.path, '/');
    if (!slash) return 0;
    *slash = 0;
    snprintf(out, size, "%s/graphviz/%s", gvc.path, file);
    return 1;
}

static uintptr_t absolute(uintptr_t value, uintptr_t base) { return value < base ? value + base : value; }

// The address of the loaded object's jump slot for `symbol`, or NULL (plugin_path.h).
void **chainrule_graphviz_jump_slot(struct link_map *map, const char *symbol) {
    uintptr_t base = (uintptr_t)map->l_addr;
    const Elf64_Rela *relocations = NULL;
    const Elf64_Sym *symbols = NULL;
    const char *strings = NULL;
    size_t size = 0;
    for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_JMPREL: relocations = (const Elf64_Rela *)absolute(d->d_un.d_ptr, base); break;
        case DT_PLTRELSZ: size = d->d_un.d_val; break;
        case DT_SYMTAB: symbols = (const Elf64_Sym *)absolute(d->d_un.d_ptr, base); break;
        case DT_STRTAB: strings = (const char *)absolute(d->d_un.d_ptr, base); break;
        case DT_PLTREL: if (d->d_un.d_val != DT_RELA) return NULL; break;
        }
    }
    if (!relocations || !symbols || !strings) return NULL;
    for (size_t i = 0; i < size / sizeof(Elf64_Rela); i++) {
        const Elf64_Rela *r = &relocations[i];
        if (ELF64_R_TYPE(r->r_info) != R_X86_64_JUMP_SLOT) continue;
        if (strcmp(strings + symbols[ELF64_R_SYM(r->r_info)].st_name, symbol) == 0)
            return (void **)(base + r->r_offset);
    }
    return NULL;
}

int chainrule_graphviz_guard_install(void) {
    if (real_decompose) return 1;
    char plugin[4200];
    if (!chainrule_graphviz_plugin_path("libgvplugin_dot_layout.so.6", plugin, sizeof plugin)) return 0;
    // Already loaded: it may have counted calls we did not see.
    void *loaded = dlopen(plugin, RTLD_NOW | RTLD_NOLOAD);
    if (loaded) { dlclose(loaded); return 0; }
    void *handle = dlopen(plugin, RTLD_NOW);  // kept open: Graphviz loads the same object
    if (!handle) return 0;
    struct link_map *map = NULL;
    decompose_fn real = (decompose_fn)dlsym(handle, "decompose");
    if (!real || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map) return 0;
    void **slot = chainrule_graphviz_jump_slot(map, "decompose");
    if (!slot) return 0;
    long page = sysconf(_SC_PAGESIZE);
    void *start = (void *)((uintptr_t)slot & ~(uintptr_t)(page - 1));
    // Full RELRO makes the slot read-only; it stays writable afterwards.
    if (mprotect(start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return 0;
    real_decompose = real;
    *slot = (void *)guarded_decompose;
    return 1;
}

long chainrule_graphviz_guard_skips(void) { return skips; }

#else

int chainrule_graphviz_guard_install(void) { return 0; }
long chainrule_graphviz_guard_skips(void) { return 0; }

#endif
