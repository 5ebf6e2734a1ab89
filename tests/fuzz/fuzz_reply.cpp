// The reply path of every connection: hiredis's RESP parser with SessionDeck's bounded reply
// objects, and the conversion to RedisValue. Any bytes give replies or an Error, within a
// 1 MiB reply limit.
#include "core/redis/redisconnection.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto replies = sdcore::RedisConnection::decode(
        QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)), qint64(1) << 20);
    if (replies) {
        for (const sdcore::RedisValue &v : *replies)
            (void)v.debugString();
    }
    return 0;
}
