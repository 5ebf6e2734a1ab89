// What a user pastes to find a session: an id, a key, a cookie or a Cookie header.
#include "sessiondecoder.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)sdcore::SessionDecoder::sessionIdFromInput(input, "sess:");
    (void)sdcore::SessionDecoder::sessionIdFromInput(input, QByteArray());
    return 0;
}
