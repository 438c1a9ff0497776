// Field pruning (SDK ABI 1.2): stages say which record fields they read, the host tells each
// stage which fields the stages after it read, and a stage may skip computing the others.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sdk {
inline namespace v1 {

// A set of top-level record field names ("user" stands for "user.country" and everything else
// under it), or every field. A plain value: copy it freely; not synchronised.
class FieldSet {
 public:
  // The set holding every field.
  static FieldSet every() {
    FieldSet s;
    s.all_ = true;
    return s;
  }

  bool all() const noexcept { return all_; }
  bool empty() const noexcept { return !all_ && names_.empty(); }
  bool contains(std::string_view name) const noexcept {
    return all_ || std::find(names_.begin(), names_.end(), name) != names_.end();
  }
  // The names, sorted; empty when all().
  const std::vector<std::string>& names() const noexcept { return names_; }

  // Adds one top-level field name.
  void add(std::string_view name) {
    if (all_) return;
    auto it = std::lower_bound(names_.begin(), names_.end(), name);
    if (it == names_.end() || *it != name) names_.insert(it, std::string(name));
  }
  // Adds the top-level field of a dotted path: "user.country" adds "user".
  void add_path(std::string_view dotted) { add(dotted.substr(0, dotted.find('.'))); }
  void add_all() {
    all_ = true;
    names_.clear();
  }
  void merge(const FieldSet& other) {
    if (other.all_) return add_all();
    for (const std::string& n : other.names_) add(n);
  }
  // True when every field of this set is also in `other`.
  bool within(const FieldSet& other) const {
    if (other.all_) return true;
    if (all_) return false;
    return std::all_of(names_.begin(), names_.end(), [&](const std::string& n) { return other.contains(n); });
  }

 private:
  bool all_ = false;
  std::vector<std::string> names_;
};

// What a stage declares at init() about the fields of the records it is given (SDK ABI 1.2).
// Owned by the host, filled by the stage during init() only. A stage that declares nothing is
// taken to read every field, which switches pruning off for every stage before it.
class FieldUse {
 public:
  // The stage reads exactly these top-level fields (and any it writes itself); call once or
  // more, adding to the set. A sink that writes whole records must not declare.
  void reads(const FieldSet& fields) {
    declared_ = true;
    reads_.merge(fields);
  }
  // The records the stage passes on are new ones it builds (an aggregate's rows), not the ones
  // it was given: what the stages after it read says nothing about its input.
  void replaces_records() noexcept { replaces_ = true; }
  // The fields it computes only where InitContext::wanted holds them. When a hot swap makes a
  // stage downstream read one that this instance skips, the host creates and initialises a new
  // instance of this stage (same version and config) with the wider set and switches both at
  // one batch; for a stateful stage it refuses the swap instead.
  void skips_unwanted(const FieldSet& fields) { skippable_.merge(fields); }

  // For the host.
  bool declared() const noexcept { return declared_; }
  const FieldSet& read_fields() const noexcept { return reads_; }
  bool replaces() const noexcept { return replaces_; }
  const FieldSet& skippable() const noexcept { return skippable_; }

 private:
  bool declared_ = false;
  bool replaces_ = false;
  FieldSet reads_;
  FieldSet skippable_;
};

}  // namespace v1
}  // namespace sluice::sdk
