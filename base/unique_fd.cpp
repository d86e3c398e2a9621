#include "unique_fd.hpp"

#include <cerrno>
#include <system_error>

namespace sshtc {

int check_sys(int result, const char* what) {
  if (result < 0) throw std::system_error(errno, std::generic_category(), what);
  return result;
}

}  // namespace sshtc
