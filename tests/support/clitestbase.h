#pragma once

// What the command-line tests share: a redis-server of their own (and one with a password),
// a scratch HOME so that the audit log and settings are the test's, and the CLI run in it.

#include "core/lab/locallauncher.h"
#include "core/redis/redisconnection.h"
#include "tests/support/clirun.h"
#include "tests/support/testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using Run = CliRun;

class CliTestBase : public QObject
{
protected:
    sdcore::LocalLauncher m_redis;
    sdcore::LocalLauncher m_secured{[] {
        sdcore::LauncherOptions o;
        o.password = "Primary-Only-Pw#19";
        return o;
    }()};
    std::unique_ptr<sdcore::RedisConnection> m_conn;
    QTemporaryDir m_home;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("HOME", m_home.path());
        e.insert("XDG_DATA_HOME", m_home.filePath("data"));
        e.insert("XDG_CONFIG_HOME", m_home.filePath("config"));
        e.remove("REDISCLI_AUTH");
        return e;
    }
    QString auditPath() const { return m_home.filePath("data/SessionDeck/sessiondeck/audit.log"); }
    QList<QJsonObject> audit() const
    {
        QList<QJsonObject> out;
        QFile f(auditPath());
        if (f.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : f.readAll().split('\n')) {
                if (!line.isEmpty())
                    out << QJsonDocument::fromJson(line).object();
            }
        }
        return out;
    }

    Run cli(const QStringList &args, const QProcessEnvironment &environment = QProcessEnvironment()) const
    {
        return runCli(args, environment.isEmpty() ? env() : environment);
    }
    QString url() const { return m_redis.standaloneUrl().toString(); }

    void set(const QByteArray &key, const QByteArray &value = "{\"cookie\":{}}")
    {
        QVERIFY(m_conn->command(sdcore::Command{"SET", key, value, "EX", "3600"}));
    }
    bool exists(const QByteArray &key) { return m_conn->command(sdcore::Command{"EXISTS", key})->toInteger() == 1; }
    void flush() { QVERIFY(m_conn->command(sdcore::Command{"FLUSHDB"})); }
    qint64 dbSize() { return m_conn->command(sdcore::Command{"DBSIZE"})->toInteger(); }


    // For initTestCase: both servers up and a connection to the first.
    void startServers()
    {
        QVERIFY(m_home.isValid());
        QVERIFY(m_redis.startStandalone());
        QVERIFY(m_secured.startStandalone());
        auto c = sdcore::RedisConnection::open(m_redis.standaloneUrl());
        QVERIFY_OK(c);
        m_conn = std::move(*c);
    }
};
