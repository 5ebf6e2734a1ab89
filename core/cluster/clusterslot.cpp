#include "core/cluster/clusterslot.h"

#include <array>

namespace sdcore {

namespace {

constexpr std::array<quint16, 256> makeTable()
{
    std::array<quint16, 256> table{};
    for (int i = 0; i < 256; ++i) {
        quint16 crc = quint16(i << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[i] = crc;
    }
    return table;
}

constexpr auto CrcTable = makeTable();

} // namespace

quint16 crc16(QByteArrayView data)
{
    quint16 crc = 0;
    for (char c : data)
        crc = quint16((crc << 8) ^ CrcTable[((crc >> 8) ^ quint8(c)) & 0xff]);
    return crc;
}

QByteArrayView hashTagOf(QByteArrayView key)
{
    const qsizetype open = key.indexOf('{');
    if (open < 0)
        return key;
    const qsizetype close = key.sliced(open + 1).indexOf('}');
    if (close <= 0)   // no '}', or "{}": the whole key
        return key;
    return key.sliced(open + 1, close);
}

int keySlot(QByteArrayView key)
{
    return crc16(hashTagOf(key)) & (ClusterSlots - 1);
}

} // namespace sdcore
