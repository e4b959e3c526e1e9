#include "mreg/progress.hpp"

namespace mreg {

Progress& no_progress() {
  static Progress silent;
  return silent;
}

}  // namespace mreg
