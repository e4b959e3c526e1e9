// Linux implementation.
#include "util/platform_copy.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

namespace mreg {

bool try_reflink(int source_fd, int target_fd) noexcept {
  return ::ioctl(target_fd, FICLONE, source_fd) == 0;
}

void advise_sequential(int fd) noexcept { ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); }

}  // namespace mreg
