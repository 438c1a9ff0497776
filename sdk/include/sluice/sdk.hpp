// The Sluice plugin SDK: include this one header to write a stage.
#pragma once

#include <sluice/sdk/abi.hpp>
#include <sluice/sdk/batch.hpp>
#include <sluice/sdk/config.hpp>
#include <sluice/sdk/fields.hpp>
#include <sluice/sdk/plugin.hpp>
#include <sluice/sdk/stage.hpp>
