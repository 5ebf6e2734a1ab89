#pragma once

// Shared by the tests: where tests write files they leave for people to look at, checks and
// builders that several test files need.

#include "core/monitor/topologysnapshot.h"
#include "core/sentinel/eventtimeline.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QString>

inline QString testOutputDir()
{
    QString dir = qEnvironmentVariable("SESSIONDECK_TEST_OUTPUT");
    if (dir.isEmpty())
        dir = QDir::tempPath() + QStringLiteral("/sessiondeck-test-output");
    QDir().mkpath(dir);
    return dir;
}

// The first shard of a snapshot (standalone and Sentinel deployments have one), or an empty one.
inline const sdcore::ShardState &firstShard(const sdcore::TopologySnapshot &s)
{
    static const sdcore::ShardState none;
    return s.shards.isEmpty() ? none : s.shards.first();
}

// A Result (or Status) is good; otherwise the test fails with its error message. The expression
// is evaluated once.
#define QVERIFY_OK(expression)                                                                    \
    do {                                                                                          \
        const auto &sdVerifyResult = (expression);                                                \
        QVERIFY2(bool(sdVerifyResult), qPrintable(sdVerifyResult.errorMessage()));                \
    } while (false)

// How many entries of `type` ("+switch-master", …) the timeline holds.
inline int countOf(const sdcore::EventTimeline &timeline, const QString &type)
{
    int n = 0;
    for (const sdcore::TimelineEntry &e : timeline.entries())
        n += e.event.type == type ? 1 : 0;
    return n;
}

// A session as connect-redis writes it: express-session's cookie (maxAge, expires at `expires`,
// or maxAge from now when invalid), then `fields` (JSON members without braces, may be empty).
inline QByteArray sessionJson(const QByteArray &fields, qint64 maxAgeMs = 3600000, QDateTime expires = {})
{
    if (!expires.isValid())
        expires = QDateTime::currentDateTimeUtc().addMSecs(maxAgeMs);
    return "{\"cookie\":{\"originalMaxAge\":" + QByteArray::number(maxAgeMs) + ",\"expires\":\""
        + expires.toUTC().toString(Qt::ISODateWithMs).toUtf8() + "\",\"httpOnly\":true,\"path\":\"/\"}"
        + (fields.isEmpty() ? QByteArray() : "," + fields) + "}";
}
