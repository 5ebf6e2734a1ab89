// The session decoder on any value: whole or cut short, as a string or as hash fields; the
// table's quick user scan; the strict JSON checker the store uses.
#include "core/sessions/sessiondecoder.h"
#include "core/store/sessionstore.h"
#include "core/support/jsontext.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace sdcore;
    const QByteArray value(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)SessionDecoder::decodeString("sess:fuzz", "sess:", value, value.size(), false);
    (void)SessionDecoder::decodeString("sess:fuzz", "sess:", value.left(value.size() / 2), value.size(), true);
    (void)SessionDecoder::quickUser(value);
    (void)SessionDecoder::quickUser(QByteArrayView(value).first(qMin<qsizetype>(value.size(), 512)));
    (void)SessionDecoder::isText(value);
    (void)SessionDecoder::hexDump(value, 256);
    (void)SessionDecoder::decodeHash("sess:fuzz", "sess:", value.split('\n'));
    (void)JsonText::isValid(value);
    (void)SessionStore::ttlSeconds(value, 86400, QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC));
    return 0;
}
