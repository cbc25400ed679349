//! Keeping the server's resident memory close to its catalog budget (glibc only; a no-op
//! elsewhere).
//!
//! glibc keeps freed heap memory for reuse, and after a large free it raises its mmap
//! threshold (up to 32 MiB), so later big buffers also come from the heap, where freeing
//! them fragments it instead of returning pages. Measured: 20 distinct uploads of 4.5 MB
//! under a 64 MiB budget left 108 MB resident with 66 MB of catalogs stored (5 MB at
//! start). With the fixed threshold below and a trim after each upload: 64 MB.

/// Called once at start: allocations of 1 MiB and more (request bodies, a catalog's
/// product and token tables) are always mmapped, so freeing them returns their pages.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Hands the heap memory the allocator holds but no longer uses back to the operating
/// system. Called on a blocking thread after a job that stored a catalog (an upload or a
/// generated one): its body or scratch space is freed then, and perhaps evicted catalogs.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and only rearranges the allocator's own free
    // lists; it is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
