// The platform-specific calls for copying file data, all in this one file so
// that a port (macOS: clonefile(2), F_RDADVISE) replaces this file and
// nothing else.
//
// On Linux a reflink (the FICLONE ioctl) makes the target share the source's
// extents copy-on-write on btrfs, XFS and others: no data is copied, no space
// is used. Where there is none (ext4, tmpfs, across filesystems) callers copy
// through user space themselves, because every copy the store makes must be
// hashed on the way, and hashing a buffer we filled anyway is cheaper than
// an in-kernel copy (copy_file_range) followed by a second pass to hash it.
#pragma once

namespace mreg {

// Makes the empty file `target_fd` a copy-on-write clone of all of
// `source_fd`. False when the filesystem cannot; the caller then copies.
bool try_reflink(int source_fd, int target_fd) noexcept;

// Tells the kernel that `fd` will be read once, front to back, so that it
// reads ahead further. Advice only; never fails.
void advise_sequential(int fd) noexcept;

}  // namespace mreg
