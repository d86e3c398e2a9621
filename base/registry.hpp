// One way to look an axis value up by name, for every registry (transports, servers, variants):
// each is a list in matrix order, and a name that is not in it is an error that lists the names
// it has.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sshtc {

namespace detail {
template <class T>
std::string name_of(const std::shared_ptr<T>& each) {
  return each->name();
}
template <class T>
std::string name_of(const T& each) {
  return each.name;
}
}  // namespace detail

// A list of shared_ptr<T> (T::name()) or of T (T::name).
template <class List>
const typename List::value_type& find_named(const List& all, const std::string& name, const std::string& kind) {
  std::string names;
  for (const auto& each : all) {
    if (detail::name_of(each) == name) return each;
    names += (names.empty() ? "" : ", ") + detail::name_of(each);
  }
  throw std::invalid_argument("no " + kind + " named '" + name + "' (" + kind + "s: " + names + ")");
}

}  // namespace sshtc
