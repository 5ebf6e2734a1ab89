// The CLUSTER NODES parser and the shards made from it: any text a node sends parses or fails
// cleanly, every accepted slot is in range, and the layout of what was accepted never crashes.
#include "core/cluster/clusternodes.h"
#include "core/cluster/clusterslot.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));
    const int slot = sdcore::keySlot(text);
    if (slot < 0 || slot >= sdcore::ClusterSlots)
        std::abort();
    auto lines = sdcore::parseClusterNodes(text);
    if (!lines)
        return 0;
    for (const sdcore::ClusterNodeLine &line : *lines) {
        for (const sdcore::SlotRange &r : line.slots) {
            if (r.first < 0 || r.last >= sdcore::ClusterSlots || r.first > r.last)
                std::abort();
        }
    }
    const sdcore::ClusterLayout layout = sdcore::clusterLayout(*lines);
    (void)layout;
    return 0;
}
