// The Sentinel event parser: the first line is the channel, the rest the payload.
#include "core/sentinel/sentinelevent.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = bytes.indexOf('\n');
    const QString channel = QString::fromUtf8(newline < 0 ? bytes : bytes.left(newline));
    const QByteArray payload = newline < 0 ? QByteArray() : bytes.mid(newline + 1);
    auto event = sdcore::SentinelEvent::parse(channel, payload);
    if (!event) {
        if (event.errorMessage().isEmpty())
            abort();
        return 0;
    }
    (void)event->summary();
    (void)event->instanceText();
    (void)event->severity();
    (void)event->dedupKey();
    return 0;
}
