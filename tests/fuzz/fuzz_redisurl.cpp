// The connection URL parser: any text gives a URL or a clear error; a URL it accepts prints as
// text that parses again to the same URL.
#include "core/redis/redisurl.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto url = sdcore::RedisUrl::parse(text);
    if (!url) {
        if (url.errorMessage().isEmpty())
            abort();   // every refusal says why
        return 0;
    }
    auto again = sdcore::RedisUrl::parse(url->toSecretString());
    if (!again || !(*again == *url))
        abort();
    (void)url->withNode(sdcore::HostPort{QStringLiteral("127.0.0.1"), 1});
    return 0;
}
