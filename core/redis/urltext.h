#pragma once

// Character, host and address checks for the URL parser (redisurl.cpp), kept apart so the parser
// reads as the grammar it follows. ASCII only: URLs take no other digits or letters.

#include "core/redis/redisurl.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace sdcore::urltext {

// QChar::isDigit() and friends accept non-ASCII digits and letters; URLs must not.
bool isAsciiDigit(QChar c);
bool isAsciiAlpha(QChar c);
int hexValue(QChar c);
bool isHostChar(QChar c);
bool isZoneChar(QChar c);
bool allDigits(QStringView s);
// `digits` must be all ASCII digits. Leading zeros are skipped so that "007" is not mistaken
// for an overflow; anything above `max` yields nullopt.
std::optional<qint64> decimalValue(QStringView digits, qint64 max);
bool isSchemeToken(QStringView s);
// TLS spellings: rediss:// (redis-py, node-redis, Lettuce), rediss-sentinel:// (Lettuce), and
// the "+tls"/"+ssl" forms some configs use.
bool isTlsScheme(const QString &lower);
bool isKnownScheme(const QString &lower);
bool isIpv4(QStringView s);
// Counts the 16-bit groups in a colon-separated run such as "fe80:0:1" (an IPv4 tail counts as
// two), or -1 when the run is malformed. Characters were already checked to be hex, ':' or '.'.
int ipv6Groups(QStringView run, bool allowIpv4Tail);
bool isValidIpv6(QStringView addr);
QString encodeComponent(const QString &text, const QByteArray &keep = {});
// The form a host takes inside a URL: brackets for IPv6 and the zone's '%' written as %25
// (RFC 6874), so that parse() reads it back.
QString urlHostPort(const HostPort &node);

} // namespace sdcore::urltext
