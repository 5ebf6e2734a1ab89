#pragma once

// Where a key lives in a Redis Cluster: its hash slot, CRC16 (XMODEM: polynomial 0x1021, initial
// value 0) of the key, or of its hash tag, modulo 16384. The hash tag is what lies between the
// first '{' and the first '}' after it, when that is not empty ("{user1000}.following"); keys
// with the same tag share a slot. Pure functions, no I/O.

#include <QByteArrayView>

namespace sdcore {

inline constexpr int ClusterSlots = 16384;

quint16 crc16(QByteArrayView data);
// The part of `key` that is hashed: its hash tag when it has one, else the whole key.
QByteArrayView hashTagOf(QByteArrayView key);
int keySlot(QByteArrayView key);

} // namespace sdcore
