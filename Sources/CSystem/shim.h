#ifndef JIANFU_CSYSTEM_SHIM_H
#define JIANFU_CSYSTEM_SHIM_H

// Linux system calls Swift's Glibc module does not import. mremap(2) is a GNU extension and
// variadic, so it is declared here and called through a fixed-argument wrapper.
#include <stddef.h>

extern void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...);

/// Grows (or shrinks) the mapping at `address` to `new_size` bytes, moving it when it cannot
/// grow in place (MREMAP_MAYMOVE, 1): the pages keep their contents and nothing is copied.
/// Returns MAP_FAILED ((void *)-1) with errno set when the kernel refuses.
static inline void *jianfu_mremap(void *address, size_t old_size, size_t new_size) {
    return mremap(address, old_size, new_size, 1 /* MREMAP_MAYMOVE */);
}

#endif
