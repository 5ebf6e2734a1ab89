// The log setup: file, in-memory buffer for the log view, levels, and no passwords.

#include "core/redis/redisurl.h"
#include "core/support/logbuffer.h"
#include "core/support/logging.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <spdlog/spdlog.h>

using namespace sdcore;

class TestLogging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bufferIsBounded()
    {
        LogBuffer buffer(5);
        for (int i = 0; i < 12; ++i)
            buffer.append(2, QStringLiteral("line %1").arg(i));
        QCOMPARE(buffer.size(), 5);
        const auto all = buffer.linesSince(0);
        QCOMPARE(all.size(), 5);
        QCOMPARE(all.first().text, QStringLiteral("line 7"));
        QCOMPARE(all.last().text, QStringLiteral("line 11"));
        QCOMPARE(buffer.lastSequence(), 12u);
        const auto newer = buffer.linesSince(10);
        QCOMPARE(newer.size(), 2);
        QCOMPARE(newer.first().text, QStringLiteral("line 10"));
        QVERIFY(buffer.linesSince(12).isEmpty());
    }

    void setupWritesFileAndBuffer()
    {
        QTemporaryDir dir;
        LogOptions options;
        options.level = "debug";
        options.directory = dir.path();
        QVERIFY(Logging::setup(options));
        QCOMPARE(Logging::logFilePath(), dir.filePath("sessiondeck.log"));

        auto url = RedisUrl::parse("redis://alice:Zq9-distinctive-pw@127.0.0.1:6390/2");
        QVERIFY(url);
        spdlog::info("connecting to {}", url->toString().toStdString());
        spdlog::debug("a debug line");
        // What a server sent, quoted in a log line, cannot forge lines or reach the terminal.
        spdlog::warn("malformed event: {}", "x\nFAKE 12:00:00 +odown forged\x1b[2K\x1b[1A");
        spdlog::trace("a trace line that must not appear");
        spdlog::default_logger()->flush();

        QFile file(Logging::logFilePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("connecting to redis://alice:***@127.0.0.1:6390/2"));
        QVERIFY(text.contains("a debug line"));
        QVERIFY(!text.contains("trace line"));
        QVERIFY(!text.contains("Zq9-distinctive-pw"));
        QVERIFY(!text.contains('\x1b'));
        QVERIFY(!text.contains("\nFAKE"));
        QVERIFY(text.contains("malformed event: x\\x0aFAKE 12:00:00 +odown forged\\x1b[2K"));

        const auto lines = LogBuffer::instance().linesSince(0);
        bool found = false;
        for (const auto &line : lines)
            found = found || line.text.contains("connecting to redis://alice:***@");
        QVERIFY(found);
    }

    void rejectsUnknownLevel()
    {
        LogOptions options;
        options.level = "loud";
        options.toFile = false;
        auto s = Logging::setup(options);
        QVERIFY(!s);
        QVERIFY(s.errorMessage().contains("loud"));
        QVERIFY(Logging::isValidLevel("WARN"));
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
