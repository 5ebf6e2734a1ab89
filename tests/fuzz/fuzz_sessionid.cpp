// What a user pastes to find a session: an id, a key, a cookie or a Cookie header; and the
// printable form of keys. Properties: printable() is reversed by fromPrintable() for any bytes,
// terminalSafe() leaves no control character, and an argument's readings never fail.
#include "core/sessions/sessiondecoder.h"
#include "core/sessions/sessionkeyresolver.h"
#include "core/support/keytext.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString input = QString::fromUtf8(bytes);
    (void)sdcore::SessionDecoder::sessionIdFromInput(input, "sess:");
    (void)sdcore::SessionDecoder::sessionIdFromInput(input, QByteArray());
    (void)sdcore::SessionKeyResolver::readings(input, "sess:");

    const QString printed = sdcore::KeyText::printable(bytes);
    const auto back = sdcore::KeyText::fromPrintable(printed);
    if (!back || *back != bytes)
        std::abort();
    for (const QChar c : sdcore::KeyText::terminalSafe(input)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || (c.unicode() >= 0x80 && c.unicode() < 0xa0))
            std::abort();
    }
    return 0;
}
