#pragma once

// The lab's demo deployment as a Workspace demo factory, for the tests that start the demo.

#include "core/lab/demodeployment.h"
#include "core/workspace/demohost.h"

#include <memory>

inline sdcore::DemoFactory labDemo(sdcore::DemoOptions options = {})
{
    return [options] { return std::make_unique<sdcore::DemoDeployment>(options); };
}
