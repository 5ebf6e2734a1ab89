// A hostile server on loopback: whatever it answers (garbage, a truncated reply, a bulk or an
// array of absurd length, a reply streamed without end, arrays nested deeper than anyone
// needs, one byte at a time, or nothing at all), a RedisConnection ends with a clear error
// within its timeout and without holding more than its reply limit in memory.

#include "core/redis/redisconnection.h"
#include "tests/support/testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <atomic>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sdcore;

namespace {

enum class Behaviour {
    Garbage,
    Truncated,
    HugeBulkLength,
    EndlessBulk,
    HugeArray,
    EndlessArray,
    NegativeArray,
    DeepNesting,
    Trickle,
    Silent,
    CloseAtOnce,
};

// One connection at a time, on a thread of its own: it reads the client's first bytes, then
// behaves as told until the client goes away or the server is stopped.
class HostileServer
{
public:
    explicit HostileServer(Behaviour behaviour) : m_behaviour(behaviour)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        ::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::listen(m_listen, 4);
        socklen_t len = sizeof addr;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~HostileServer()
    {
        m_stop = true;
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }
    quint16 port() const { return m_port; }

private:
    bool send(int fd, const QByteArray &bytes)
    {
        return ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
    }
    // Until the client closes or the server stops.
    void hold(int fd)
    {
        while (!m_stop) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                char buf[4096];
                if (::recv(fd, buf, sizeof buf, 0) <= 0)
                    return;
            }
        }
    }
    void serve()
    {
        while (!m_stop) {
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd < 0)
                return;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 2000) > 0) {
                char buf[4096];
                ::recv(fd, buf, sizeof buf, 0);   // the command, whatever it is
            }
            behave(fd);
            ::close(fd);
        }
    }
    void behave(int fd)
    {
        switch (m_behaviour) {
        case Behaviour::Garbage:
            send(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            hold(fd);
            break;
        case Behaviour::Truncated:
            send(fd, "$10\r\nabc");
            hold(fd);
            break;
        case Behaviour::HugeBulkLength:
            send(fd, "$9223372036854775807\r\n");
            hold(fd);
            break;
        case Behaviour::EndlessBulk: {
            // Announces 1 GB and sends it as fast as the client takes it.
            send(fd, "$1000000000\r\n");
            const QByteArray chunk(64 * 1024, 'x');
            while (!m_stop && send(fd, chunk)) {
            }
            break;
        }
        case Behaviour::HugeArray:
            send(fd, "*2147483647\r\n");
            hold(fd);
            break;
        case Behaviour::EndlessArray: {
            send(fd, "*2000000000\r\n");
            QByteArray chunk;
            for (int i = 0; i < 8192; ++i)
                chunk += ":1\r\n";
            while (!m_stop && send(fd, chunk)) {
            }
            break;
        }
        case Behaviour::NegativeArray:
            send(fd, "*-5\r\n");
            hold(fd);
            break;
        case Behaviour::DeepNesting: {
            QByteArray nested;
            for (int i = 0; i < 10000; ++i)
                nested += "*1\r\n";
            send(fd, nested + ":1\r\n");
            hold(fd);
            break;
        }
        case Behaviour::Trickle:
            // A valid reply, one byte every 100 ms: each read succeeds, the reply never ends in time.
            send(fd, "$100\r\n");
            for (int i = 0; i < 100 && !m_stop; ++i) {
                if (!send(fd, "y"))
                    return;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            hold(fd);
            break;
        case Behaviour::Silent:
            hold(fd);
            break;
        case Behaviour::CloseAtOnce:
            break;
        }
    }

    Behaviour m_behaviour;
    int m_listen = -1;
    quint16 m_port = 0;
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

} // namespace

Q_DECLARE_METATYPE(Behaviour)

class TestHostileServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endsWithAClearError_data()
    {
        QTest::addColumn<Behaviour>("behaviour");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<QString>("says");
        QTest::newRow("garbage") << Behaviour::Garbage << ErrorKind::Protocol << "not the Redis protocol";
        QTest::newRow("truncated") << Behaviour::Truncated << ErrorKind::Timeout << "did not answer within";
        QTest::newRow("huge bulk length") << Behaviour::HugeBulkLength << ErrorKind::Timeout << "did not answer within";
        QTest::newRow("endless bulk") << Behaviour::EndlessBulk << ErrorKind::Protocol << "larger than the 16 MiB limit";
        QTest::newRow("huge array") << Behaviour::HugeArray << ErrorKind::Protocol << "larger than the 16 MiB limit";
        QTest::newRow("endless array") << Behaviour::EndlessArray << ErrorKind::Protocol << "larger than the 16 MiB limit";
        QTest::newRow("negative array") << Behaviour::NegativeArray << ErrorKind::Protocol << "length out of range";
        QTest::newRow("deep nesting") << Behaviour::DeepNesting << ErrorKind::Protocol << "not the Redis protocol";
        QTest::newRow("trickle") << Behaviour::Trickle << ErrorKind::Timeout << "kept its reply coming";
        QTest::newRow("silent") << Behaviour::Silent << ErrorKind::Timeout << "did not answer within";
        QTest::newRow("close at once") << Behaviour::CloseAtOnce << ErrorKind::Io << "closed the connection";
    }

    void endsWithAClearError()
    {
        QFETCH(Behaviour, behaviour);
        QFETCH(ErrorKind, kind);
        QFETCH(QString, says);
        HostileServer server(behaviour);
        auto url = RedisUrl::parse(QStringLiteral("redis://127.0.0.1:%1").arg(server.port()));
        QVERIFY(url);
        ConnectionOptions options;
        options.connectTimeoutMs = options.commandTimeoutMs = 500;
        options.maxReplyBytes = 16 << 20;
        options.deferHandshake = true;

        const qint64 rssBefore = residentBytes();
        QElapsedTimer clock;
        clock.start();
        auto connection = RedisConnection::open(*url, options);
        QVERIFY_OK(connection);
        auto reply = (*connection)->command(Command{"PING"});
        const qint64 elapsed = clock.elapsed();
        const qint64 grown = residentBytes() - rssBefore;
        QVERIFY2(!reply, qPrintable(reply ? reply->debugString() : QString()));
        qInfo("%s after %lld ms, RSS +%lld KiB: %s", qPrintable(errorKindName(reply.error().kind)), elapsed,
              grown / 1024, qPrintable(reply.errorMessage()));
        QCOMPARE(errorKindName(reply.error().kind), errorKindName(kind));
        QVERIFY2(reply.errorMessage().contains(says), qPrintable(reply.errorMessage()));
        QVERIFY2(reply.errorMessage().contains(QStringLiteral("127.0.0.1:%1").arg(server.port())),
                 qPrintable(reply.errorMessage()));
        // Within its time: one command timeout for a silent peer, four for a reply that keeps
        // coming (plus the second a MiB allows), with room for a loaded machine.
        QVERIFY2(elapsed < 4 * 500 + 16 * 1000 + 2000, qPrintable(QString::number(elapsed)));
        // Bounded memory: the 16 MiB limit, as hiredis's buffer may double past it once. (Under
        // AddressSanitizer freed blocks wait in its quarantine, so the process keeps more.)
#ifdef __SANITIZE_ADDRESS__
        const qint64 bound = qint64(512) << 20;
#else
        const qint64 bound = qint64(64) << 20;
#endif
        QVERIFY2(grown < bound, qPrintable(QString::number(grown)));
        QVERIFY((*connection)->isBroken());
        // And it stays a clear error afterwards, not a crash.
        QVERIFY(!(*connection)->command(Command{"PING"}));
    }

    // The same parser without a socket (what the fuzzer drives).
    void decodesWithoutASocket()
    {
        auto replies = RedisConnection::decode("+OK\r\n:5\r\n*2\r\n$1\r\na\r\n$-1\r\n-ERR no\r\n");
        QVERIFY_OK(replies);
        QCOMPARE(replies->size(), 4);
        QCOMPARE(replies->at(0).bytes(), QByteArray("OK"));
        QCOMPARE(replies->at(1).toInteger(), 5);
        QCOMPARE(replies->at(2).size(), 2);
        QCOMPARE(replies->at(2).at(0).bytes(), QByteArray("a"));
        QVERIFY(replies->at(2).at(1).isNil());
        QVERIFY(replies->at(3).isError());
        QCOMPARE(RedisConnection::decode("hello\r\n").error().kind, ErrorKind::Protocol);
        QVERIFY(RedisConnection::decode("$10\r\nabc").errorMessage().contains("incomplete"));
        QVERIFY(RedisConnection::decode("*3\r\n:1\r\n").errorMessage().contains("incomplete"));
        QVERIFY(RedisConnection::decode("*100000\r\n", 1024).errorMessage().contains("larger than the limit"));
        QVERIFY(RedisConnection::decode(QByteArray()).value().isEmpty());
    }

    // The handshake (AUTH, SELECT, CLIENT SETNAME) meets the same server: open() fails cleanly.
    void handshakeFailsCleanly()
    {
        HostileServer server(Behaviour::Garbage);
        auto url = RedisUrl::parse(QStringLiteral("redis://:secret@127.0.0.1:%1/3").arg(server.port()));
        QVERIFY(url);
        ConnectionOptions options;
        options.connectTimeoutMs = options.commandTimeoutMs = 500;
        auto connection = RedisConnection::open(*url, options);
        QVERIFY(!connection);
        QCOMPARE(connection.error().kind, ErrorKind::Protocol);
        QVERIFY(!connection.errorMessage().contains(QStringLiteral("secret")));
    }

    // Large replies under the limit are not mistaken for hostile ones: a 12 MiB bulk arrives
    // whole, in pieces, from a server that sends it at its own pace.
    void largeReplyUnderTheLimitArrives()
    {
        const int size = 12 << 20;
        int listenFd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::listen(listenFd, 1);
        socklen_t len = sizeof addr;
        ::getsockname(listenFd, reinterpret_cast<sockaddr *>(&addr), &len);
        std::thread server([listenFd, size] {
            const int fd = ::accept(listenFd, nullptr, nullptr);
            char buf[256];
            ::recv(fd, buf, sizeof buf, 0);
            const QByteArray head = "$" + QByteArray::number(size) + "\r\n";
            ::send(fd, head.constData(), size_t(head.size()), MSG_NOSIGNAL);
            const QByteArray chunk(1 << 20, 'z');
            for (int i = 0; i < 12; ++i) {
                ::send(fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
                std::this_thread::sleep_for(std::chrono::milliseconds(60));
            }
            ::send(fd, "\r\n", 2, MSG_NOSIGNAL);
            ::recv(fd, buf, sizeof buf, 0);   // until the client closes
            ::close(fd);
        });
        auto url = RedisUrl::parse(QStringLiteral("redis://127.0.0.1:%1").arg(ntohs(addr.sin_port)));
        ConnectionOptions options;
        options.commandTimeoutMs = 500;
        options.maxReplyBytes = 16 << 20;
        options.deferHandshake = true;
        {
            auto connection = RedisConnection::open(*url, options);
            QVERIFY(connection);
            auto reply = (*connection)->command(Command{"GET", "big"});
            QVERIFY_OK(reply);
            QCOMPARE(reply->bytes().size(), size);
            QVERIFY(!(*connection)->isBroken());
        }
        server.join();
        ::close(listenFd);
    }
};

QTEST_GUILESS_MAIN(TestHostileServer)
#include "tst_hostileserver.moc"
