// The member-name index behind one-pass object validation.
#include "property_index.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using sluice::plugins::schema_validate::PropertyIndex;

namespace {

std::vector<const std::string*> pointers(const std::vector<std::string>& names) {
  std::vector<const std::string*> out;
  for (const std::string& n : names) out.push_back(&n);
  return out;
}

}  // namespace

TEST_CASE("property index finds every name at its slot, for every key length", "[schema_validate][index]") {
  std::vector<std::string> names;
  for (std::size_t length = 0; length <= 40; ++length) names.push_back(std::string(length, 'k'));
  PropertyIndex index;
  index.build(pointers(names));
  CHECK(index.size() == names.size());
  for (std::size_t slot = 0; slot < names.size(); ++slot) CHECK(index.find(names[slot]) == static_cast<int>(slot));
}

TEST_CASE("property index tells apart keys that differ in one byte anywhere", "[schema_validate][index]") {
  for (std::size_t length : {1, 2, 3, 5, 7, 8, 12, 16, 17, 24, 33}) {
    std::string name(length, 'a');
    std::vector<std::string> names{name};
    PropertyIndex index;
    index.build(pointers(names));
    REQUIRE(index.find(name) == 0);
    for (std::size_t i = 0; i < length; ++i) {
      std::string other = name;
      other[i] = 'b';
      CHECK(index.find(other) == PropertyIndex::kNotFound);
    }
    CHECK(index.find(name + "a") == PropertyIndex::kNotFound);
    CHECK(index.find(name.substr(1)) == PropertyIndex::kNotFound);
  }
}

TEST_CASE("property index over many names finds each and rejects others", "[schema_validate][index]") {
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("field_" + std::to_string(i));
  PropertyIndex index;
  index.build(pointers(names));
  for (int i = 0; i < 300; ++i) CHECK(index.find("field_" + std::to_string(i)) == i);
  for (int i = 300; i < 600; ++i) CHECK(index.find("field_" + std::to_string(i)) == PropertyIndex::kNotFound);
  PropertyIndex empty;
  empty.build({});
  CHECK(empty.find("x") == PropertyIndex::kNotFound);
  CHECK(empty.find("") == PropertyIndex::kNotFound);
}
