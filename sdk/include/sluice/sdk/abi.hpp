// SDK ABI identity: the version numbers and toolchain tag every plugin carries in its
// manifest and the host checks before it creates anything. See sdk/README.md, "ABI policy".
#pragma once

#include <boost/version.hpp>

#include <cstddef>  // defines the standard library's ABI macros the tag reads

// Bump the major for any change that breaks a built plugin (a changed virtual table, a
// changed layout of Batch/Record/ConfigNode, a removed function); bump the minor for
// additions that old plugins do not see (a new manifest field appended, a new non-virtual
// helper). A host loads plugins of its own major whose minor is not newer than its own.
#ifndef SLUICE_SDK_ABI_MAJOR  // overridable only to build the ABI-mismatch test plugins
#define SLUICE_SDK_ABI_MAJOR 1
#endif
#ifndef SLUICE_SDK_ABI_MINOR
#define SLUICE_SDK_ABI_MINOR 2
#endif

#define SLUICE_STRINGIFY_IMPL(x) #x
#define SLUICE_STRINGIFY(x) SLUICE_STRINGIFY_IMPL(x)

// The toolchain tag: everything that must match for C++ objects (std::string, Boost.JSON
// values, vtables) to cross the boundary safely. Host and plugin compute it from the same
// macros, so it only differs when they were built by different toolchains.
#if defined(__clang__)
#define SLUICE_COMPILER_TAG "clang-" SLUICE_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define SLUICE_COMPILER_TAG "gcc-" SLUICE_STRINGIFY(__GNUC__)
#else
#define SLUICE_COMPILER_TAG "unknown"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define SLUICE_STDLIB_TAG "libstdc++-cxx11abi" SLUICE_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define SLUICE_STDLIB_TAG "libc++-abi" SLUICE_STRINGIFY(_LIBCPP_ABI_VERSION)
#else
#define SLUICE_STDLIB_TAG "stdlib-unknown"
#endif

#ifndef SLUICE_TOOLCHAIN_TAG
#define SLUICE_TOOLCHAIN_TAG \
  SLUICE_COMPILER_TAG ";" SLUICE_STDLIB_TAG ";boost-" SLUICE_STRINGIFY(BOOST_VERSION) ";cxx-" SLUICE_STRINGIFY(__cplusplus)
#endif

#define SLUICE_EXPORT __attribute__((visibility("default")))
