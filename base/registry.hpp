// One way to look an axis value up by name, for every registry (transports, servers): each is a
// list in matrix order, and a name that is not in it is an error that lists the names it has.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sshtc {

template <class T>
std::shared_ptr<T> find_named(const std::vector<std::shared_ptr<T>>& all, const std::string& name,
                              const std::string& kind) {
  std::string names;
  for (const auto& each : all) {
    if (each->name() == name) return each;
    names += (names.empty() ? "" : ", ") + each->name();
  }
  throw std::invalid_argument("no " + kind + " named '" + name + "' (" + kind + "s: " + names + ")");
}

}  // namespace sshtc
