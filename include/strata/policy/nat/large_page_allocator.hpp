// An allocator for the big arrays of a NAT table (entries, indices, heap):
// blocks of 4 MiB or more are aligned to 2 MiB and, on Linux, offered to
// transparent huge pages (madvise MADV_HUGEPAGE), so that a table of a
// million flows is a few dozen TLB entries instead of tens of thousands of
// 4 KiB pages: each packet touches two random places of it, and with 4 KiB
// pages both were a TLB miss. Smaller blocks come from std::allocator. The
// memory is still obtained through operator new (the aligned form), so
// allocation counting sees it.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace strata::nat {

template <class T>
struct LargePageAllocator {
    using value_type = T;
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    static constexpr std::size_t threshold = std::size_t{4} << 20;
    static constexpr std::size_t cache_line = 64;

    LargePageAllocator() noexcept = default;
    template <class U>
    constexpr LargePageAllocator(const LargePageAllocator<U>&) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        // Small arrays on cache-line boundaries: with malloc's 16-byte
        // alignment every other 32-byte Mapping would straddle two lines.
        if (bytes < threshold)
            return static_cast<T*>(::operator new (bytes, std::align_val_t{cache_line}));
        const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
        void* p = ::operator new (rounded, std::align_val_t{huge_page});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        (void)::madvise(p, rounded, MADV_HUGEPAGE); // advice only: failure changes nothing
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < threshold) return ::operator delete (p, std::align_val_t{cache_line});
        ::operator delete (p, std::align_val_t{huge_page});
    }

    template <class U>
    friend constexpr bool operator==(const LargePageAllocator&,
                                     const LargePageAllocator<U>&) noexcept {
        return true;
    }
};

} // namespace strata::nat
